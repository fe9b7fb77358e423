import FluentKit
import SQLKit

/// The last line of defence behind the row locks: at most one active responsible prescriber per
/// patient, and one acknowledgement note per referral, whatever several servers do at once.
struct AddOneAtATimeConstraints: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.raw("""
            CREATE UNIQUE INDEX one_responsible_prescriber ON care_team_members (patient_id) WHERE responsible AND ended_at IS NULL
            """).run()
        try await database.sql.raw("""
            CREATE UNIQUE INDEX one_acknowledgement_per_referral ON referral_notes (referral_id) WHERE kind = 'acknowledgement'
            """).run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.raw("DROP INDEX one_responsible_prescriber").run()
        try await database.sql.raw("DROP INDEX one_acknowledgement_per_referral").run()
    }
}
