import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Logging

/// Queues outgoing messages in the same transaction as the change that causes them.
///
/// Until SMTP delivery exists the message stays queued and is also written to the log, so an
/// operator (or a person trying the demo) can follow an emailed link.
struct Outbox: Sendable {
    typealias Email = NewEmail
    let clock: any Clock
    let logger: Logger

    func email(to recipient: String, subject: String, body: String, on db: any Database) async throws {
        try await email([Email(to: recipient, subject: subject, body: body)], on: db)
    }

    /// Queues many emails with a few statements.
    func email(_ emails: [Email], on db: any Database) async throws {
        try await OutboxQueries.enqueue(emails, at: clock.now(), on: db)
        for email in emails {
            logger.notice("email queued", metadata: ["to": .string(email.to), "subject": .string(email.subject), "body": .string(email.body)])
        }
    }
}
