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
    /// Rows of a hand-written query decoded into `Row`, whose properties are the columns in
    /// camelCase (`user_id` is `userID`, `is_system_admin` is `isSystemAdmin`).
    func rows<Row: Decodable>(_ type: Row.Type, _ query: SQLQueryString) async throws -> [Row] {
        try await raw(query).all(decoding: Row.self, with: Self.rowDecoder)
    }

    /// The first row of a hand-written query, decoded as `rows` does.
    func row<Row: Decodable>(_ type: Row.Type, _ query: SQLQueryString) async throws -> Row? {
        try await raw(query).first(decoding: Row.self, with: Self.rowDecoder)
    }

    private static var rowDecoder: SQLRowDecoder {
        SQLRowDecoder(keyDecodingStrategy: .custom { path in ColumnKey(column: snakeCase(path.last!.stringValue)) })
    }
}

/// `userID` → `user_id`: an underscore where a capital follows a small letter or digit, so an
/// acronym stays one word.
func snakeCase(_ name: String) -> String {
    var result = ""
    var previous: Character?
    for character in name {
        if character.isUppercase, let previous, previous.isLowercase || previous.isNumber { result.append("_") }
        result.append(Character(character.lowercased()))
        previous = character
    }
    return result
}

private struct ColumnKey: CodingKey {
    let stringValue: String
    init(column: String) { stringValue = column }
    init?(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}
