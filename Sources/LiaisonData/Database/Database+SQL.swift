import FluentKit
import SQLKit

extension Database {
    /// The same connection for hand-written SQL. Both drivers Liaison uses are SQL databases;
    /// this is the one place that relies on it.
    var sql: any SQLDatabase { self as! any SQLDatabase }

    /// True on PostgreSQL, where rows are locked explicitly; SQLite serialises writers anyway.
    var locksRows: Bool { sql.dialect.name == "postgresql" }
}

/// A row lock for a change on PostgreSQL, where rows are locked explicitly; nothing on SQLite,
/// whose single writer already serialises every writing transaction. `NO KEY UPDATE`: the row is
/// changed but not its key, so rows that merely refer to it (notes, reminders) can still be added.
func forUpdate(_ db: any Database) -> SQLQueryString {
    db.locksRows ? " FOR NO KEY UPDATE" : ""
}

extension SQLDatabase {
    /// Rows of a hand-written query decoded into `Row`, whose `CodingKeys` name the columns
    /// (spelled out once rather than converted from camelCase at every row: this is a hot path).
    func rows<Row: Decodable>(_ type: Row.Type, _ query: SQLQueryString) async throws -> [Row] {
        try await raw(query).all(decoding: Row.self)
    }

    /// The first row of a hand-written query, decoded as `rows` does.
    func row<Row: Decodable>(_ type: Row.Type, _ query: SQLQueryString) async throws -> Row? {
        try await raw(query).first(decoding: Row.self)
    }
}
