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
    /// SQLite serialises writers anyway; one writing connection on one event loop avoids "database
    /// is locked" between our own connections. PostgreSQL spreads over the whole group.
    private let pinnedLoop: (any EventLoop)?
    /// On a SQLite file, reads have connections of their own (one per event loop): in WAL mode they
    /// see the last commit without waiting for the writer. Elsewhere reads share the writers' pool.
    private let separateReaders: Bool

    /// SQLite's calls block a thread, and a commit waits for the disk (fsync): a SQLite file gets
    /// threads of its own, more than the cores, so reads go on while the writer waits.
    private let blockingPool: NIOThreadPool?

    public init(location: DatabaseLocation, logger: Logger, eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
        self.location = location
        self.logger = logger
        if case .sqliteFile = location {
            let pool = NIOThreadPool(numberOfThreads: System.coreCount * 2)
            pool.start()
            blockingPool = pool
        } else {
            blockingPool = nil
        }
        self.databases = Databases(threadPool: blockingPool ?? NIOThreadPool.singleton, on: eventLoopGroup)
        switch location {
        case .sqliteFile(let path):
            databases.use(.sqlite(.init(storage: .file(path: path)), sqlLogLevel: .trace), as: .sqlite, isDefault: true)
            databases.use(.sqlite(.init(storage: .file(path: path)), sqlLogLevel: .trace), as: .sqliteReader, isDefault: false)
            databases.use(.sqlite(.init(storage: .file(path: path)), sqlLogLevel: .trace), as: .sqliteCheckpoints, isDefault: false)
            pinnedLoop = eventLoopGroup.next()
            separateReaders = true
        case .sqliteMemory(let identifier):
            // Connections to a shared in-memory database lock whole tables, so it gets just one.
            databases.use(.sqlite(.init(storage: .memory(identifier: identifier)), sqlLogLevel: .trace), as: .sqlite)
            pinnedLoop = eventLoopGroup.next()
            separateReaders = false
        case .postgres(let url):
            databases.use(try .postgres(url: url, maxConnectionsPerEventLoop: 4, sqlLogLevel: .trace), as: .psql)
            pinnedLoop = nil
            separateReaders = false
        }
    }

    /// Opens the database at `location`, migrates it unless told not to, runs `body`, and always
    /// closes the pools.
    public static func with<T>(
        _ location: DatabaseLocation, logger: Logger, migrate: Bool = true, _ body: (LiaisonDatabase) async throws -> T
    ) async throws -> T {
        let database = try LiaisonDatabase(location: location, logger: logger)
        do {
            if migrate { try await database.migrate() } else { try await database.prepareConnections() }
            let result = try await body(database)
            await database.shutdown()
            return result
        } catch {
            await database.shutdown()
            throw error
        }
    }

    /// A handle for one unit of work that may write.
    public func db(logger: Logger? = nil) -> any Database {
        databases.database(logger: logger ?? self.logger, on: pinnedLoop ?? databases.eventLoopGroup.any())!
    }

    /// A handle for work that only reads. On a SQLite file it never waits for the writer, and once
    /// `migrate()` has run a write through it fails (`query_only`), so nothing bypasses the writer.
    public func reader(logger: Logger? = nil) -> any Database {
        guard separateReaders else { return db(logger: logger) }
        return databases.database(.sqliteReader, logger: logger ?? self.logger, on: databases.eventLoopGroup.any())!
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

    /// Applies every migration not yet applied. Safe to run repeatedly, and from several servers
    /// starting at once: on PostgreSQL the migrations run under a database-wide advisory lock, so
    /// the second server waits and then finds nothing left to do.
    public func migrate() async throws {
        switch location {
        case .sqliteFile(let path):
            // Processes on one file (a server and `liaison sweep`, say) take turns through a lock file.
            let lock = try await MigrationFileLock.take(beside: path)
            defer { lock.release() }
            // WAL lets readers (and `liaison backup`) work while the server writes.
            try await sql().raw("PRAGMA journal_mode=WAL").run()
            try await applyMigrations()
        case .sqliteMemory:
            try await applyMigrations()
        case .postgres:
            try await db().withConnection { connection in
                try await connection.sql.raw("SELECT pg_advisory_lock(\(bind: Self.migrationLock))").run()
                do {
                    try await self.applyMigrations()
                } catch {
                    try? await connection.sql.raw("SELECT pg_advisory_unlock(\(bind: Self.migrationLock))").run()
                    throw error
                }
                try await connection.sql.raw("SELECT pg_advisory_unlock(\(bind: Self.migrationLock))").run()
            }
        }
        try await prepareConnections()
    }

    /// An exclusive `flock` on `<database>.migrate-lock`, held while migrations run on a SQLite file.
    private struct MigrationFileLock: Sendable {
        let descriptor: Int32

        /// Waits for the lock on a thread of its own, never on the tasks' threads.
        static func take(beside path: String) async throws -> MigrationFileLock {
            let lockPath = path + ".migrate-lock"
            return try await NIOThreadPool.singleton.runIfActive {
                let descriptor = open(lockPath, O_CREAT | O_RDWR, 0o644)
                guard descriptor >= 0 else { throw MigrationLockError(path: lockPath) }
                guard flock(descriptor, LOCK_EX) == 0 else {
                    close(descriptor)
                    throw MigrationLockError(path: lockPath)
                }
                return MigrationFileLock(descriptor: descriptor)
            }
        }

        func release() {
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
    }

    /// The advisory lock key migrations hold on PostgreSQL (any fixed number; this one spells "LIAISON").
    static let migrationLock: Int64 = 0x4C49_4149_534F_4E

    private func applyMigrations() async throws {
        let migrator = migrator()
        try await migrator.setupIfNeeded().get()
        try await migrator.prepareBatch().get()
    }

    /// Makes each reading connection of a SQLite file (one per event loop) refuse writes.
    /// `migrate()` ends with it; tools that open a database without migrating call it themselves.
    public func prepareConnections() async throws {
        guard separateReaders else { return }
        for loop in databases.eventLoopGroup.makeIterator() {
            try await databases.database(.sqliteReader, logger: logger, on: loop)!.sql.raw("PRAGMA query_only = ON").run()
        }
    }

    /// Migrations known to this build but not yet applied; empty when the schema is current.
    public func pendingMigrations() async throws -> [String] {
        let migrator = migrator()
        try await migrator.setupIfNeeded().get()
        return try await migrator.previewPrepareBatch().get().map { $0.0.name }
    }

    /// True for a SQLite file, whose write-ahead log `checkpointContinuously` keeps short.
    public var checkpointsInBackground: Bool { separateReaders }

    /// Moves committed pages from a SQLite file's write-ahead log into the database file, on a
    /// connection of its own, until cancelled; the writer then does it only when the log has
    /// grown past `logPages` (256 MB), should this fall behind.
    ///
    /// SQLite otherwise checkpoints inside the commit that takes the log past 1,000 pages, so
    /// that one write (a clinician's, or a sweep's batch) also copies every page the others
    /// logged. Here the copy runs beside the writer on another thread (a passive checkpoint
    /// neither waits for nor blocks writers and readers). Durability is the log's: each commit
    /// is synced to it before it answers, whoever copies it on.
    public func checkpointContinuously(every interval: Duration, logPages: Int = 65_536) async {
        guard separateReaders, let loop = pinnedLoop else { return }
        let connection = databases.database(.sqliteCheckpoints, logger: logger, on: loop)!.sql
        do {
            try await sql().raw("PRAGMA wal_autocheckpoint = \(literal: logPages)").run()
        } catch {
            // The writer goes on checkpointing at SQLite's usual size, and these beside it still help.
            logger.error("could not defer checkpoints; the writer keeps making them", metadata: ["error": .string(String(reflecting: error))])
        }
        // Runs until cancelled, never returning earlier: a server's services stop it together.
        while !Task.isCancelled {
            do {
                try await connection.raw("PRAGMA wal_checkpoint(PASSIVE)").run()
            } catch {
                logger.error("checkpoint failed; the next one tries again", metadata: ["error": .string(String(reflecting: error))])
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Checks that the database answers.
    public func ping() async throws {
        _ = try await sql().raw("SELECT 1").all()
    }

    /// True before anyone has an account (a new installation, or one for generated data).
    public func hasNoAccounts() async throws -> Bool {
        try await sql().raw("SELECT COUNT(*) AS n FROM users").first(decodingColumn: "n", as: Int.self) == 0
    }

    /// Writes a consistent copy of a SQLite database to `destination`, while the server may be running.
    public func backupSQLite(to destination: String) async throws {
        guard case .sqliteFile = location else { throw BackupError.notSQLite }
        if FileManager.default.fileExists(atPath: destination) { throw BackupError.destinationExists(destination) }
        try await sql().raw("VACUUM INTO \(bind: destination)").run()
    }

    public func shutdown() async {
        await databases.shutdownAsync()
        await releaseThreads()
    }

    /// Stops SQLite's own threads, for when `databases` was shut down as an application service.
    public func releaseThreads() async {
        try? await blockingPool?.shutdownGracefully()
    }
}

extension DatabaseID {
    /// The reading connections beside the single writer on a SQLite file.
    static let sqliteReader = DatabaseID(string: "sqlite-reader")
    /// The one connection that checkpoints a SQLite file's write-ahead log.
    static let sqliteCheckpoints = DatabaseID(string: "sqlite-checkpoints")
}

public struct MigrationLockError: Error, CustomStringConvertible {
    let path: String
    public var description: String { "could not take the migration lock \(path); check that the folder is writable" }
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
