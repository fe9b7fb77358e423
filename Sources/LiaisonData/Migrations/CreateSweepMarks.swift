import FluentKit

/// Where each kind of reminder's sweep has looked up to (`SweepQueries.mark`).
struct CreateSweepMarks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("sweep_marks")
            .field("kind", .string, .required, .identifier(auto: false))
            .field("through", .datetime, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("sweep_marks").delete()
    }
}
