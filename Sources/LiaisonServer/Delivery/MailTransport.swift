import Foundation
import LiaisonCore
import LiaisonData

/// Email's way out: queued messages become MIME messages from the installation's address, with
/// a Message-ID made from the outbox id, sent over one SMTP session per batch.
struct MailTransport: DeliveryTransport {
    let client: SMTPClient
    /// The domain in Message-IDs.
    let domain: String

    var channel: OutboxChannel { .email }

    func send(_ messages: [ClaimedMessage]) async -> [Result<Void, DeliveryFailure>] {
        await client.send(messages.map(mail))
    }

    func mail(_ message: ClaimedMessage) -> MailMessage {
        MailMessage(
            from: client.from, to: message.recipient, subject: message.subject, text: message.body,
            messageID: "\(message.id.uuidString.lowercased())@\(domain)", date: message.createdAt)
    }
}
