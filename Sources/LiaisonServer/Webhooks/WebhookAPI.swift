import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Webhook endpoints in the JSON API, for an organisation's administrators.
struct WebhookAPI: Sendable {
    let webhooks: WebhookService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(APIURL.webhooks(.placeholder), use: list)
        routes.clinicians.post(APIURL.webhooks(.placeholder), use: add)
        routes.clinicians.delete(APIURL.webhook(organisation: .placeholder, endpoint: .placeholder), use: remove)
        routes.clinicians.post(APIURL.webhookTest(organisation: .placeholder, endpoint: .placeholder), use: test)
        routes.clinicians.post(APIURL.webhookRetry(organisation: .placeholder, call: .placeholder), use: retry)
    }

    struct CallDTO: Codable, Sendable {
        /// The idempotency key the receiver sees.
        let id: UUID
        let event: String
        let createdAt: Date
        /// "delivered", "waiting" or "set-aside".
        let state: String
        let attempts: Int
        let lastError: String?
        let deliveredAt: Date?
    }

    struct EndpointDTO: Codable, Sendable {
        let id: UUID
        let url: String
        let events: [String]
        let createdAt: Date
        let calls: [CallDTO]
        /// Only in the answer to adding the endpoint: the signing key, not shown again.
        let secret: String?

        init(_ endpoint: WebhookService.Endpoint, secret: String? = nil) {
            id = endpoint.id
            url = endpoint.url
            events = endpoint.events.map(\.rawValue)
            createdAt = endpoint.createdAt
            calls = endpoint.calls.map {
                CallDTO(
                    id: $0.id, event: $0.event, createdAt: $0.createdAt, state: $0.state.rawValue, attempts: $0.attempts, lastError: $0.lastError,
                    deliveredAt: $0.deliveredAt)
            }
            self.secret = secret
        }
    }

    struct EndpointsDTO: ResponseEncodable {
        let endpoints: [EndpointDTO]
    }

    @Sendable func list(_ request: Request, context: ClinicianContext) async throws -> EndpointsDTO {
        EndpointsDTO(endpoints: try await webhooks.endpoints(of: try context.uuid("id"), by: context.caller).map { EndpointDTO($0) })
    }

    @Sendable func add(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<EndpointDTO> {
        let organisationID = try context.uuid("id")
        var request = request
        let registration = try await request.input(WebhookService.Registration.self, context: context)
        let added = try await webhooks.add(registration, to: organisationID, by: context.caller)
        return EditedResponse(status: .created, response: EndpointDTO(added.endpoint, secret: added.secret))
    }

    @Sendable func remove(_ request: Request, context: ClinicianContext) async throws -> HTTPResponse.Status {
        try await webhooks.remove(try context.uuid("endpoint"), of: try context.uuid("id"), by: context.caller)
        return .noContent
    }

    @Sendable func test(_ request: Request, context: ClinicianContext) async throws -> HTTPResponse.Status {
        try await webhooks.sendTest(to: try context.uuid("endpoint"), of: try context.uuid("id"), by: context.caller)
        return .accepted
    }

    @Sendable func retry(_ request: Request, context: ClinicianContext) async throws -> HTTPResponse.Status {
        try await webhooks.retry(try context.uuid("call"), of: try context.uuid("id"), by: context.caller)
        return .accepted
    }
}

extension WebhookAPI.EndpointDTO: ResponseEncodable {}
