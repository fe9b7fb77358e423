import FluentKit
import Foundation

/// The ways a message leaves Liaison.
public enum OutboxChannel: String, Sendable, CaseIterable {
    case email
    case webhook
}

/// A message waiting to leave the system: an email, or a call to an organisation's webhook.
///
/// Written in the same transaction as the change that causes it, so a message is never lost
/// and never sent for a change that was rolled back. A worker delivers and marks it.
public final class OutboxMessage: Model, @unchecked Sendable {
    public static let schema = "outbox_messages"

    @ID(key: .id) public var id: UUID?
    @Field(key: "channel") public var channel: String
    @Field(key: "recipient") public var recipient: String
    @Field(key: "subject") public var subject: String
    @Field(key: "body") public var body: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "attempts") public var attempts: Int
    @OptionalField(key: "delivered_at") public var deliveredAt: Date?
    @OptionalField(key: "last_error") public var lastError: String?
    /// Not before this moment (after a failed try).
    @OptionalField(key: "next_attempt_at") public var nextAttemptAt: Date?
    /// A worker is delivering it until then; after, another may take it.
    @OptionalField(key: "lease_until") public var leaseUntil: Date?
    /// Set aside after failing for good, for an administrator to look at and retry.
    @OptionalField(key: "dead_at") public var deadAt: Date?
    /// The body carries a single-use link: it is dropped once delivered.
    @Field(key: "secret") public var secret: Bool

    public init() {}

    public init(channel: String, recipient: String, subject: String, body: String, createdAt: Date) {
        self.channel = channel
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.createdAt = createdAt
        self.attempts = 0
        self.secret = false
    }
}
