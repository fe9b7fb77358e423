import FluentKit
import Foundation
import SQLKit

/// One email, before it is queued.
public struct NewEmail: Sendable, Equatable {
    public let to: String
    public let subject: String
    public let body: String
    /// The body carries a single-use link (invitation, password reset): kept only until delivered.
    public let secret: Bool

    public init(to: String, subject: String, body: String, secret: Bool = false) {
        self.to = to
        self.subject = subject
        self.body = body
        self.secret = secret
    }
}

/// A message a worker has claimed for delivery.
public struct ClaimedMessage: Decodable, Sendable, Equatable {
    public let id: UUID
    public let recipient: String
    public let subject: String
    public let body: String
    public let createdAt: Date
    /// Tries so far, this one included.
    public let attempts: Int

    private enum CodingKeys: String, CodingKey {
        case id, recipient, subject, body, createdAt = "created_at", attempts
    }
}

/// How many messages are in each state, for the administration page and metrics.
public struct OutboxCounts: Decodable, Sendable, Equatable {
    public let waiting: Int
    public let delivered: Int
    public let setAside: Int

    public init(waiting: Int, delivered: Int, setAside: Int) {
        self.waiting = waiting
        self.delivered = delivered
        self.setAside = setAside
    }

    private enum CodingKeys: String, CodingKey {
        case waiting, delivered, setAside = "set_aside"
    }
}

/// Every statement about the outbox of messages waiting to be delivered.
public enum OutboxQueries {
    /// What replaces a secret body once delivered.
    public static let deliveredSecret = "(Delivered. The single-use link this message carried is not kept.)"

    /// Queues many emails with a few statements, all at `moment`.
    public static func enqueue(_ emails: [NewEmail], at moment: Date, on db: any Database) async throws {
        guard !emails.isEmpty else { return }
        try await db.sql.insertRows(
            into: OutboxMessage.schema, columns: ["id", "channel", "recipient", "subject", "body", "created_at", "attempts", "secret"],
            emails.map {
                [SQLBind(UUID()), SQLBind("email"), SQLBind($0.to), SQLBind($0.subject), SQLBind($0.body), SQLBind(moment), SQLBind(0), SQLBind($0.secret)]
            })
    }

    /// Claims up to `limit` emails that are due and held by no live worker, oldest first, for
    /// this worker until `leaseUntil`, counting the try. On PostgreSQL rows another worker is
    /// claiming are skipped (`SKIP LOCKED`), so several servers deliver side by side without
    /// taking the same message; SQLite's single writer does the same by taking turns.
    public static func claim(limit: Int, at now: Date, leaseUntil: Date, on db: any Database) async throws -> [ClaimedMessage] {
        let skipLocked: SQLQueryString = db.locksRows ? " FOR UPDATE SKIP LOCKED" : ""
        return try await db.sql.rows(ClaimedMessage.self, """
            UPDATE outbox_messages SET lease_until = \(bind: leaseUntil), attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM outbox_messages
                WHERE channel = 'email' AND delivered_at IS NULL AND dead_at IS NULL
                  AND (next_attempt_at IS NULL OR next_attempt_at <= \(bind: now))
                  AND (lease_until IS NULL OR lease_until <= \(bind: now))
                ORDER BY created_at LIMIT \(bind: limit)\(skipLocked))
            RETURNING id, recipient, subject, body, created_at, attempts
            """).sorted { $0.createdAt < $1.createdAt }
    }

    /// Records a delivery; a secret body is dropped.
    public static func markDelivered(_ id: UUID, at now: Date, on db: any Database) async throws {
        try await db.sql.raw("""
            UPDATE outbox_messages SET delivered_at = \(bind: now), lease_until = NULL, last_error = NULL,
                body = CASE WHEN secret = \(bind: true) THEN \(bind: deliveredSecret) ELSE body END
            WHERE id = \(bind: id)
            """).run()
    }

    /// Records a failed try: tried again from `retryAt`, or set aside when that is nil.
    public static func markFailed(_ id: UUID, error: String, retryAt: Date?, at now: Date, on db: any Database) async throws {
        try await db.sql.raw("""
            UPDATE outbox_messages SET lease_until = NULL, last_error = \(bind: String(error.prefix(500))),
                next_attempt_at = \(bind: retryAt), dead_at = \(bind: retryAt == nil ? now : nil)
            WHERE id = \(bind: id)
            """).run()
    }

    /// Messages set aside after failing, newest first.
    public static func setAside(limit: Int = 100, on db: any Database) async throws -> [OutboxMessage] {
        try await OutboxMessage.query(on: db).filter(\.$deadAt != nil).sort(\.$deadAt, .descending).limit(limit).all()
    }

    /// Puts a message set aside back in the queue, due now; false if it was not set aside.
    public static func retry(_ id: UUID, at now: Date, on db: any Database) async throws -> Bool {
        try await db.sql.raw("""
            UPDATE outbox_messages SET dead_at = NULL, attempts = 0, next_attempt_at = \(bind: now)
            WHERE id = \(bind: id) AND dead_at IS NOT NULL RETURNING id
            """).first() != nil
    }

    /// Messages still waiting, oldest first.
    public static func waiting(limit: Int = 100, on db: any Database) async throws -> [OutboxMessage] {
        try await OutboxMessage.query(on: db).filter(\.$deliveredAt == nil).filter(\.$deadAt == nil).sort(\.$createdAt).limit(limit).all()
    }

    public static func counts(on db: any Database) async throws -> OutboxCounts {
        try await db.sql.row(OutboxCounts.self, """
            SELECT COALESCE(SUM(CASE WHEN delivered_at IS NULL AND dead_at IS NULL THEN 1 ELSE 0 END), 0) AS waiting,
                   COALESCE(SUM(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS delivered,
                   COALESCE(SUM(CASE WHEN dead_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS set_aside
            FROM outbox_messages
            """) ?? OutboxCounts(waiting: 0, delivered: 0, setAside: 0)
    }
}
