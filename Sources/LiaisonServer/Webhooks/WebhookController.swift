import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// The organisation's webhooks page: endpoints, their recent calls, adding one (its secret shown
/// once), a test event, trying a set-aside call again, removing an endpoint.
struct WebhookController: Sendable {
    let views: Views
    let webhooks: WebhookService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(SiteURL.organisationWebhooks(.placeholder), use: page)
        routes.clinicians.post(SiteURL.organisationWebhooks(.placeholder), use: add)
        routes.clinicians.post(SiteURL.organisationWebhookStep(organisation: .placeholder, endpoint: .placeholder, .test), use: step)
        routes.clinicians.post(SiteURL.organisationWebhookRetry(organisation: .placeholder, call: .placeholder), use: retry)
    }

    struct Page: Sendable {
        struct Endpoint: Sendable {
            let url: String
            let events: String
            let since: String
            let testPath: String
            let removePath: String
            let calls: [Call]
            let hasCalls: Bool
        }

        struct Call: Sendable {
            let event: String
            let when: String
            let state: String
            let isSetAside: Bool
            let attempts: Int
            let lastError: String
            let retryPath: String
        }

        struct Option: Sendable {
            let value: String
            let label: String
            let checked: Bool
        }

        let organisationPath: String
        let action: String
        let endpoints: [Endpoint]
        let hasEndpoints: Bool
        let options: [Option]
        let form: FormState
        /// Set once, right after an endpoint was added.
        let newSecret: String?
        let newURL: String?
    }

    private func render(
        _ organisationID: UUID, form: FormState = .empty, chosen: [String] = [], added: WebhookService.Added? = nil,
        status: HTTPResponse.Status = .ok, request: Request, context: ClinicianContext
    ) async throws -> Response {
        let endpoints = try await webhooks.endpoints(of: organisationID, by: context.caller)
        let page = Page(
            organisationPath: SiteURL.organisation(organisationID).path, action: SiteURL.organisationWebhooks(organisationID).path,
            endpoints: endpoints.map { endpoint in
                let calls = endpoint.calls.map { call in
                    Page.Call(
                        event: call.event, when: DisplayDate.dateTime(call.createdAt), state: Self.words(for: call),
                        isSetAside: call.state == .setAside, attempts: call.attempts, lastError: call.lastError ?? "",
                        retryPath: SiteURL.organisationWebhookRetry(organisation: organisationID, call: call.id).path)
                }
                return Page.Endpoint(
                    url: endpoint.url, events: endpoint.events.map(\.rawValue).joined(separator: ", "), since: DisplayDate.dateTime(endpoint.createdAt),
                    testPath: SiteURL.organisationWebhookStep(organisation: organisationID, endpoint: endpoint.id, .test).path,
                    removePath: SiteURL.organisationWebhookStep(organisation: organisationID, endpoint: endpoint.id, .remove).path,
                    calls: calls, hasCalls: !calls.isEmpty)
            },
            hasEndpoints: !endpoints.isEmpty,
            options: WebhookEvent.subscribable.map { Page.Option(value: $0.rawValue, label: $0.label, checked: chosen.contains($0.rawValue)) },
            form: form, newSecret: added?.secret, newURL: added?.endpoint.url)
        return views.page("webhooks/webhooks", title: "Webhooks", page, request: request, context: context, status: status)
    }

    static func words(for call: WebhookService.Call) -> String {
        switch call.state {
        case .delivered: "Delivered " + (call.deliveredAt.map { DisplayDate.dateTime($0) } ?? "")
        case .waiting: call.attempts == 0 ? "Waiting" : "Trying again"
        case .setAside: "Set aside"
        }
    }

    @Sendable func page(_ request: Request, context: ClinicianContext) async throws -> Response {
        try await render(try context.uuid("id"), request: request, context: context)
    }

    @Sendable func add(_ request: Request, context: ClinicianContext) async throws -> Response {
        let organisationID = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        let registration = WebhookService.Registration(url: form["url"], events: form.all("events"))
        do {
            let added = try await webhooks.add(registration, to: organisationID, by: context.caller)
            return try await render(organisationID, added: added, status: .created, request: request, context: context)
        } catch AppError.invalid(let errors) {
            return try await render(
                organisationID, form: FormState(values: form.dictionary, errors: errors), chosen: form.all("events"), status: .unprocessableContent,
                request: request, context: context)
        }
    }

    @Sendable func step(_ request: Request, context: ClinicianContext) async throws -> Response {
        let organisationID = try context.uuid("id")
        let endpointID = try context.uuid("endpoint")
        guard let step = context.parameters.get("step").flatMap(WebhookStep.init(rawValue:)) else { throw AppError.notFound }
        switch step {
        case .test:
            try await webhooks.sendTest(to: endpointID, of: organisationID, by: context.caller)
            return views.redirect(to: .organisationWebhooks(organisationID), flash: "Test event queued; it goes out within a few seconds.")
        case .remove:
            try await webhooks.remove(endpointID, of: organisationID, by: context.caller)
            return views.redirect(to: .organisationWebhooks(organisationID), flash: "Endpoint removed; nothing more is sent to it.")
        }
    }

    @Sendable func retry(_ request: Request, context: ClinicianContext) async throws -> Response {
        let organisationID = try context.uuid("id")
        try await webhooks.retry(try context.uuid("call"), of: organisationID, by: context.caller)
        return views.redirect(to: .organisationWebhooks(organisationID), flash: "Queued again; it goes out within a few seconds.")
    }
}
