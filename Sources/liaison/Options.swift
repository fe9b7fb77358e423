import ArgumentParser
import Foundation
import LiaisonData
import LiaisonServer
import Logging

/// Options every command shares; flags override `LIAISON_*` variables.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "postgres://… or a SQLite file path (default: LIAISON_DATABASE_URL, else liaison.sqlite).")
    var databaseURL: String?

    /// Reads the environment and applies flags; exits with a message naming any bad setting.
    func configuration() throws -> LiaisonConfiguration {
        // Thrown as they are (not as ValidationError) so the message is not buried under usage text.
        var configuration = try LiaisonConfiguration.fromEnvironment()
        if let databaseURL {
            do {
                configuration.database = try DatabaseLocation(parsing: databaseURL)
            } catch {
                throw OperatorError("--database-url \(error.description)")
            }
        }
        return configuration
    }
}

/// Logging set up once per process.
enum Logs {
    static func bootstrap(level: Logger.Level) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "liaison")
    }
}

/// Opens the database, runs `body`, and always closes the pools.
func withDatabase<T>(_ configuration: LiaisonConfiguration, logger: Logger, migrate: Bool = true, _ body: (LiaisonDatabase) async throws -> T) async throws -> T {
    try await LiaisonDatabase.with(configuration.database, logger: logger, migrate: migrate, body)
}
