import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Logging
import SQLKit

/// Queues outgoing messages in the same transaction as the change that causes them.
///
/// Until SMTP delivery exists the message stays queued and is also written to the log, so an
/// operator (or a person trying the demo) can follow an emailed link.
struct Outbox: Sendable {
    let clock: any Clock
    let logger: Logger

    struct Email: Sendable {
        let to: String
        let subject: String
        let body: String
    }

    func email(to recipient: String, subject: String, body: String, on db: any Database) async throws {
        try await email([Email(to: recipient, subject: subject, body: body)], on: db)
    }

    /// Queues many emails with a few statements.
    func email(_ emails: [Email], on db: any Database) async throws {
        guard !emails.isEmpty else { return }
        let now = clock.now()
        try await (db as! any SQLDatabase).insertRows(
            into: OutboxMessage.schema, columns: ["id", "channel", "recipient", "subject", "body", "created_at", "attempts"],
            emails.map { [SQLBind(UUID()), SQLBind("email"), SQLBind($0.to), SQLBind($0.subject), SQLBind($0.body), SQLBind(now), SQLBind(0)] })
        for email in emails {
            logger.notice("email queued", metadata: ["to": .string(email.to), "subject": .string(email.subject), "body": .string(email.body)])
        }
    }
}
