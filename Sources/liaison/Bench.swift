import ArgumentParser
import Foundation
import LiaisonCore
import LiaisonData
import LiaisonServer

struct BenchDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-data",
        abstract: "Generate a synthetic health-system dataset for benchmarks into an empty database (deterministic from the seed).")
    @OptionGroup var common: CommonOptions
    @Option(help: "1 = 2,000 clinicians, 200,000 patients, 1,000,000 referrals, 5,000,000 audit entries.") var scale: Double = 1
    @Option(help: "Seed for the generator; the same seed gives the same data.") var seed: UInt64 = 42
    @Option(help: "Patients in measurement-based care at the first organisation (not scaled).") var measurementPatients: Int = 20_000

    func run() async throws {
        guard scale > 0, scale <= 10 else { throw ValidationError("--scale must be above 0 and at most 10") }
        guard (0...1_000_000).contains(measurementPatients) else { throw ValidationError("--measurement-patients must be from 0 to 1,000,000") }
        let configuration = try common.configuration()
        let logger = Logs.bootstrap(level: .warning)
        let summary = try await withDatabase(configuration, logger: logger) { database in
            guard try await database.hasNoAccounts() else {
                throw OperatorError("the database is not empty; bench-data needs an empty one")
            }
            let hash = try await PasswordHasher(cost: 4).hash(BenchData.password)
            return try await BenchData(scale: scale, seed: seed, measurementPatients: measurementPatients).generate(into: database, passwordHash: hash)
        }
        print("Generated \(summary)")
    }
}

struct BenchQueriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-queries", abstract: "Time the benchmarked reads' service calls without HTTP (p50 and p99 in ms).")
    @OptionGroup var common: CommonOptions
    @Option(help: "Calls per read, for each of the two measurements.") var iterations: Int = 200
    @Option(help: "Callers at once in further measurements, comma-separated (match the HTTP benchmark's connections).") var concurrency = "2,8"
    @Flag(help: "Print the ids the HTTP benchmark needs instead.") var targets = false

    func run() async throws {
        let configuration = try common.configuration()
        let logger = Logs.bootstrap(level: .warning)
        try await withDatabase(configuration, logger: logger, migrate: false) { database in
            if targets {
                let found = try await BenchProbe.targets(database: database)
                print("patient \(found.patientID.uuidString.lowercased())")
                for id in found.acceptableReferralIDs { print("referral \(id.uuidString.lowercased())") }
                for id in found.teamPatientIDs { print("team-patient \(id.uuidString.lowercased())") }
                return
            }
            let callers = concurrency.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard iterations > 0, !callers.isEmpty, callers.allSatisfy({ $0 > 0 }) else {
                throw ValidationError("--iterations must be at least 1 and --concurrency a list of whole numbers of at least 1")
            }
            for timing in try await BenchProbe.queries(database: database, iterations: iterations, concurrency: callers) {
                print(String(format: "%@\t%d\t%.2f\t%.2f", timing.name, timing.callers, timing.p50, timing.p99))
            }
        }
    }
}

struct BenchSweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-sweep", abstract: "Time the referral sweep over the whole database: an every-minute pass, then the catch-up after a day's outage.")
    @OptionGroup var common: CommonOptions

    func run() async throws {
        let configuration = try common.configuration()
        let logger = Logs.bootstrap(level: .warning)
        let passes = try await withDatabase(configuration, logger: logger, migrate: false) { database in
            try await BenchProbe.sweeps(database: database)
        }
        for pass in passes {
            print(String(format: "%@\t%.3f\t%@", pass.name, pass.seconds, pass.summary))
        }
    }
}

/// `liaison bench-outbox queue|report`: the email-delivery benchmark's two ends.
struct BenchOutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-outbox", abstract: "Queue synthetic emails for the delivery benchmark, then report their delivery.",
        subcommands: [Queue.self, Report.self])

    struct Queue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue this many synthetic notices (to bench addresses), all at once.")
        @OptionGroup var common: CommonOptions
        @Option(help: "How many.") var emails = 10_000

        func run() async throws {
            let configuration = try common.configuration()
            let logger = Logs.bootstrap(level: .warning)
            try await withDatabase(configuration, logger: logger, migrate: false) { database in
                let now = Date()
                try await database.write { db in
                    try await OutboxQueries.enqueue(
                        (0..<emails).map {
                            NewEmail(to: "bench\($0 % 500)@bench.liaison.example", subject: "Liaison: a referral needs you",
                                     body: "The acknowledgement for referral R-\(String(format: "%08X", $0)) is due soon: http://127.0.0.1/referrals")
                        }, at: now, on: db)
                }
            }
            print("queued \(emails)")
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print delivered, waiting, throughput (emails/s from the first queued to the last delivered) and the lag p50/p99 (s).")
        @OptionGroup var common: CommonOptions

        func run() async throws {
            let configuration = try common.configuration()
            let logger = Logs.bootstrap(level: .warning)
            let messages = try await withDatabase(configuration, logger: logger, migrate: false) { database in
                try await OutboxMessage.query(on: database.reader()).all().filter { $0.recipient.hasSuffix("@bench.liaison.example") }
            }
            let delivered = messages.compactMap { message in message.deliveredAt.map { ($0, $0.timeIntervalSince(message.createdAt)) } }
            let lags = delivered.map(\.1).sorted()
            func percentile(_ p: Double) -> Double { lags.isEmpty ? 0 : lags[min(lags.count - 1, Int((Double(lags.count) * p).rounded(.up)) - 1)] }
            let first = messages.map(\.createdAt).min() ?? Date(), last = delivered.map(\.0).max() ?? first
            let rate = last > first ? Double(delivered.count) / last.timeIntervalSince(first) : 0
            print(String(format: "delivered\t%d\nwaiting\t%d\nthroughput\t%.0f\nlag_p50\t%.2f\nlag_p99\t%.2f",
                         delivered.count, messages.count - delivered.count, rate, percentile(0.5), percentile(0.99)))
        }
    }
}

struct BenchScoringCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-scoring", abstract: "Time scoring a PHQ-9 and evaluating its alerts, as a submission does (microseconds per response).")
    @Option(help: "Responses to score.") var iterations: Int = 100_000

    func run() async throws {
        guard iterations > 0 else { throw ValidationError("--iterations must be at least 1") }
        let instrument = InstrumentKind.phq9.instrument
        let baseline = (total: 20, at: Date(timeIntervalSince1970: 1_800_000_000))
        let now = baseline.at.addingTimeInterval(12 * 7 * 86400)
        var timings: [Double] = []
        timings.reserveCapacity(iterations)
        var raised = 0
        for index in 0..<iterations {
            let answers = Dictionary(uniqueKeysWithValues: (1...9).map { (String($0), String(($0 + index) % 4)) } + [("difficulty", "1")])
            let start = DispatchTime.now().uptimeNanoseconds
            let score = try instrument.score(answers)
            raised += FlagRules.flags(for: score, baseline: baseline, at: now, reviewWeeks: 10, notImprovingOpen: false).count
            timings.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1000)
        }
        timings.sort()
        let mean = timings.reduce(0, +) / Double(timings.count)
        print(String(format: "scoring and alert evaluation: %d responses, mean %.1f µs, p50 %.1f µs, p99 %.1f µs, max %.1f µs (%d alerts raised)",
                     iterations, mean, timings[timings.count / 2], timings[Int(Double(timings.count - 1) * 0.99)], timings.last!, raised))
    }
}
