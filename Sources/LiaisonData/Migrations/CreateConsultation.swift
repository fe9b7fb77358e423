import FluentKit

/// Second-opinion consultations, found by patient, by consultant and by what the sweep chases;
/// and each organisation's grace period for a consultant's access after a consultation closes.
struct CreateConsultation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Consultation.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id))
            .field("consultant_id", .uuid, .required, .references(UserAccount.schema, .id))
            .field("organisation_id", .uuid, .references(Organisation.schema, .id))
            .field("requested_by", .uuid, .required, .references(UserAccount.schema, .id))
            .field("requested_by_patient", .bool, .required)
            .field("state", .string, .required)
            .field("reasons", .string, .required)
            .field("concerns", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("answer_due_at", .datetime)
            .field("expires_at", .datetime)
            .field("accepted_at", .datetime)
            .field("appointment_at", .datetime)
            .field("report", .string)
            .field("released_at", .datetime)
            .field("closed_at", .datetime)
            .field("ended_reason", .string)
            .field("membership_id", .uuid)
            .field("call_state", .string, .required, .sql(.default("none")))
            .field("call_times", .string)
            .field("reminded_at", .datetime)
            .create()
        try await database.index("consultations_by_patient", on: Consultation.schema, columns: "patient_id", "created_at")
        try await database.index("consultations_by_consultant", on: Consultation.schema, columns: "consultant_id", "state")
        try await database.index("consultations_to_expire", on: Consultation.schema, columns: "state", "expires_at")
        try await database.schema(Organisation.schema).field("consultation_grace_days", .int, .required, .sql(.default(14))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Organisation.schema).deleteField("consultation_grace_days").update()
        try await database.schema(Consultation.schema).delete()
    }
}
