import FluentKit
import Foundation
import LiaisonCore
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

/// One message of any channel, before it is queued. Its id is chosen here so a webhook's body
/// can carry it as the idempotency key.
public struct NewOutboxMessage: Sendable, Equatable {
    public let id: UUID
    public let channel: OutboxChannel
    /// An email address, or a webhook endpoint's id.
    public let recipient: String
    /// An email's subject, or a webhook's event type.
    public let subject: String
    public let body: String
    public let secret: Bool
    /// Not to be sent before then (the end of the recipient's quiet hours).
    public let notBefore: Date?

    public init(
        id: UUID = .ordered(), channel: OutboxChannel, recipient: String, subject: String, body: String, secret: Bool = false, notBefore: Date? = nil
    ) {
        self.id = id
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.secret = secret
        self.notBefore = notBefore
    }

    public init(_ email: NewEmail) {
        self.init(channel: .email, recipient: email.to, subject: email.subject, body: email.body, secret: email.secret)
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
        try await enqueue(emails.map(NewOutboxMessage.init), at: moment, on: db)
    }

    /// Queues messages of any channel with a few statements, all at `moment`.
    public static func enqueue(_ messages: [NewOutboxMessage], at moment: Date, on db: any Database) async throws {
        guard !messages.isEmpty else { return }
        try await db.sql.insertRows(
            into: OutboxMessage.schema,
            columns: ["id", "channel", "recipient", "subject", "body", "created_at", "attempts", "secret", "next_attempt_at"],
            messages.map {
                [SQLBind($0.id), SQLBind($0.channel.rawValue), SQLBind($0.recipient), SQLBind($0.subject), SQLBind($0.body), SQLBind(moment), SQLBind(0),
                 SQLBind($0.secret), SQLBind($0.notBefore)]
            })
    }

    /// Claims up to `limit` messages of `channel` that are due and held by no live worker, oldest first, for
    /// this worker until `leaseUntil`, counting the try. On PostgreSQL rows another worker is
    /// claiming are skipped (`SKIP LOCKED`), so several servers deliver side by side without
    /// taking the same message; SQLite's single writer does the same by taking turns.
    public static func claim(
        _ channel: OutboxChannel = .email, limit: Int, at now: Date, leaseUntil: Date, on db: any Database
    ) async throws -> [ClaimedMessage] {
        let skipLocked: SQLQueryString = db.locksRows ? " FOR UPDATE SKIP LOCKED" : ""
        return try await db.sql.rows(ClaimedMessage.self, """
            UPDATE outbox_messages SET lease_until = \(bind: leaseUntil), attempts = attempts + 1
            WHERE id IN (
                SELECT id FROM outbox_messages
                WHERE channel = \(bind: channel.rawValue) AND delivered_at IS NULL AND dead_at IS NULL
                  AND (next_attempt_at IS NULL OR next_attempt_at <= \(bind: now))
                  AND (lease_until IS NULL OR lease_until <= \(bind: now))
                ORDER BY created_at LIMIT \(bind: limit)\(skipLocked))
            RETURNING id, recipient, subject, body, created_at, attempts
            """).sorted { $0.createdAt < $1.createdAt }
    }

    /// Records a delivery; a secret body is dropped.
    public static func markDelivered(_ id: UUID, at now: Date, on db: any Database) async throws {
        try await markDelivered([id], at: now, on: db)
    }

    /// Records many deliveries with one statement.
    public static func markDelivered(_ ids: [UUID], at now: Date, on db: any Database) async throws {
        guard !ids.isEmpty else { return }
        try await db.sql.raw("""
            UPDATE outbox_messages SET delivered_at = \(bind: now), lease_until = NULL, last_error = NULL,
                body = CASE WHEN secret = \(bind: true) THEN \(bind: deliveredSecret) ELSE body END
            WHERE id IN (\(SQLList(ids.map { SQLBind($0) })))
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

    /// Messages of `channel` set aside after failing, newest first.
    public static func setAside(_ channel: OutboxChannel = .email, limit: Int = 100, on db: any Database) async throws -> [OutboxMessage] {
        try await OutboxMessage.query(on: db).filter(\.$channel == channel.rawValue).filter(\.$deadAt != nil)
            .sort(\.$deadAt, .descending).limit(limit).all()
    }

    /// The latest messages of `channel` to these recipients (a webhook endpoint's deliveries),
    /// newest first, in every state.
    public static func latest(_ channel: OutboxChannel, to recipients: [String], limit: Int = 50, on db: any Database) async throws -> [OutboxMessage] {
        guard !recipients.isEmpty else { return [] }
        return try await OutboxMessage.query(on: db).filter(\.$channel == channel.rawValue).filter(\.$recipient ~~ recipients)
            .sort(\.$createdAt, .descending).limit(limit).all()
    }

    /// Puts a message of `channel` set aside back in the queue, due now; false if it was not set
    /// aside (or, when `recipients` are given, is not addressed to one of them).
    public static func retry(
        _ id: UUID, channel: OutboxChannel = .email, recipients: [String]? = nil, at now: Date, on db: any Database
    ) async throws -> Bool {
        let addressed: SQLQueryString = recipients.map { " AND recipient IN (\(SQLList($0.map { SQLBind($0) })))" } ?? ""
        return try await db.sql.raw("""
            UPDATE outbox_messages SET dead_at = NULL, attempts = 0, next_attempt_at = \(bind: now)
            WHERE id = \(bind: id) AND channel = \(bind: channel.rawValue) AND dead_at IS NOT NULL\(addressed) RETURNING id
            """).first() != nil
    }

    /// Messages of `channel` still waiting, oldest first.
    public static func waiting(_ channel: OutboxChannel = .email, limit: Int = 100, on db: any Database) async throws -> [OutboxMessage] {
        try await OutboxMessage.query(on: db).filter(\.$channel == channel.rawValue).filter(\.$deliveredAt == nil).filter(\.$deadAt == nil).sort(\.$createdAt).limit(limit).all()
    }

    public static func counts(_ channel: OutboxChannel = .email, on db: any Database) async throws -> OutboxCounts {
        try await db.sql.row(OutboxCounts.self, """
            SELECT COALESCE(SUM(CASE WHEN delivered_at IS NULL AND dead_at IS NULL THEN 1 ELSE 0 END), 0) AS waiting,
                   COALESCE(SUM(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS delivered,
                   COALESCE(SUM(CASE WHEN dead_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS set_aside
            FROM outbox_messages WHERE channel = \(bind: channel.rawValue)
            """) ?? OutboxCounts(waiting: 0, delivered: 0, setAside: 0)
    }
}
