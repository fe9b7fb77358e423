import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Testing

@Suite struct OutboxQueriesTests {
    static func queue(_ records: Records, _ count: Int, secret: Bool = false) async throws {
        try await OutboxQueries.enqueue(
            (0..<count).map { NewEmail(to: "p\($0)@example.org", subject: "s\($0)", body: "link https://x/\($0)", secret: secret) },
            at: Records.now, on: records.db)
    }

    @Test func aClaimedMessageIsNobodyElsesUntilItsLeaseLapses() async throws {
        try await withRecords { records in
            try await Self.queue(records, 3)
            let lease = Records.now.addingTimeInterval(120)
            let first = try await OutboxQueries.claim(limit: 2, at: Records.now, leaseUntil: lease, on: records.db)
            #expect(first.count == 2)
            #expect(first.allSatisfy { $0.attempts == 1 })
            let second = try await OutboxQueries.claim(limit: 5, at: Records.now, leaseUntil: lease, on: records.db)
            #expect(second.count == 1)
            #expect(Set(first.map(\.id)).isDisjoint(with: second.map(\.id)))
            #expect(try await OutboxQueries.claim(limit: 5, at: Records.now, leaseUntil: lease, on: records.db).isEmpty)
            // The worker died: after the lease, the messages are taken again (at least once).
            let again = try await OutboxQueries.claim(limit: 5, at: lease, leaseUntil: lease.addingTimeInterval(120), on: records.db)
            #expect(again.count == 3)
            #expect(again.allSatisfy { $0.attempts == 2 })
        }
    }

    @Test func deliveredIsDoneAndASecretBodyIsDropped() async throws {
        try await withRecords { records in
            try await Self.queue(records, 1, secret: true)
            try await Self.queue(records, 1)
            for message in try await OutboxQueries.claim(limit: 5, at: Records.now, leaseUntil: Records.now.addingTimeInterval(60), on: records.db) {
                try await OutboxQueries.markDelivered(message.id, at: Records.now, on: records.db)
            }
            let rows = try await OutboxMessage.query(on: records.db).all()
            #expect(rows.filter(\.secret).map(\.body) == [OutboxQueries.deliveredSecret])
            #expect(rows.filter { !$0.secret }.map(\.body) == ["link https://x/0"])
            #expect(try await OutboxQueries.claim(limit: 5, at: Records.now.addingTimeInterval(3600), leaseUntil: Records.now, on: records.db).isEmpty)
            #expect(try await OutboxQueries.counts(on: records.db) == OutboxCounts(waiting: 0, delivered: 2, setAside: 0))
        }
    }

    @Test func aFailureWaitsUntilItsRetryOrIsSetAsideUntilRetried() async throws {
        try await withRecords { records in
            try await Self.queue(records, 2)
            let claimed = try await OutboxQueries.claim(limit: 5, at: Records.now, leaseUntil: Records.now.addingTimeInterval(60), on: records.db)
            let later = Records.now.addingTimeInterval(300)
            try await OutboxQueries.markFailed(claimed[0].id, error: "451 busy", retryAt: later, at: Records.now, on: records.db)
            try await OutboxQueries.markFailed(claimed[1].id, error: "550 no such user", retryAt: nil, at: Records.now, on: records.db)
            #expect(try await OutboxQueries.claim(limit: 5, at: later.addingTimeInterval(-1), leaseUntil: later, on: records.db).isEmpty)
            #expect(try await OutboxQueries.claim(limit: 5, at: later, leaseUntil: later.addingTimeInterval(60), on: records.db).map(\.id) == [claimed[0].id])
            #expect(try await OutboxQueries.setAside(on: records.db).map(\.lastError) == ["550 no such user"])
            #expect(try await OutboxQueries.counts(on: records.db) == OutboxCounts(waiting: 1, delivered: 0, setAside: 1))
            #expect(try await OutboxQueries.retry(claimed[1].id, at: later, on: records.db))
            #expect(try await OutboxQueries.waiting(on: records.db).count == 2)
            let retried = try await OutboxQueries.claim(limit: 5, at: later.addingTimeInterval(120), leaseUntil: later.addingTimeInterval(240), on: records.db)
            #expect(retried.first { $0.id == claimed[1].id }?.attempts == 1)
        }
    }
}
