import FluentKit

/// Letters between members of a patient's team, found by patient and by recipient.
struct CreateLetters: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LetterRecord.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id))
            .field("author_id", .uuid, .required, .references(UserAccount.schema, .id))
            .field("author_role", .string, .required)
            .field("recipient_id", .uuid, .required, .references(UserAccount.schema, .id))
            .field("kind", .string, .required)
            .field("content", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
        try await database.index("letters_by_patient", on: LetterRecord.schema, columns: "patient_id", "created_at")
        try await database.index("letters_by_recipient", on: LetterRecord.schema, columns: "recipient_id", "read_at")
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LetterRecord.schema).delete()
    }
}
