import AsyncKit
import FluentKit
import Foundation
import PostgresNIO
import SQLiteNIO
import SQLKit

/// PostgreSQL gave up on a transaction that clashed with another (a serialization failure or a
/// deadlock) as many times as `LiaisonDatabase.write` retries. Nothing was changed; the request
/// may be tried again (the server answers 503).
public struct DatabaseBusy: Error, Sendable {
    public init() {}

    /// Whether `error` means the database is too busy to serve now, as `DatabaseBusy` does: also
    /// a request that waited too long for a free connection.
    public static func matches(_ error: any Error) -> Bool {
        error is DatabaseBusy || error is ConnectionPoolTimeoutError
    }
}

/// Two requests wrote the same thing at the same moment and a unique constraint refused the
/// second. Nothing of the second was changed (the server answers 409).
public struct ConcurrentChange: Error, Sendable {
    public init() {}
}

/// Thrown by tests (and treated like PostgreSQL's own) to show that a clash is retried.
public struct SerializationFailure: Error, Sendable {
    public init() {}
}

extension LiaisonDatabase {
    /// Runs `work` in one writing transaction: everything it writes commits together or not at all.
    ///
    /// A use case that reads a row, checks a rule and writes locks what it checked first
    /// (`…Queries.lock…`, `FOR UPDATE` on PostgreSQL; SQLite has one writer). When PostgreSQL
    /// aborts the transaction for a serialization failure or deadlock (SQLSTATE 40001, 40P01) it
    /// is run again, up to `attempts` times in all, then `DatabaseBusy` is thrown. A unique
    /// constraint that refuses a concurrent duplicate becomes `ConcurrentChange`. On SQLite the same
    /// retry covers a write refused because another process wrote the file meanwhile.
    public func write<T: Sendable>(attempts: Int = 3, _ work: @Sendable @escaping (any Database) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await db().transaction { db in try await work(db) }
            } catch where Self.isClash(error) {
                guard attempt < attempts else { throw DatabaseBusy() }
                attempt += 1
                // A little jitter, so the clashing transactions do not meet again at once.
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...(20 * attempt))))
            } catch where Self.isUniqueViolation(error) {
                throw ConcurrentChange()
            }
        }
    }

    static func isClash(_ error: any Error) -> Bool {
        if error is SerializationFailure { return true }
        // Another process (`liaison sweep` beside a server) wrote the SQLite file after this
        // transaction first read it: SQLite refuses the write at once rather than wait.
        if let error = error as? SQLiteError { return [.busy, .busyInSnapshot, .busyInRecovery, .busyTimeout, .locked].contains(error.reason) }
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01"
    }

    static func isUniqueViolation(_ error: any Error) -> Bool {
        if let error = error as? PSQLError { return error.serverInfo?[.sqlState] == "23505" }
        if let error = error as? SQLiteError { return [.constraintUniqueFailed, .constraintPrimaryKeyFailed].contains(error.reason) }
        return false
    }
}
