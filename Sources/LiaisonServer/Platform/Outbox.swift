import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Logging

/// Queues outgoing messages in the same transaction as the change that causes them; the delivery
/// worker (`MailDelivery`) sends them. The log names each message but never holds its body: a
/// body may carry a single-use link. Without SMTP, `liaison outbox list` shows what waits.
struct Outbox: Sendable {
    typealias Email = NewEmail
    let clock: any Clock
    let logger: Logger

    /// `secret`: the body carries a single-use link, kept only until delivered.
    func email(to recipient: String, subject: String, body: String, secret: Bool = false, on db: any Database) async throws {
        try await email([Email(to: recipient, subject: subject, body: body, secret: secret)], on: db)
    }

    /// Queues many emails with a few statements.
    func email(_ emails: [Email], on db: any Database) async throws {
        try await OutboxQueries.enqueue(emails, at: clock.now(), on: db)
        for email in emails {
            logger.notice("email queued", metadata: ["to": .string(email.to), "subject": .string(email.subject)])
        }
    }
}
