import FluentKit

/// Patients get portal accounts too; `kind` keeps them out of clinicians' pages.
struct AddKindToUser: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(UserAccount.schema).field("kind", .string, .required, .sql(.default("clinician"))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(UserAccount.schema).deleteField("kind").update()
    }
}
