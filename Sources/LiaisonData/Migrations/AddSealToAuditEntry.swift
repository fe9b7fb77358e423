import FluentKit

/// Room for each audit entry's seal, an HMAC with the operator's `LIAISON_AUDIT_KEY` (see `AuditKey`).
struct AddSealToAuditEntry: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEntry.schema).field("seal", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEntry.schema).deleteField("seal").update()
    }
}
