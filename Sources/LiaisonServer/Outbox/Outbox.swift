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
    let clock: any Clock
    let logger: Logger

    func email(to recipient: String, subject: String, body: String, on db: any Database) async throws {
        try await OutboxMessage(channel: "email", recipient: recipient, subject: subject, body: body, createdAt: clock.now()).create(on: db)
        logger.notice("email queued", metadata: ["to": .string(recipient), "subject": .string(subject), "body": .string(body)])
    }
}
