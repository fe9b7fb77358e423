import FluentKit
import SQLKit

/// Refused attempts at a patient's record are few among millions of audit entries; a partial
/// index finds them at once for the administrators' report and `liaison audit verify`.
struct IndexRefusedAccess: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.raw("CREATE INDEX audit_refusals ON audit_entries (sequence) WHERE action = 'access.refused'").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX audit_refusals").run()
    }
}
