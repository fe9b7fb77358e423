import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// An organisation's administrators register the addresses that hear about events as they
/// happen (referral steps…), see each endpoint's recent calls and how they went, send a test
/// event, queue a call that was set aside again, and remove an endpoint. Each change is audited.
struct WebhookService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let auditor: Auditor
    let webhooks: Webhooks
    /// `LIAISON_WEBHOOKS_TO_LOOPBACK`: endpoints on this machine are allowed (tests, one-machine set-ups).
    let allowLoopback: Bool

    /// An endpoint as the form or the API gives it.
    struct Registration: Decodable, Sendable {
        var url: String?
        var events: [String]?
    }

    /// One call to an endpoint and how it went.
    struct Call: Sendable {
        enum State: String, Sendable {
            case delivered, waiting
            case setAside = "set-aside"
        }

        let id: UUID
        let event: String
        let createdAt: Date
        let state: State
        let attempts: Int
        let lastError: String?
        let deliveredAt: Date?
    }

    struct Endpoint: Sendable {
        let id: UUID
        let url: String
        let events: [WebhookEvent]
        let createdAt: Date
        /// The latest calls, newest first.
        let calls: [Call]
    }

    /// An endpoint just added, with its signing secret: shown this once.
    struct Added: Sendable {
        let endpoint: Endpoint
        let secret: String
    }

    /// How many calls each endpoint's list shows.
    static let callsShown = 20

    func endpoints(of organisationID: UUID, by caller: Caller) async throws -> [Endpoint] {
        try authorize(organisationID, caller)
        let db = database.reader()
        guard try await Organisation.find(organisationID, on: db) != nil else { throw AppError.notFound }
        let endpoints = try await WebhookQueries.endpoints(ofOrganisation: organisationID, on: db)
        let calls = try await OutboxQueries.latest(.webhook, to: endpoints.map { $0.id!.uuidString }, limit: Self.callsShown * max(1, endpoints.count), on: db)
        let byEndpoint = Dictionary(grouping: calls, by: \.recipient)
        return endpoints.map { endpoint in
            Self.endpoint(endpoint, calls: Array((byEndpoint[endpoint.id!.uuidString] ?? []).prefix(Self.callsShown)))
        }
    }

    func add(_ registration: Registration, to organisationID: UUID, by caller: Caller) async throws -> Added {
        try authorize(organisationID, caller)
        var errors = ValidationErrors()
        var address: WebhookAddress?
        var events: [WebhookEvent] = []
        switch WebhookAddress.parse(registration.url ?? "", allowLoopback: allowLoopback) {
        case .success(let parsed): address = parsed
        case .failure(let problem): errors.add("url", problem.message)
        }
        switch WebhookEvent.list(registration.events ?? []) {
        case .success(let list): events = list
        case .failure(let problem): errors.add("events", problem.message)
        }
        guard errors.isEmpty, let address else { throw AppError.invalid(errors) }
        let url = address.url.absoluteString, chosen = events.map(\.rawValue)
        let secret = SecretToken.generate(prefix: "whsec_")
        return try await database.write { db in
            guard try await Organisation.find(organisationID, on: db) != nil else { throw AppError.notFound }
            let endpoint = WebhookEndpoint(
                organisationID: organisationID, url: url, secret: secret, events: chosen,
                createdAt: clock.now(), createdBy: caller.userID)
            try await endpoint.create(on: db)
            try await auditor.record(.webhookAdd, patient: nil, subject: "webhook:\(endpoint.id!)", purpose: "administration", by: caller, on: db)
            return Added(endpoint: Self.endpoint(endpoint, calls: []), secret: secret)
        }
    }

    func remove(_ id: UUID, of organisationID: UUID, by caller: Caller) async throws {
        try authorize(organisationID, caller)
        try await database.write { db in
            guard try await WebhookQueries.remove(id, ofOrganisation: organisationID, at: clock.now(), on: db) else { throw AppError.notFound }
            try await auditor.record(.webhookRemove, patient: nil, subject: "webhook:\(id)", purpose: "administration", by: caller, on: db)
        }
    }

    /// Queues the test event for one endpoint, whatever it asked for.
    func sendTest(to id: UUID, of organisationID: UUID, by caller: Caller) async throws {
        try authorize(organisationID, caller)
        try await database.write { db in
            guard try await WebhookQueries.endpoint(id, ofOrganisation: organisationID, on: db) != nil else { throw AppError.notFound }
            try await webhooks.queue(.test, about: .none, for: [(id, organisationID)], on: db)
            try await auditor.record(.webhookTest, patient: nil, subject: "webhook:\(id)", purpose: "administration", by: caller, on: db)
        }
    }

    /// Queues a call that was set aside again, due now.
    func retry(_ callID: UUID, of organisationID: UUID, by caller: Caller) async throws {
        try authorize(organisationID, caller)
        try await database.write { db in
            let endpoints = try await WebhookQueries.endpoints(ofOrganisation: organisationID, on: db).map { $0.id!.uuidString }
            guard try await OutboxQueries.retry(callID, channel: .webhook, recipients: endpoints, at: clock.now(), on: db) else { throw AppError.notFound }
            try await auditor.record(.webhookRetry, patient: nil, subject: "outbox:\(callID)", purpose: "administration", by: caller, on: db)
        }
    }

    private func authorize(_ organisationID: UUID, _ caller: Caller) throws {
        guard caller.identity.actor.mayAdminister(organisation: organisationID) else { throw AppError.forbidden }
    }

    private static func endpoint(_ endpoint: WebhookEndpoint, calls: [OutboxMessage]) -> Endpoint {
        Endpoint(
            id: endpoint.id!, url: endpoint.url, events: endpoint.eventNames.compactMap(WebhookEvent.init(rawValue:)), createdAt: endpoint.createdAt,
            calls: calls.map { message in
                Call(
                    id: message.id!, event: message.subject, createdAt: message.createdAt,
                    state: message.deliveredAt != nil ? .delivered : message.deadAt != nil ? .setAside : .waiting,
                    attempts: message.attempts, lastError: message.lastError, deliveredAt: message.deliveredAt)
            })
    }
}
