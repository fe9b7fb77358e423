import ArgumentParser
import Foundation
import LiaisonData

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Work with the audit trail.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every link of the audit chain; reports the first broken one and exits 1 if any.")
        @OptionGroup var common: CommonOptions

        func run() async throws {
            let configuration = try common.configuration()
            let logger = Logs.bootstrap(level: .warning)
            let verdict = try await withDatabase(configuration, logger: logger, migrate: false) { database in
                try await AuditLog.verify(on: database.db())
            }
            switch verdict {
            case .intact(let entries):
                print("Audit chain intact: \(entries) entries verified.")
            case .broken(let sequence, let reason):
                print("Audit chain BROKEN at entry \(sequence): \(reason).")
                throw ExitCode(1)
            }
        }
    }
}
