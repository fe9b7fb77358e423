import FluentKit
import SQLKit

/// On PostgreSQL `TRUNCATE` empties a table without firing row triggers, so the append-only
/// triggers alone would not stop it; a statement trigger does. (SQLite has no TRUNCATE; its
/// `DELETE` is refused row by row.)
struct RefuseTruncatingAuditEntries: AsyncMigration {
    func prepare(on database: any Database) async throws {
        guard database.locksRows else { return }
        try await database.sql.raw("""
            CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()
            """).run()
        try await database.sql.raw("""
            CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()
            """).run()
    }

    func revert(on database: any Database) async throws {
        guard database.locksRows else { return }
        try await database.sql.raw("DROP TRIGGER audit_entries_no_truncate ON audit_entries").run()
        try await database.sql.raw("DROP TRIGGER audit_chain_head_no_truncate ON audit_chain_head").run()
    }
}
