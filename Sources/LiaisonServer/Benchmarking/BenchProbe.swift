import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Times what the benchmarked requests do below HTTP: the same service calls, in process, so a
/// request's latency can be read against the cost of its queries.
public enum BenchProbe {
    public struct Timing: Sendable {
        public let name: String
        public let p50: Double
        public let p99: Double
    }

    /// The ids the HTTP benchmark requests use, found in a generated dataset.
    public struct Targets: Sendable {
        public let patientID: UUID
        public let acceptableReferralIDs: [UUID]
    }

    static func caller(_ email: String, on database: LiaisonDatabase) async throws -> Caller {
        guard let user = try await UserAccount.query(on: database.db()).filter(\.$email == email).first() else {
            throw OperatorError("\(email) is not in this database; run `liaison bench-data` first")
        }
        return Caller(identity: try await SessionService.identity(of: user, credential: .session(UUID()), on: database.db()), requestID: "bench")
    }

    /// A patient on the busy clinician's team, and referrals addressed to them that can still be accepted.
    public static func targets(database: LiaisonDatabase) async throws -> Targets {
        let busy = try await caller(BenchData.busyClinicianEmail, on: database)
        guard let member = try await CareTeamMember.query(on: database.db()).filter(\.$user.$id == busy.userID).first() else {
            throw OperatorError("the busy clinician has no patients")
        }
        let open = try await Referral.query(on: database.db()).filter(\.$recipient.$id == busy.userID)
            .filter(\.$state ~~ [ReferralState.sent.rawValue, ReferralState.received.rawValue]).field(\.$id).all().compactMap(\.id)
        return Targets(patientID: member.$patient.id, acceptableReferralIDs: open)
    }

    public static func queries(database: LiaisonDatabase, iterations: Int) async throws -> [Timing] {
        let clock = SystemClock()
        let auditor = Auditor(clock: clock)
        let busy = try await caller(BenchData.busyClinicianEmail, on: database)
        let referrer = try await caller(BenchData.busyReferrerEmail, on: database)
        let worklists = ReferralWorklists(database: database, clock: clock, auditor: auditor)
        let patients = PatientService(database: database, clock: clock, access: PatientAccessService(clock: clock), auditor: auditor, notifier: Notifier(clock: clock))
        let directory = DirectoryService(database: database, clock: clock)
        let patientID = try await targets(database: database).patientID
        let filter = try DirectoryFilter.parse(["discipline": "psychiatrist", "openings": "true"])
        let probes: [(String, @Sendable () async throws -> Void)] = [
            ("owed worklist", { _ = try await worklists.owed(by: busy) }),
            ("waiting worklist", { _ = try await worklists.waiting(by: referrer) }),
            ("patient page", { _ = try await patients.record(patientID, by: busy) }),
            ("directory search", { _ = try await directory.search(filter) }),
        ]
        var timings: [Timing] = []
        for (name, probe) in probes {
            try await probe()
            var samples: [Double] = []
            for _ in 0..<iterations {
                let start = ContinuousClock.now
                try await probe()
                let elapsed = ContinuousClock.now - start
                samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
            }
            samples.sort()
            timings.append(Timing(name: name, p50: samples[samples.count / 2], p99: samples[min(samples.count - 1, Int(Double(samples.count) * 0.99))]))
        }
        return timings
    }

    /// One full pass of the overdue sweep; returns seconds and what it did.
    public static func sweep(database: LiaisonDatabase) async throws -> (seconds: Double, summary: String) {
        let clock = SystemClock()
        let sweep = ReferralSweep(database: database, clock: clock, notifier: Notifier(clock: clock), outbox: Outbox(clock: clock, logger: .init(label: "bench")), auditor: Auditor(clock: clock))
        let start = ContinuousClock.now
        let outcome = try await sweep.run()
        let elapsed = ContinuousClock.now - start
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, "expired \(outcome.expired), reminders \(outcome.reminders)")
    }
}
