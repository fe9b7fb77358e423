import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Times what the benchmarked requests do below HTTP: the same service calls, in process, so a
/// request's latency can be read against the cost of its queries.
public enum BenchProbe {
    public struct Timing: Sendable {
        public let name: String
        /// How many called at once (as many as the HTTP benchmark's connections, to compare like with like).
        public let callers: Int
        public let p50: Double
        public let p99: Double
    }

    /// The ids the HTTP benchmark requests use, found in a generated dataset.
    public struct Targets: Sendable {
        public let patientID: UUID
        /// Referrals addressed to `BenchData.recipientEmail` that can still be accepted.
        public let acceptableReferralIDs: [UUID]
        /// Patients on the busy clinician's team (for a waiting list).
        public let teamPatientIDs: [UUID]
    }

    static func caller(_ email: String, on database: LiaisonDatabase) async throws -> Caller {
        guard let user = try await UserAccount.query(on: database.db()).filter(\.$email == email).first() else {
            throw OperatorError("\(email) is not in this database; run `liaison bench-data` first")
        }
        return Caller(identity: try await SessionService.identity(of: user, credential: .session(UUID()), on: database.db()), requestID: "bench")
    }

    /// A patient on the busy clinician's team, and referrals the recipient can still accept.
    public static func targets(database: LiaisonDatabase) async throws -> Targets {
        let busy = try await caller(BenchData.busyClinicianEmail, on: database)
        let recipient = try await caller(BenchData.recipientEmail, on: database)
        let members = try await CareTeamMember.query(on: database.db()).filter(\.$user.$id == busy.userID).limit(50).all()
        guard let member = members.first else { throw OperatorError("the busy clinician has no patients") }
        let open = try await Referral.query(on: database.db()).filter(\.$recipient.$id == recipient.userID)
            .filter(\.$state ~~ [ReferralState.sent.rawValue, ReferralState.received.rawValue]).field(\.$id).all().compactMap(\.id)
        return Targets(patientID: member.$patient.id, acceptableReferralIDs: open, teamPatientIDs: members.map(\.$patient.id))
    }

    public static func queries(database: LiaisonDatabase, iterations: Int, concurrency: [Int]) async throws -> [Timing] {
        let clock = SystemClock()
        let services = Services.offline(database: database, clock: clock, label: "bench")
        let busy = try await caller(BenchData.busyClinicianEmail, on: database)
        let referrer = try await caller(BenchData.busyReferrerEmail, on: database)
        let worklists = services.worklists, patients = services.patients, directory = services.directory, matching = services.matching
        let patientID = try await targets(database: database).patientID
        let filter = try DirectoryFilter.parse(["discipline": "psychiatrist", "openings": "true"])
        let probes: [(String, @Sendable () async throws -> Void)] = [
            ("owed worklist", { _ = try await worklists.owed(by: busy) }),
            ("waiting worklist", { _ = try await worklists.waiting(by: referrer) }),
            ("patient page", { _ = try await patients.record(patientID, by: busy) }),
            ("directory search", { _ = try await directory.search(filter) }),
            ("match", { _ = try await matching.matches(for: patientID, MatchRequest(service: .medicationManagement), by: busy) }),
        ]
        var timings: [Timing] = []
        for (name, probe) in probes {
            try await probe()
            for callers in [1] + concurrency where callers > 0 {
                let samples = try await latencies(of: probe, calls: iterations, callers: callers)
                timings.append(Timing(name: name, callers: callers, p50: percentile(samples, 0.5), p99: percentile(samples, 0.99)))
            }
        }
        return timings
    }

    /// Each call's latency in milliseconds, `callers` calling at once until `calls` are done.
    private static func latencies(of probe: @Sendable @escaping () async throws -> Void, calls: Int, callers: Int) async throws -> [Double] {
        try await withThrowingTaskGroup(of: [Double].self) { group in
            for caller in 0..<callers {
                let share = calls / callers + (caller < calls % callers ? 1 : 0)
                group.addTask {
                    var samples: [Double] = []
                    for _ in 0..<share {
                        let start = ContinuousClock.now
                        try await probe()
                        samples.append(milliseconds(ContinuousClock.now - start))
                    }
                    return samples
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }.sorted()
        }
    }

    private static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    /// Sweep passes over the whole dataset, as a server makes them: its first (before any pass
    /// has left marks, as after an upgrade), the one it makes each minute after that, then the
    /// catch-up after a day's outage. Returns each pass's name, seconds and what it did.
    ///
    /// They are timed as of the moment the dataset was generated (its organisations' creation),
    /// not the wall clock: the dataset is in steady state at that moment, so a pass a minute later
    /// is what a running server does, and the same dataset gives the same work however old it is.
    /// The write-ahead log is checkpointed beside the sweep, as in the server (`CheckpointService`).
    public static func sweeps(database: LiaisonDatabase) async throws -> [(name: String, seconds: Double, summary: String)] {
        guard let generated = try await BenchData.generatedAt(on: database.db()) else {
            throw OperatorError("no organisations in this database; run `liaison bench-data` first")
        }
        let checkpoints = Task { await database.checkpointContinuously(every: .milliseconds(250)) }
        defer { checkpoints.cancel() }
        var passes: [(name: String, seconds: Double, summary: String)] = []
        for (name, ahead) in [("first pass", 60.0), ("every-minute pass", 120.0), ("catch-up after a day's outage", 86_400.0 + 120)] {
            let clock = FixedClock(generated.addingTimeInterval(ahead))
            let sweep = Services.offline(database: database, clock: clock, label: "bench").sweep
            let start = ContinuousClock.now
            let outcome = try await sweep.run()
            let seconds = milliseconds(ContinuousClock.now - start) / 1000
            let reminders = ReminderKind.allCases.map { "\($0.rawValue) \(outcome.reminders[$0.rawValue] ?? 0)" }.joined(separator: ", ")
            passes.append((name, seconds, "expired \(outcome.expired), reminders: \(reminders)"))
        }
        return passes
    }
}
