import FluentKit
import SQLKit

/// Whether an organisation lets only its clinicians with a licence recorded use emergency access.
struct AddEmergencyLicenceRuleToOrganisation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Organisation.schema)
            .field("emergency_needs_licence", .bool, .required, .sql(.default(false)))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Organisation.schema).deleteField("emergency_needs_licence").update()
    }
}
