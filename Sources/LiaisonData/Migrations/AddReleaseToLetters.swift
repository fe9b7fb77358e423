import FluentKit

/// When a letter's author shared it with the patient (their portal shows it from then on).
struct AddReleaseToLetters: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LetterRecord.schema).field("released_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LetterRecord.schema).deleteField("released_at").update()
    }
}
