import FluentKit

struct CreatePatient: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Patient.schema)
            .id()
            .field("given_name", .string, .required)
            .field("family_name", .string, .required)
            .field("date_of_birth", .string, .required)
            .field("match_key", .string, .required)
            .field("pronouns", .string, .required)
            .field("phone", .string, .required)
            .field("email", .string, .required)
            .field("address", .string, .required)
            .field("registered_by", .uuid, .required, .references(UserAccount.schema, .id))
            .field("registered_organisation_id", .uuid, .references(Organisation.schema, .id))
            .field("portal_user_id", .uuid, .references(UserAccount.schema, .id))
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("patients_by_match_key", on: Patient.schema, columns: "match_key")
        try await database.index("patients_by_portal_user", on: Patient.schema, columns: "portal_user_id")
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Patient.schema).delete()
    }
}
