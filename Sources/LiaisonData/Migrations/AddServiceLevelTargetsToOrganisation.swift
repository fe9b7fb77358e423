import FluentKit

/// Each organisation's targets for closing referral loops, defaulting to the product's standard.
struct AddServiceLevelTargetsToOrganisation: AsyncMigration {
    static let columns: [(String, Int)] = [
        ("ack_routine_days", 3), ("ack_urgent_days", 1), ("ack_emergent_days", 0),
        ("closing_note_days", 14), ("escalation_days", 2), ("expiry_days", 30),
    ]

    func prepare(on database: any Database) async throws {
        for (column, value) in Self.columns {
            try await database.schema(Organisation.schema).field(.definition(name: .key(.string(column)), dataType: .int, constraints: [.required, .sql(.default(value))])).update()
        }
    }

    func revert(on database: any Database) async throws {
        for (column, _) in Self.columns {
            try await database.schema(Organisation.schema).deleteField(.string(column)).update()
        }
    }
}
