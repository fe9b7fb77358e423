import FluentKit
import Foundation
import LiaisonCore
import LiaisonTestSupport
@testable import LiaisonData
import Testing
@testable import LiaisonServer

@Suite struct BenchDataTests {
    @Test func generatedDatasetIsConsistentAndItsAuditChainVerifies() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            let summary = try await BenchData(scale: 0.002, seed: 7, measurementPatients: 300).generate(
                into: world.database, passwordHash: try await PasswordHasher(cost: 4).hash(BenchData.password), now: clock.now())
            #expect(summary.counts.first { $0.0 == "referrals" }?.1 == 2000)
            #expect(try await Referral.query(on: world.database.db()).count() == 2000)
            #expect(try await Patient.query(on: world.database.db()).count() == 400 + 300)
            // The patients in measurement-based care are all in the first organisation's registry.
            #expect(try await MeasurementSummary.query(on: world.database.db()).count() == 300)
            let first = try #require(try await world.database.db().query(Organisation.self).filter(\.$name == "Bench Organisation 0").first())
            let registry = try await RegistryQueries.page(.organisation(first.id!), RegistryFilter(), at: clock.now(), on: world.database.db())
            #expect(registry.total == 300)
            #expect(registry.rows.count == 100)
            #expect(registry.hasMore)
            #expect(try await AuditLog.verify(on: world.database.db()) == .intact(entries: 10000))
            // The benchmark's requests find what they need.
            let targets = try await BenchProbe.targets(database: world.database)
            #expect(try await BenchProbe.queries(database: world.database, iterations: 2, concurrency: [2]).count == 10)
            #expect(!targets.acceptableReferralIDs.isEmpty)
            // As a running system would be: nothing overdue for expiry, every reminder so far already sent.
            #expect(try await world.sweep.run() == .init(expired: 0, reminders: ["due-soon": 0, "overdue": 0, "escalated": 0, "closing-overdue": 0]))
            clock.advance(by: 86400)
            let nextDay = try await world.sweep.run()
            #expect(nextDay.reminders["overdue", default: 0] > 0)
        }
    }

    @Test func sameSeedGivesTheSameData() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42)
        #expect((0..<5).map { _ in a.uuid() } == (0..<5).map { _ in b.uuid() })
    }
}
