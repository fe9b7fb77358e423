import FluentKit
import SQLKit

extension Database {
    /// The same connection for hand-written SQL. Both drivers Liaison uses are SQL databases;
    /// this is the one place that relies on it.
    var sql: any SQLDatabase { self as! any SQLDatabase }

    /// True on PostgreSQL, where rows are locked explicitly; SQLite serialises writers anyway.
    var locksRows: Bool { sql.dialect.name == "postgresql" }
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
