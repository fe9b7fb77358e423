import FluentKit

struct CreatePatientIdentifier: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PatientIdentifier.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id, onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, .id))
            .field("value", .string, .required)
            .unique(on: "organisation_id", "value")
            .create()
        try await database.index("patient_identifiers_by_patient", on: PatientIdentifier.schema, columns: "patient_id")
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PatientIdentifier.schema).delete()
    }
}
