import FluentKit
import LiaisonCore
import SQLKit

/// The audit trail, its chain head, and triggers that make the trail append-only in the database
/// itself, so even a bug or a stray SQL session in the application cannot edit history.
struct CreateAuditEntry: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEntry.schema)
            .id()
            .field("sequence", .int64, .required)
            .field("occurred_at_ms", .int64, .required)
            .field("actor_id", .uuid)
            .field("action", .string, .required)
            .field("patient_id", .uuid)
            .field("subject", .string, .required)
            .field("purpose", .string, .required)
            .field("request_id", .string, .required)
            .field("previous_hash", .string, .required)
            .field("hash", .string, .required)
            .unique(on: "sequence")
            .create()
        try await database.index("audit_by_patient", on: AuditEntry.schema, columns: "patient_id", "sequence")
        try await database.schema(AuditChainHead.schema)
            .field("id", .int, .identifier(auto: false))
            .field("sequence", .int64, .required)
            .field("hash", .string, .required)
            .create()
        try await AuditChainHead(id: 1, sequence: 0, hash: AuditChain.genesis).create(on: database)

        let sql = database as! any SQLDatabase
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'audit_entries is append-only'; END $$
                """).run()
            try await sql.raw("CREATE TRIGGER audit_entries_no_update BEFORE UPDATE OR DELETE ON audit_entries FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()").run()
        } else {
            try await sql.raw("CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END").run()
            try await sql.raw("CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries BEGIN SELECT RAISE(ABORT, 'audit_entries is append-only'); END").run()
        }
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditChainHead.schema).delete()
        try await database.schema(AuditEntry.schema).delete()
    }
}
