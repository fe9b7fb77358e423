import FluentKit
import SQLKit

/// A patient's preferred language, and the history of corrections to their demographics: every
/// field's value before a treating clinician corrected it, who did, when and why.
struct AddCorrectionsToPatients: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Patient.schema).field("preferred_language", .string, .required, .sql(.default(""))).update()
        try await database.schema(PatientCorrection.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id))
            .field("field", .string, .required)
            .field("label", .string, .required)
            .field("old_value", .string, .required)
            .field("new_value", .string, .required)
            .field("reason", .string, .required)
            .field("corrected_by", .uuid, .required, .references(UserAccount.schema, .id))
            .field("corrected_at", .datetime, .required)
            .create()
        try await database.index("patient_corrections_by_patient", on: PatientCorrection.schema, columns: "patient_id", "corrected_at")
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PatientCorrection.schema).delete()
        try await database.schema(Patient.schema).deleteField("preferred_language").update()
    }
}
