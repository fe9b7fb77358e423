import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Queues calls to organisations' webhook endpoints in the same transaction as the change that
/// causes them, one per endpoint that asked for the event; the delivery worker sends them.
///
/// The body is for a system, not someone treating the patient: the event, when it happened,
/// which organisation it is for, and references with links into Liaison. Never a name or
/// clinical detail: following a link leads through the usual sign-in and access check.
struct Webhooks: Sendable {
    let clock: any Clock
    /// Where links in bodies point (`LiaisonConfiguration.baseURL`).
    let baseURL: String

    /// What an event is about: a referral, or nothing (the test event).
    enum Subject: Sendable {
        case referral(id: UUID, state: ReferralState)
        case none
    }

    /// The JSON a receiver gets (documented in the OpenAPI document as `WebhookEvent`).
    struct Body: Encodable {
        struct Referral: Encodable {
            let id: UUID
            let reference: String
            let state: String
            let url: String
        }

        struct Data: Encodable {
            var referral: Referral?
        }

        let id: String
        let type: String
        let createdAt: Date
        let organisationId: UUID
        let data: Data
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Queues `event` for every endpoint of `organisations` that asked for it.
    func publish(_ event: WebhookEvent, about subject: Subject, to organisations: [UUID], on db: any Database) async throws {
        let targets = try await WebhookQueries.subscribers(to: event.rawValue, organisations: Array(Set(organisations)), on: db)
        try await queue(event, about: subject, for: targets.map { ($0.id, $0.organisationID) }, on: db)
    }

    /// Queues a referral step's event for the organisations each referral concerns: one query for
    /// the organisations, one for their endpoints and one insert, however many referrals.
    func publish(_ event: WebhookEvent, referrals: [(id: UUID, state: ReferralState)], on db: any Database) async throws {
        guard !referrals.isEmpty, try await WebhookQueries.anySubscriber(to: event.rawValue, on: db) else { return }
        let involved = try await ReferralQueries.organisationsInvolved(in: referrals.map(\.id), on: db)
        let endpoints = Dictionary(
            grouping: try await WebhookQueries.subscribers(to: event.rawValue, organisations: Array(Set(involved.values.joined())), on: db),
            by: \.organisationID)
        guard !endpoints.isEmpty else { return }
        let now = clock.now()
        let messages = try referrals.flatMap { referral in
            try (involved[referral.id] ?? []).flatMap { endpoints[$0] ?? [] }.map {
                try message(event, about: .referral(id: referral.id, state: referral.state), for: ($0.id, $0.organisationID), at: now)
            }
        }
        try await OutboxQueries.enqueue(messages, at: now, on: db)
    }

    /// Queues `event` for these endpoints (the test event goes to one, whatever it asked for).
    func queue(_ event: WebhookEvent, about subject: Subject, for endpoints: [(id: UUID, organisationID: UUID)], on db: any Database) async throws {
        guard !endpoints.isEmpty else { return }
        let now = clock.now()
        try await OutboxQueries.enqueue(try endpoints.map { try message(event, about: subject, for: $0, at: now) }, at: now, on: db)
    }

    /// One call to one endpoint.
    private func message(_ event: WebhookEvent, about subject: Subject, for endpoint: (id: UUID, organisationID: UUID), at now: Date) throws -> NewOutboxMessage {
        let id = UUID.ordered()
        let body = Body(id: id.uuidString.lowercased(), type: event.rawValue, createdAt: now, organisationId: endpoint.organisationID, data: data(subject))
        return NewOutboxMessage(
            id: id, channel: .webhook, recipient: endpoint.id.uuidString, subject: event.rawValue,
            body: String(decoding: try Self.encoder.encode(body), as: UTF8.self))
    }

    private func data(_ subject: Subject) -> Body.Data {
        switch subject {
        case .referral(let id, let state):
            Body.Data(referral: .init(id: id, reference: ReferralReference.short(id), state: state.rawValue, url: baseURL + SiteURL.referral(id).path))
        case .none:
            Body.Data()
        }
    }
}
