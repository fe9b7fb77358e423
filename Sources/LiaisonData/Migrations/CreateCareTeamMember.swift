import FluentKit

struct CreateCareTeamMember: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CareTeamMember.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(UserAccount.schema, .id))
            .field("role", .string, .required)
            .field("responsible", .bool, .required)
            .field("started_at", .datetime, .required)
            .field("ended_at", .datetime)
            .field("added_by", .uuid, .required)
            .field("ended_by", .uuid)
            .create()
        try await database.index("care_team_by_patient", on: CareTeamMember.schema, columns: "patient_id")
        try await database.index("care_team_by_user", on: CareTeamMember.schema, columns: "user_id", "ended_at")
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CareTeamMember.schema).delete()
    }
}
