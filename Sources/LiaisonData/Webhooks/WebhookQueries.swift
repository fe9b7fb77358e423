import FluentKit
import Foundation
import SQLKit

/// An endpoint that wants an event, and what a call to it needs.
public struct WebhookTarget: Decodable, Sendable, Equatable {
    public let id: UUID
    public let organisationID: UUID
    public let url: String
    public let secret: String

    private enum CodingKeys: String, CodingKey {
        case id, organisationID = "organisation_id", url, secret
    }
}

/// Every statement about organisations' webhook endpoints.
public enum WebhookQueries {
    /// An organisation's endpoints still in use, oldest first.
    public static func endpoints(ofOrganisation organisationID: UUID, on db: any Database) async throws -> [WebhookEndpoint] {
        try await WebhookEndpoint.query(on: db).filter(\.$organisation.$id == organisationID).filter(\.$removedAt == nil).sort(\.$createdAt).all()
    }

    /// One of an organisation's endpoints still in use.
    public static func endpoint(_ id: UUID, ofOrganisation organisationID: UUID, on db: any Database) async throws -> WebhookEndpoint? {
        try await WebhookEndpoint.query(on: db).filter(\.$id == id).filter(\.$organisation.$id == organisationID).filter(\.$removedAt == nil).first()
    }

    /// Stops an endpoint; false if it is not one of the organisation's endpoints in use. Calls
    /// still waiting for it are set aside, so nothing more reaches the address.
    public static func remove(_ id: UUID, ofOrganisation organisationID: UUID, at now: Date, on db: any Database) async throws -> Bool {
        let removed = try await db.sql.raw("""
            UPDATE webhook_endpoints SET removed_at = \(bind: now)
            WHERE id = \(bind: id) AND organisation_id = \(bind: organisationID) AND removed_at IS NULL RETURNING id
            """).first() != nil
        guard removed else { return false }
        try await db.sql.raw("""
            UPDATE outbox_messages SET dead_at = \(bind: now), last_error = 'The endpoint was removed.'
            WHERE channel = 'webhook' AND recipient = \(bind: id.uuidString) AND delivered_at IS NULL AND dead_at IS NULL
            """).run()
        return true
    }

    /// The endpoints of these organisations in use that asked for `event`.
    public static func subscribers(to event: String, organisations: [UUID], on db: any Database) async throws -> [WebhookTarget] {
        guard !organisations.isEmpty else { return [] }
        return try await db.sql.rows(WebhookTarget.self, """
            SELECT id, organisation_id, url, secret FROM webhook_endpoints
            WHERE removed_at IS NULL AND organisation_id IN (\(SQLList(organisations.map { SQLBind($0) })))
              AND ',' || events || ',' LIKE \(bind: "%," + event + ",%")
            ORDER BY created_at
            """)
    }

    /// Whether any endpoint in use asked for `event`: most installations have none, and a bulk
    /// step (the sweep's expiries) then skips working out which organisations each referral concerns.
    public static func anySubscriber(to event: String, on db: any Database) async throws -> Bool {
        try await db.sql.raw("""
            SELECT 1 AS found FROM webhook_endpoints WHERE removed_at IS NULL AND ',' || events || ',' LIKE \(bind: "%," + event + ",%") LIMIT 1
            """).first() != nil
    }

    /// Endpoints in use among `ids`, for the delivery worker (a removed one is absent).
    public static func targets(_ ids: [UUID], on db: any Database) async throws -> [UUID: WebhookTarget] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await db.sql.rows(WebhookTarget.self, """
            SELECT id, organisation_id, url, secret FROM webhook_endpoints
            WHERE removed_at IS NULL AND id IN (\(SQLList(Set(ids).map { SQLBind($0) })))
            """)
        return Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
