import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData
import Logging
import Metrics
import ServiceLifecycle

/// One channel's way out of Liaison: email over SMTP (`MailTransport`), calls to organisations'
/// endpoints over HTTP (`WebhookTransport`), or a recording fake in tests of the bookkeeping.
protocol DeliveryTransport: Sendable {
    var channel: OutboxChannel { get }
    /// What became of each message, in order.
    func send(_ messages: [ClaimedMessage]) async -> [Result<Void, DeliveryFailure>]
}

/// Delivers one channel's queued messages: claims a batch (a lease that lapses if this process
/// dies), sends it, and records each outcome: delivered (a secret body is dropped), tried again
/// later with growing delays, or set aside for an administrator after the last try or a
/// permanent refusal.
///
/// At least once: a message whose delivery succeeded but was not recorded (the process died in
/// between) is sent again when its lease lapses, with the same identity (an email's Message-ID,
/// a webhook's Idempotency-Key), so the receiver can recognise the copy.
public struct OutboxDelivery: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let transport: any DeliveryTransport
    var policy = DeliveryPolicy()
    var batchSize = 20
    let logger: Logger

    public struct Outcome: Equatable, Sendable {
        public var delivered = 0
        public var retrying = 0
        public var setAside = 0
    }

    public var channel: OutboxChannel { transport.channel }

    /// Delivers every message due now, batch by batch.
    @discardableResult
    public func drain() async throws -> Outcome {
        var outcome = Outcome()
        let channel = transport.channel
        while true {
            let started = ContinuousClock.now
            let now = clock.now()
            let batch = try await database.write { db in
                try await OutboxQueries.claim(channel, limit: batchSize, at: now, leaseUntil: now.addingTimeInterval(policy.lease), on: db)
            }
            if batch.isEmpty { return outcome }
            let results = await transport.send(batch)
            let recorded = try await database.write { db in
                var outcome = Outcome()
                let delivered = zip(batch, results).compactMap { message, result in if case .success = result { message.id } else { nil } }
                try await OutboxQueries.markDelivered(delivered, at: clock.now(), on: db)
                outcome.delivered = delivered.count
                for (message, result) in zip(batch, results) {
                    switch result {
                    case .success:
                        continue
                    case .failure(let failure):
                        let retry = policy.shouldRetry(afterAttempts: message.attempts, permanent: failure.isPermanent)
                        let retryAt = retry ? clock.now().addingTimeInterval(policy.retryDelay(afterAttempts: message.attempts)) : nil
                        try await OutboxQueries.markFailed(message.id, error: failure.description, retryAt: retryAt, at: clock.now(), on: db)
                        if retry { outcome.retrying += 1 } else { outcome.setAside += 1 }
                        logger.warning(
                            retry ? "delivery failed; will try again" : "message set aside after failing",
                            metadata: [
                                "channel": .string(channel.rawValue), "message": .string(message.id.uuidString),
                                "attempts": .stringConvertible(message.attempts), "error": .string(failure.description),
                            ])
                    }
                }
                return outcome
            }
            outcome.delivered += recorded.delivered
            outcome.retrying += recorded.retrying
            outcome.setAside += recorded.setAside
            Counter(label: "liaison_messages_delivered_total", dimensions: [("channel", channel.rawValue)]).increment(by: recorded.delivered)
            // A batch that failed as a whole (server down) waits for the next pass instead of spinning.
            if results.allSatisfy({ if case .failure = $0 { true } else { false } }) { return outcome }
            if batch.count == batchSize, policy.pacing > 0 {
                try? await Task.sleep(for: (ContinuousClock.now - started) * policy.pacing)
            }
        }
    }
}

/// The one delivery worker: every few seconds it drains each configured channel, side by side so
/// a slow webhook receiver does not hold up email. Several servers may run it at once.
struct DeliveryService: Service {
    let deliveries: [OutboxDelivery]
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await withTaskGroup(of: Void.self) { group in
                    for delivery in deliveries {
                        group.addTask { await pass(delivery) }
                    }
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    private func pass(_ delivery: OutboxDelivery) async {
        do {
            let outcome = try await delivery.drain()
            if outcome != .init() {
                logger.info("delivery", metadata: [
                    "channel": .string(delivery.channel.rawValue), "delivered": .stringConvertible(outcome.delivered),
                    "retrying": .stringConvertible(outcome.retrying), "setAside": .stringConvertible(outcome.setAside),
                ])
            }
        } catch {
            // A database outage must not stop the server; the next pass tries again.
            logger.error("delivery pass failed", metadata: ["channel": .string(delivery.channel.rawValue), "error": .string(String(reflecting: error))])
        }
    }
}
