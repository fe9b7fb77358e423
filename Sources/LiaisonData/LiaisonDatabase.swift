import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit

/// The application's database: its connection pools, its migrations and its maintenance tasks.
///
/// `databases` is a ServiceLifecycle service; add it to the application so pools close on shutdown.
public final class LiaisonDatabase: Sendable {
    public let location: DatabaseLocation
    public let databases: Databases
    private let logger: Logger
    /// SQLite serialises writers anyway; one connection on one event loop avoids "database is
    /// locked" between our own connections. PostgreSQL spreads over the whole group.
    private let pinnedLoop: (any EventLoop)?

    public init(location: DatabaseLocation, logger: Logger, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
        self.location = location
        self.logger = logger
        self.databases = Databases(threadPool: NIOThreadPool.singleton, on: eventLoopGroup)
        switch location {
        case .sqliteFile(let path):
            databases.use(.sqlite(.init(storage: .file(path: path)), sqlLogLevel: .trace), as: .sqlite)
            pinnedLoop = eventLoopGroup.next()
        case .sqliteMemory(let identifier):
            databases.use(.sqlite(.init(storage: .memory(identifier: identifier)), sqlLogLevel: .trace), as: .sqlite)
            pinnedLoop = eventLoopGroup.next()
        case .postgres(let url):
            databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: 4, sqlLogLevel: .trace), as: .psql)
            pinnedLoop = nil
        }
    }

    /// A handle for one unit of work.
    public func db(logger: Logger? = nil) -> any Database {
        databases.database(logger: logger ?? self.logger, on: pinnedLoop ?? databases.eventLoopGroup.any())!
    }

    /// The same handle, for hand-written SQL.
    public func sql(logger: Logger? = nil) -> any SQLDatabase {
        db(logger: logger) as! any SQLDatabase
    }

    private func migrator() -> Migrator {
        let migrations = Migrations()
        migrations.add(LiaisonMigrations.all)
        return Migrator(databases: databases, migrations: migrations, logger: logger, on: pinnedLoop ?? databases.eventLoopGroup.any())
    }

    /// Applies every migration not yet applied. Safe to run repeatedly.
    public func migrate() async throws {
        if case .sqliteFile = location {
            // WAL lets readers (and `liaison backup`) work while the server writes.
            try await sql().raw("PRAGMA journal_mode=WAL").run()
        }
        let migrator = migrator()
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
    }

    /// Migrations known to this build but not yet applied; empty when the schema is current.
    public func pendingMigrations() async throws -> [String] {
        let migrator = migrator()
        try await migrator.setupIfNeeded().get()
        return try await migrator.previewPrepareBatch().get().map { $0.0.name }
    }

    /// Checks that the database answers.
    public func ping() async throws {
        _ = try await sql().raw("SELECT 1").all()
    }

    /// Writes a consistent copy of a SQLite database to `destination`, while the server may be running.
    public func backupSQLite(to destination: String) async throws {
        guard case .sqliteFile = location else { throw BackupError.notSQLite }
        if FileManager.default.fileExists(atPath: destination) { throw BackupError.destinationExists(destination) }
        try await sql().raw("VACUUM INTO \(bind: destination)").run()
    }

    public func shutdown() async {
        await databases.shutdownAsync()
    }
}

public enum BackupError: Error, CustomStringConvertible {
    case notSQLite
    case destinationExists(String)

    public var description: String {
        switch self {
        case .notSQLite: "backup copies SQLite databases only; for PostgreSQL use pg_dump"
        case .destinationExists(let path): "\(path) already exists; choose a new file name"
        }
    }
}
