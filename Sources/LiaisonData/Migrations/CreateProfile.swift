import FluentKit

struct CreateProfile: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Profile.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserAccount.schema, .id, onDelete: .cascade))
            .field("discipline", .string, .required)
            .field("credentials", .string, .required)
            .field("about", .string, .required)
            .field("contact_method", .string, .required)
            .field("contact_phone", .string, .required)
            .field("contact_email", .string, .required)
            .field("contact_hours", .string, .required)
            .field("languages", .string, .required)
            .field("insurance", .string, .required)
            .field("modality", .string, .required)
            .field("locations", .string, .required)
            .field("accepting_new_patients", .bool, .required)
            .field("transfer_policy", .string, .required)
            .field("prioritises_without_psychiatrist", .bool, .required)
            .field("listed", .bool, .required)
            .field("total_openings", .int, .required)
            .field("search_text", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "user_id")
            .create()
        try await database.index("profiles_by_discipline", on: Profile.schema, columns: "listed", "discipline")
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Profile.schema).delete()
    }
}
