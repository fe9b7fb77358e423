import SQLKit

extension SQLDatabase {
    /// Inserts many rows with as few statements as SQLite's limit on bound values allows.
    ///
    /// Hand-written rather than built, so the statement is not re-serialised through the builders.
    func insertRows(into table: String, columns: [String], _ rows: [[any SQLExpression]]) async throws {
        let perStatement = max(1, 30_000 / max(1, columns.count))
        var start = rows.startIndex
        while start < rows.endIndex {
            let end = min(rows.endIndex, start + perStatement)
            let values = rows[start..<end].map { "(\(SQLList($0)))" as SQLQueryString }.joined(separator: ", ")
            try await raw("INSERT INTO \(ident: table) (\(idents: columns, joinedBy: ", ")) VALUES \(values)").run()
            start = end
        }
    }
}
