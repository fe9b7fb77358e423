import FluentKit

struct CreateServiceOpening: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ServiceOpening.schema)
            .id()
            .field("profile_id", .uuid, .required, .references(Profile.schema, .id, onDelete: .cascade))
            .field("service", .string, .required)
            .field("openings", .int, .required)
            .unique(on: "profile_id", "service")
            .create()
        try await database.index("service_openings_by_service", on: ServiceOpening.schema, columns: "service", "openings")
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ServiceOpening.schema).delete()
    }
}
