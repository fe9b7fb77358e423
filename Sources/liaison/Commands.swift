import ArgumentParser
import Foundation
import LiaisonData
import LiaisonServer

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply database migrations that are not yet applied.")
    @OptionGroup var common: CommonOptions

    func run() async throws {
        let configuration = try common.configuration()
        let logger = Logs.bootstrap(level: configuration.logLevel)
        try await withDatabase(configuration, logger: logger) { _ in }
        print("Database is up to date (\(configuration.database)).")
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load synthetic demonstration data into an empty database.")
    @OptionGroup var common: CommonOptions

    func run() async throws {
        let configuration = try common.configuration()
        let logger = Logs.bootstrap(level: configuration.logLevel)
        let loaded = try await withDatabase(configuration, logger: logger) { database in
            try await DemoData.loadIfEmpty(database: database, bcryptCost: configuration.bcryptCost)
        }
        print(loaded ? "Loaded synthetic demo data; password for every demo sign-in: \(DemoData.password)" : "The database already has people in it; demo data not loaded.")
    }
}

struct CreateAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin",
        abstract: "Create a system administrator. The password is read from LIAISON_ADMIN_PASSWORD or standard input.")
    @OptionGroup var common: CommonOptions
    @Option(help: "The administrator's email address.") var email: String
    @Option(help: "The administrator's name.") var name: String = "Administrator"

    func run() async throws {
        let configuration = try common.configuration()
        let password = try Secrets.read(environment: "LIAISON_ADMIN_PASSWORD", prompt: "Password for \(email): ")
        let logger = Logs.bootstrap(level: configuration.logLevel)
        try await withDatabase(configuration, logger: logger) { database in
            try await AdminAccounts(database: database, bcryptCost: configuration.bcryptCost)
                .createSystemAdministrator(email: email, name: name, password: password)
        }
        print("Created system administrator \(email).")
    }
}

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage API tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API token acting as an existing person; prints it once.")
        @OptionGroup var common: CommonOptions
        @Option(help: "Email of the person the token acts for.") var email: String
        @Option(help: "A name to recognise the token by, e.g. \"EHR integration\".") var name: String

        func run() async throws {
            let configuration = try common.configuration()
            let logger = Logs.bootstrap(level: configuration.logLevel)
            let secret = try await withDatabase(configuration, logger: logger) { database in
                try await AdminAccounts(database: database, bcryptCost: configuration.bcryptCost).createToken(email: email, name: name)
            }
            print(secret)
        }
    }
}

struct TwoFactorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "two-factor", abstract: "Two-factor sign-in.", subcommands: [Reset.self])

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a person's authenticator key and recovery codes (lost phone and codes), after checking who they are. Audited.")
        @OptionGroup var common: CommonOptions
        @Option(help: "Email of the person.") var email: String

        func run() async throws {
            let configuration = try common.configuration()
            let logger = Logs.bootstrap(level: configuration.logLevel)
            try await withDatabase(configuration, logger: logger) { database in
                try await AdminAccounts(database: database, bcryptCost: configuration.bcryptCost, auditKey: configuration.auditKey).resetTwoFactor(email: email)
            }
            print("Two-factor sign-in reset for \(email). They set it up again at their next sign-in if their role requires it.")
        }
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a consistent copy of the SQLite database, even while the server runs.")
    @OptionGroup var common: CommonOptions
    @Option(help: "Where to write the copy (default: liaison-backup-<time>.sqlite).") var output: String?

    func run() async throws {
        let configuration = try common.configuration()
        if case .postgres(let url) = configuration.database {
            print("For PostgreSQL, use pg_dump, which takes a consistent snapshot while servers run:")
            print("  pg_dump --format=custom --file=liaison-$(date +%Y%m%d-%H%M%S).dump '\(url)'")
            print("Restore with: pg_restore --clean --dbname='<database url>' <file>.dump")
            return
        }
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let destination = output ?? "liaison-backup-\(stamp).sqlite"
        let logger = Logs.bootstrap(level: configuration.logLevel)
        try await withDatabase(configuration, logger: logger, migrate: false) { database in
            try await database.backupSQLite(to: destination)
        }
        print("Backed up \(configuration.database) to \(destination).")
    }
}

enum Secrets {
    /// A secret from an environment variable, else one line of standard input (echo off on a terminal).
    static func read(environment name: String, prompt: String) throws -> String {
        if let value = ProcessInfo.processInfo.environment[name], !value.isEmpty { return value }
        if isatty(STDIN_FILENO) == 1, let pointer = getpass(prompt) {
            return String(cString: pointer)
        }
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ValidationError("No password given: set \(name) or pass it on standard input.")
        }
        return line
    }
}

struct Sweep: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the referral sweep (reminders, overdue flags, escalation, expiry) once, as the server does every minute.",
        discussion: "Use --at to catch up after downtime as of a given time. Safe to run while servers run, and more than once: nothing is sent twice.")
    @OptionGroup var common: CommonOptions
    @Option(help: "The moment to sweep as of, ISO 8601 (e.g. 2026-11-27T09:00:00Z); now if left out.") var at: String?

    func run() async throws {
        let moment: Date
        if let at {
            guard let parsed = ISO8601DateFormatter().date(from: at) else {
                throw ValidationError("--at must be an ISO 8601 time with a zone, e.g. 2026-11-27T09:00:00Z (got \"\(at)\")")
            }
            moment = parsed
        } else {
            moment = Date()
        }
        let configuration = try common.configuration()
        let logger = Logs.bootstrap(level: configuration.logLevel)
        let outcome = try await withDatabase(configuration, logger: logger) { database in
            try await ReferralSweep.run(on: database, asOf: moment, auditKey: configuration.auditKey)
        }
        print("Swept as of \(ISO8601DateFormatter().string(from: moment)): \(outcome)")
    }
}
