import Foundation
import LiaisonData
import Logging
import SQLKit

/// A database of its own for one test: a new SQLite file in WAL mode, with the same single writer
/// and separate readers as in production, or a freshly created PostgreSQL database when
/// `LIAISON_TEST_DATABASE_URL` names a server (CI runs both).
public enum TestDatabase {
    public static let logger: Logger = {
        var logger = Logger(label: "liaison-test")
        logger.logLevel = .warning
        return logger
    }()

    /// Runs `body` with the location of a new, empty database, and removes it afterwards.
    public static func withFresh<T>(_ body: (DatabaseLocation) async throws -> T) async throws -> T {
        guard let serverURL = ProcessInfo.processInfo.environment["LIAISON_TEST_DATABASE_URL"], !serverURL.isEmpty else {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-test-\(UUID().uuidString).sqlite").path
            defer {
                for suffix in ["", "-wal", "-shm", ".migrate-lock"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            return try await body(.sqliteFile(path: path))
        }
        let name = "liaison_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await administer(serverURL) { try await $0.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
        do {
            let result = try await body(.postgres(url: url(serverURL, database: name)))
            try await drop(name, serverURL)
            return result
        } catch {
            try? await drop(name, serverURL)
            throw error
        }
    }

    /// Runs `body` with a new database, migrated, and closes it afterwards.
    public static func withMigrated<T>(_ body: (LiaisonDatabase) async throws -> T) async throws -> T {
        try await withFresh { location in try await LiaisonDatabase.with(location, logger: logger, body) }
    }

    private static func drop(_ name: String, _ serverURL: String) async throws {
        try await administer(serverURL) { try await $0.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run() }
    }

    private static func administer(_ serverURL: String, _ work: (any SQLDatabase) async throws -> Void) async throws {
        let admin = try LiaisonDatabase(location: .postgres(url: serverURL), logger: logger)
        do {
            try await work(admin.sql())
        } catch {
            await admin.shutdown()
            throw error
        }
        await admin.shutdown()
    }

    /// The same server URL pointing at another database.
    private static func url(_ serverURL: String, database: String) -> String {
        var components = URLComponents(string: serverURL)!
        components.path = "/" + database
        return components.string!
    }
}
