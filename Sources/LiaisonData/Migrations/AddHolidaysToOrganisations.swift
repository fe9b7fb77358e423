import FluentKit

/// Each organisation's public holidays, which due dates counted in business days skip.
struct AddHolidaysToOrganisations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Organisation.schema).field("holidays", .string, .required, .sql(.default(""))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Organisation.schema).deleteField("holidays").update()
    }
}
