import FluentKit
import Foundation
import LiaisonData
import Testing
@testable import LiaisonServer

@Suite struct BenchDataTests {
    @Test func generatedDatasetIsConsistentAndItsAuditChainVerifies() async throws {
        try await withApp { world in
            let summary = try await BenchData(scale: 0.001, seed: 7).generate(into: world.database)
            #expect(summary.counts.first { $0.0 == "referrals" }?.1 == 1000)
            #expect(try await Referral.query(on: world.database.db()).count() == 1000)
            #expect(try await Patient.query(on: world.database.db()).count() == 200)
            #expect(try await AuditLog.verify(on: world.database.db()) == .intact(entries: 5000))
            // The benchmark's requests find what they need.
            let targets = try await BenchProbe.targets(database: world.database)
            #expect(try await BenchProbe.queries(database: world.database, iterations: 1).count == 4)
            #expect(!targets.acceptableReferralIDs.isEmpty)
        }
    }

    @Test func sameSeedGivesTheSameData() {
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42)
        #expect((0..<5).map { _ in a.uuid() } == (0..<5).map { _ in b.uuid() })
    }
}
