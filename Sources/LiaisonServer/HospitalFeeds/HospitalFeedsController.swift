import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// The organisation's hospital-feeds page, for its administrators: the feeds, registering one,
/// turning one off, and the messages held because they matched no single patient.
struct HospitalFeedsController: Sendable {
    let views: Views
    let feeds: HospitalFeedService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(SiteURL.organisationFeeds(.placeholder), use: page)
        routes.clinicians.post(SiteURL.organisationFeeds(.placeholder), use: add)
        routes.clinicians.post(SiteURL.feedStep(organisation: .placeholder, feed: .placeholder, .disable), use: disable)
        routes.clinicians.post(SiteURL.feedMessageStep(organisation: .placeholder, message: .placeholder, .retry), use: resolve)
    }

    struct Page: Sendable {
        struct Feed: Sendable {
            let name: String
            let sendingFacility: String
            let timeZone: String
            let since: String
            let active: Bool
            let disablePath: String
        }

        struct Message: Sendable {
            let controlID: String
            let trigger: String
            let received: String
            let status: String
            let unmatched: Bool
            let answer: String
            let identifiers: String
            let retryPath: String
            let attachPath: String
            let dismissPath: String
            let id: String
        }

        let heading: String
        let organisationPath: String
        let action: String
        let feeds: [Feed]
        let hasFeeds: Bool
        let messages: [Message]
        let hasMessages: Bool
        let form: FormState
        let zoneHint: String
    }

    private func render(_ organisationID: UUID, form: FormState = .empty, status: HTTPResponse.Status = .ok, request: Request, context: ClinicianContext) async throws -> Response {
        let overview = try await feeds.overview(of: organisationID, by: context.caller)
        let zone = TimeZone(identifier: overview.organisation.timeZone) ?? .gmt
        let names = Dictionary(overview.feeds.map { ($0.id!, $0.name) }, uniquingKeysWith: { first, _ in first })
        let page = Page(
            heading: "Hospital feeds of \(overview.organisation.name)", organisationPath: SiteURL.organisation(organisationID).path,
            action: SiteURL.organisationFeeds(organisationID).path,
            feeds: overview.feeds.map {
                .init(name: $0.name, sendingFacility: $0.sendingFacility, timeZone: $0.timeZone, since: DisplayDate.day($0.createdAt, in: zone), active: $0.disabledAt == nil,
                      disablePath: SiteURL.feedStep(organisation: organisationID, feed: $0.id!, .disable).path)
            },
            hasFeeds: !overview.feeds.isEmpty,
            messages: overview.messages.map { message in
                let id = message.id!
                return .init(
                    controlID: message.controlID, trigger: "\(names[message.$feed.id] ?? "Feed"), ADT^\(message.trigger)",
                    received: DisplayDate.dateTime(message.receivedAt, in: zone, named: true), status: message.status, unmatched: message.messageStatus == .unmatched,
                    answer: "\(message.ackCode) \(message.ackText)", identifiers: message.identifiers,
                    retryPath: SiteURL.feedMessageStep(organisation: organisationID, message: id, .retry).path,
                    attachPath: SiteURL.feedMessageStep(organisation: organisationID, message: id, .attach).path,
                    dismissPath: SiteURL.feedMessageStep(organisation: organisationID, message: id, .dismiss).path, id: id.uuidString.lowercased())
            },
            hasMessages: !overview.messages.isEmpty, form: form, zoneHint: overview.organisation.timeZone)
        return views.page("careevents/feeds", title: page.heading, page, request: request, context: context, status: status)
    }

    @Sendable func page(_ request: Request, context: ClinicianContext) async throws -> Response {
        try await render(try context.uuid("id"), request: request, context: context)
    }

    @Sendable func add(_ request: Request, context: ClinicianContext) async throws -> Response {
        let organisationID = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        do {
            let feed = try await feeds.register(form.decode(HospitalFeedService.FeedInput.self), organisation: organisationID, by: context.caller)
            return views.redirect(to: .organisationFeeds(organisationID), flash: "Feed \(feed.name) registered: messages with sending facility \(feed.sendingFacility) are now accepted.")
        } catch AppError.invalid(let errors) {
            return try await render(organisationID, form: FormState(values: form.dictionary, errors: errors), status: .unprocessableContent, request: request, context: context)
        }
    }

    @Sendable func disable(_ request: Request, context: ClinicianContext) async throws -> Response {
        let organisationID = try context.uuid("id")
        var request = request
        _ = try await request.form(context: context)
        guard context.parameters.get("step").flatMap(FeedStep.init(rawValue:)) == .disable else { throw AppError.notFound }
        try await feeds.disable(try context.uuid("feed"), organisation: organisationID, by: context.caller)
        return views.redirect(to: .organisationFeeds(organisationID), flash: "Feed turned off: its messages are now answered with an error.")
    }

    @Sendable func resolve(_ request: Request, context: ClinicianContext) async throws -> Response {
        let organisationID = try context.uuid("id")
        guard let step = context.parameters.get("step").flatMap(FeedMessageStep.init(rawValue:)) else { throw AppError.notFound }
        var request = request
        let form = try await request.form(context: context)
        do {
            _ = try await feeds.resolve(try context.uuid("message"), step: step, patient: form["patient"], organisation: organisationID, by: context.caller)
            return views.redirect(to: .organisationFeeds(organisationID), flash: step == .dismiss ? "Message set aside." : "Message applied; the patient's care team has been told.")
        } catch AppError.invalid(let errors) {
            return try await render(organisationID, form: FormState(values: form.dictionary, errors: errors), status: .unprocessableContent, request: request, context: context)
        }
    }
}
