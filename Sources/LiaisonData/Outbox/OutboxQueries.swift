import FluentKit
import Foundation
import SQLKit

/// One email, before it is queued.
public struct NewEmail: Sendable, Equatable {
    public let to: String
    public let subject: String
    public let body: String

    public init(to: String, subject: String, body: String) {
        self.to = to
        self.subject = subject
        self.body = body
    }
}

/// Every statement about the outbox of messages waiting to be delivered.
public enum OutboxQueries {
    /// Queues many emails with a few statements, all at `moment`.
    public static func enqueue(_ emails: [NewEmail], at moment: Date, on db: any Database) async throws {
        guard !emails.isEmpty else { return }
        try await db.sql.insertRows(
            into: OutboxMessage.schema, columns: ["id", "channel", "recipient", "subject", "body", "created_at", "attempts"],
            emails.map { [SQLBind(UUID()), SQLBind("email"), SQLBind($0.to), SQLBind($0.subject), SQLBind($0.body), SQLBind(moment), SQLBind(0)] })
    }
}
