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

    /// An email about a notice, to a person whose preferences decide whether and when it goes.
    struct Notice: Sendable {
        let userID: UUID
        let address: String
        let subject: String
        let body: String
    }

    /// Queues emails about notices as each person chose (`NoticePreferences`): at once, after
    /// their quiet hours unless `urgent`, or not at all (a daily summary, or none).
    func notices(_ notices: [Notice], urgent: Bool, on db: any Database) async throws {
        guard !notices.isEmpty else { return }
        let preferences = try await NoticePreferenceQueries.preferences(of: notices.map(\.userID), on: db)
        let now = clock.now()
        let messages = notices.compactMap { notice -> NewOutboxMessage? in
            guard let at = (preferences[notice.userID] ?? .standard).sendEmail(at: now, urgent: urgent) else { return nil }
            return NewOutboxMessage(channel: .email, recipient: notice.address, subject: notice.subject, body: notice.body, notBefore: at > now ? at : nil)
        }
        try await OutboxQueries.enqueue(messages, at: now, on: db)
        for message in messages {
            logger.notice("email queued", metadata: ["to": .string(message.recipient), "subject": .string(message.subject)])
        }
    }

    /// Emails about one notice to each of `people`, as each chose: `words` and the full `url`,
    /// never a name (email leaves Liaison).
    func notices(_ people: [UUID], subject: String, words: String, url: String, urgent: Bool = false, on db: any Database) async throws {
        let users = try await AccountQueries.users(people, on: db)
        try await notices(users.values.map { .init(userID: $0.id!, address: $0.email, subject: subject, body: "\(words) \(url)") }, urgent: urgent, on: db)
    }

    /// Queues many emails with a few statements.
    func email(_ emails: [Email], on db: any Database) async throws {
        try await OutboxQueries.enqueue(emails, at: clock.now(), on: db)
        for email in emails {
            logger.notice("email queued", metadata: ["to": .string(email.to), "subject": .string(email.subject)])
        }
    }
}
