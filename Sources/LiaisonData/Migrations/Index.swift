import FluentKit
import SQLKit

extension Database {
    /// Creates a plain index; FluentKit's schema builder has no index support of its own.
    func index(_ name: String, on table: String, columns: String...) async throws {
        try await index(name, on: table, columns: columns)
    }

    func index(_ name: String, on table: String, columns: [String]) async throws {
        var builder = (self as! any SQLDatabase).create(index: name).on(table)
        for column in columns {
            builder = builder.column(column)
        }
        try await builder.run()
    }

    func dropIndex(_ name: String) async throws {
        try await (self as! any SQLDatabase).drop(index: name).run()
    }
}
