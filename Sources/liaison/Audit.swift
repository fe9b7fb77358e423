import ArgumentParser
import Foundation
import LiaisonCore
import LiaisonData

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Work with the audit trail.", subcommands: [Verify.self, Head.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every link of the audit chain; reports the first broken one and exits 1 if any.")
        @OptionGroup var common: CommonOptions
        @Option(help: "A point printed earlier by `liaison audit head`, as SEQUENCE:HASH, that the log must still contain.") var against: String?

        func run() async throws {
            let anchor = try against.map(Self.anchor)
            let configuration = try common.configuration()
            let logger = Logs.bootstrap(level: .warning)
            let (verdict, anchored, refused) = try await withDatabase(configuration, logger: logger, migrate: false) { database in
                let verdict = try await AuditLog.verify(on: database.db(), key: configuration.auditKey)
                let refused = try await AuditQueries.count(of: .accessRefused, on: database.db())
                guard let anchor else { return (verdict, Bool?.none, refused) }
                return (verdict, try await AuditLog.hash(at: anchor.sequence, on: database.db()) == anchor.hash, refused)
            }
            if anchored == false {
                print("Audit chain BROKEN: it no longer holds the anchored entry \(against ?? "").")
                throw ExitCode(1)
            }
            switch verdict {
            case .intact(let entries):
                print("Audit chain intact: \(entries) entries verified\(anchored == true ? ", including the anchored entry \(anchor!.sequence)" : ""); \(refused) refused attempt\(refused == 1 ? "" : "s") at patients' records.")
            case .broken(let sequence, let reason):
                print("Audit chain BROKEN at entry \(sequence): \(reason).")
                throw ExitCode(1)
            }
        }

        static func anchor(_ text: String) throws -> (sequence: Int64, hash: String) {
            let parts = text.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let sequence = Int64(parts[0]), sequence > 0, parts[1].count == 64 else {
                throw ValidationError("--against must be SEQUENCE:HASH as `liaison audit head` prints it (got \"\(text)\")")
            }
            return (sequence, String(parts[1]))
        }
    }

    struct Head: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the audit chain's head as SEQUENCE:HASH, to keep outside Liaison (e.g. daily, in your own log system).",
            discussion: "Later, `liaison audit verify --against SEQUENCE:HASH` proves the log still contains that point unchanged.")
        @OptionGroup var common: CommonOptions

        func run() async throws {
            let configuration = try common.configuration()
            let head = try await withDatabase(configuration, logger: Logs.bootstrap(level: .warning), migrate: false) { database in
                try await AuditLog.head(on: database.db())
            }
            print("\(head.sequence):\(head.hash)")
        }
    }
}
