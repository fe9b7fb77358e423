import FluentKit

/// Consent, notes, the timeline, emergency access and notifications: the tables around a patient's team record.
struct CreatePatientRecord: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ConsentRecord.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id, onDelete: .cascade))
            .field("withheld", .string, .required)
            .field("updated_at", .datetime, .required)
            .field("updated_by", .uuid, .required)
            .unique(on: "patient_id")
            .create()
        try await database.schema(Note.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id, onDelete: .cascade))
            .field("author_id", .uuid, .required, .references(UserAccount.schema, .id))
            .field("author_role", .string, .required)
            .field("kind", .string, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("notes_by_patient", on: Note.schema, columns: "patient_id", "created_at")
        try await database.schema(PatientEvent.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id, onDelete: .cascade))
            .field("actor_id", .uuid)
            .field("kind", .string, .required)
            .field("summary", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("patient_events_by_patient", on: PatientEvent.schema, columns: "patient_id", "created_at")
        try await database.schema(EmergencyAccess.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id, onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(UserAccount.schema, .id))
            .field("reason", .string, .required)
            .field("granted_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .create()
        try await database.index("emergency_by_patient", on: EmergencyAccess.schema, columns: "patient_id", "user_id")
        try await database.index("emergency_by_time", on: EmergencyAccess.schema, columns: "granted_at")
        try await database.schema(Notification.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserAccount.schema, .id, onDelete: .cascade))
            .field("patient_id", .uuid)
            .field("kind", .string, .required)
            .field("message", .string, .required)
            .field("link", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
        try await database.index("notifications_by_user", on: Notification.schema, columns: "user_id", "read_at")
    }

    func revert(on database: any Database) async throws {
        for schema in [Notification.schema, EmergencyAccess.schema, PatientEvent.schema, Note.schema, ConsentRecord.schema] {
            try await database.schema(schema).delete()
        }
    }
}
