import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData
import Logging
import Metrics
import ServiceLifecycle

/// Something that carries email away: SMTP in a server, a recording fake nowhere but tests of
/// the worker's bookkeeping.
protocol MailTransport: Sendable {
    /// What became of each message, in order.
    func send(_ messages: [MailMessage]) async -> [Result<Void, DeliveryFailure>]
}

extension SMTPClient: MailTransport {}

/// Delivers queued email: claims a batch (a lease that lapses if this process dies), sends it,
/// and records each outcome: delivered (a secret body is dropped), tried again later with
/// growing delays, or set aside for an administrator after the last try or a permanent refusal.
///
/// At least once: a message whose delivery succeeded but was not recorded (the process died in
/// between) is sent again when its lease lapses, with the same Message-ID, so mail systems can
/// recognise the copy.
public struct MailDelivery: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let transport: any MailTransport
    /// The From of every message.
    let from: String
    /// The domain in Message-IDs.
    let domain: String
    var policy = DeliveryPolicy()
    var batchSize = 20
    let logger: Logger

    public struct Outcome: Equatable, Sendable {
        public var delivered = 0
        public var retrying = 0
        public var setAside = 0
    }

    /// Delivers every message due now, batch by batch.
    @discardableResult
    public func drain() async throws -> Outcome {
        var outcome = Outcome()
        while true {
            let now = clock.now()
            let batch = try await database.write { db in
                try await OutboxQueries.claim(limit: batchSize, at: now, leaseUntil: now.addingTimeInterval(policy.lease), on: db)
            }
            if batch.isEmpty { return outcome }
            let results = await transport.send(batch.map(mail))
            let recorded = try await database.write { db in
                var outcome = Outcome()
                for (message, result) in zip(batch, results) {
                    switch result {
                    case .success:
                        try await OutboxQueries.markDelivered(message.id, at: clock.now(), on: db)
                        outcome.delivered += 1
                    case .failure(let failure):
                        let retry = policy.shouldRetry(afterAttempts: message.attempts, permanent: failure.isPermanent)
                        let retryAt = retry ? clock.now().addingTimeInterval(policy.retryDelay(afterAttempts: message.attempts)) : nil
                        try await OutboxQueries.markFailed(message.id, error: failure.description, retryAt: retryAt, at: clock.now(), on: db)
                        if retry { outcome.retrying += 1 } else { outcome.setAside += 1 }
                        logger.warning(
                            retry ? "email delivery failed; will try again" : "email set aside after failing",
                            metadata: ["message": .string(message.id.uuidString), "attempts": .stringConvertible(message.attempts), "error": .string(failure.description)])
                    }
                }
                return outcome
            }
            outcome.delivered += recorded.delivered
            outcome.retrying += recorded.retrying
            outcome.setAside += recorded.setAside
            Counter(label: "liaison_emails_delivered_total").increment(by: results.filter { if case .success = $0 { true } else { false } }.count)
            // A batch that failed as a whole (server down) waits for the next pass instead of spinning.
            if results.allSatisfy({ if case .failure = $0 { true } else { false } }) { return outcome }
        }
    }

    func mail(_ message: ClaimedMessage) -> MailMessage {
        MailMessage(
            from: from, to: message.recipient, subject: message.subject, text: message.body,
            messageID: "\(message.id.uuidString.lowercased())@\(domain)", date: message.createdAt)
    }
}

/// Runs `MailDelivery` every few seconds in the server; several servers may run it at once.
struct MailDeliveryService: Service {
    let delivery: MailDelivery
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let outcome = try await delivery.drain()
                    if outcome != .init() {
                        logger.info("email delivery", metadata: [
                            "delivered": .stringConvertible(outcome.delivered), "retrying": .stringConvertible(outcome.retrying),
                            "setAside": .stringConvertible(outcome.setAside),
                        ])
                    }
                } catch {
                    // A database outage must not stop the server; the next pass tries again.
                    logger.error("email delivery pass failed", metadata: ["error": .string(String(reflecting: error))])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
