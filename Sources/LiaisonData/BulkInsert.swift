import SQLKit

extension SQLDatabase {
    /// Inserts many rows with as few statements as SQLite's limit on bound values allows.
    public func insertRows(into table: String, columns: [String], _ rows: [[any SQLExpression]]) async throws {
        let perStatement = max(1, 30_000 / max(1, columns.count))
        var start = rows.startIndex
        while start < rows.endIndex {
            let end = min(rows.endIndex, start + perStatement)
            var builder = insert(into: table).columns(columns)
            for row in rows[start..<end] {
                builder = builder.values(row)
            }
            try await builder.run()
            start = end
        }
    }
}
