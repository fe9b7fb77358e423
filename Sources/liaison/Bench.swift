import ArgumentParser
import Foundation
import LiaisonData
import LiaisonServer

struct BenchDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-data",
        abstract: "Generate a synthetic health-system dataset for benchmarks into an empty database (deterministic from the seed).")
    @OptionGroup var common: CommonOptions
    @Option(help: "1 = 2,000 clinicians, 200,000 patients, 1,000,000 referrals, 5,000,000 audit entries.") var scale: Double = 1
    @Option(help: "Seed for the generator; the same seed gives the same data.") var seed: UInt64 = 42

    func run() async throws {
        guard scale > 0, scale <= 10 else { throw ValidationError("--scale must be above 0 and at most 10") }
        let configuration = try common.configuration()
        let logger = Logs.bootstrap(level: .warning)
        let summary = try await withDatabase(configuration, logger: logger) { database in
            guard try await database.hasNoAccounts() else {
                throw OperatorError("the database is not empty; bench-data needs an empty one")
            }
            let hash = try await PasswordHasher(cost: 4).hash(BenchData.password)
            return try await BenchData(scale: scale, seed: seed).generate(into: database, passwordHash: hash)
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
