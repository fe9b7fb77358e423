import FluentKit

/// The shared treatment plan (every version kept), the prescriber's medication list, follow-up
/// cadence per patient and role, and visits.
struct CreateCarePlans: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(CarePlanVersion.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id))
            .field("author_id", .uuid, .required, .references(UserAccount.schema, .id))
            .field("created_at", .datetime, .required)
            .field("plan", .string, .required)
            .create()
        try await database.index("care_plans_by_patient", on: CarePlanVersion.schema, columns: "patient_id", "created_at")
        try await database.schema(MedicationRecord.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id))
            .field("name", .string, .required)
            .field("dose", .string, .required)
            .field("frequency", .string, .required)
            .field("started_on", .string, .required)
            .field("stopped_on", .string)
            .field("reason", .string, .required)
            .field("stop_reason", .string)
            .field("prescribed_by", .uuid, .required, .references(UserAccount.schema, .id))
            .field("created_at", .datetime, .required)
            .field("replaced_by", .uuid)
            .create()
        try await database.index("medications_by_patient", on: MedicationRecord.schema, columns: "patient_id", "created_at")
        try await database.schema(FollowUpCadence.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id))
            .field("role", .string, .required)
            .field("level", .string, .required)
            .field("interval_days", .int, .required)
            .field("set_by", .uuid, .required, .references(UserAccount.schema, .id))
            .field("set_at", .datetime, .required)
            .field("next_due_at", .datetime, .required)
            .field("reminded_due_at", .datetime)
            .unique(on: "patient_id", "role", name: "one_cadence_per_role")
            .create()
        try await database.index("cadences_due", on: FollowUpCadence.schema, columns: "next_due_at")
        // The navigation's overdue count, read on every request: from the person's memberships to
        // their patients' cadences, both from indexes alone.
        try await database.index("cadences_due_by_patient", on: FollowUpCadence.schema, columns: "patient_id", "role", "next_due_at")
        try await database.index("care_team_roles_by_user", on: CareTeamMember.schema, columns: "user_id", "role", "patient_id", "started_at", "ended_at")
        try await database.schema(VisitRecord.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id))
            .field("clinician_id", .uuid, .required, .references(UserAccount.schema, .id))
            .field("role", .string, .required)
            .field("kind", .string, .required)
            .field("visited_on", .string, .required)
            .field("visited_at", .datetime, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("visits_by_patient", on: VisitRecord.schema, columns: "patient_id", "role", "visited_at")
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("care_team_roles_by_user")
        try await database.schema(VisitRecord.schema).delete()
        try await database.schema(FollowUpCadence.schema).delete()
        try await database.schema(MedicationRecord.schema).delete()
        try await database.schema(CarePlanVersion.schema).delete()
    }
}
