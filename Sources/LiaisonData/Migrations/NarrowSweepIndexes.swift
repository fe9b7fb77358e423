import FluentKit
import SQLKit

/// The sweep's indexes hold only the referrals it may act on: those awaiting an answer, and those
/// in care (for closing summaries), a fifth of all referrals in steady state. Expiring or accepting
/// a referral then removes it from them instead of moving it within indexes over every referral
/// ever sent, and the sweep's scans read less. Queries use them by naming the same states the same
/// way (`SweepQueries`).
struct NarrowSweepIndexes: AsyncMigration {
    private static let awaiting = "state IN ('sent', 'received')"

    private static let partial = [
        ("referrals_sweep_due", "acknowledgement_due_at, id", awaiting),
        ("referrals_sweep_escalation", "escalate_at, id", awaiting),
        ("referrals_sweep_expiry", "expires_at, id", awaiting),
        ("referrals_sweep_closing", "closing_due_at, id", "state = 'in-care'"),
    ]

    /// The indexes of `CoverReferralLookups` this replaces, to restore them on revert.
    private static let replaced = [
        ("referrals_sweep_due", ["state", "acknowledgement_due_at", "id"]),
        ("referrals_sweep_escalation", ["state", "escalate_at", "id"]),
        ("referrals_sweep_expiry", ["state", "expires_at", "id"]),
        ("referrals_sweep_closing", ["state", "closing_due_at", "id"]),
    ]

    func prepare(on database: any Database) async throws {
        for (name, columns, condition) in Self.partial {
            try await database.dropIndex(name)
            try await database.sql.raw("CREATE INDEX \(unsafeRaw: name) ON referrals (\(unsafeRaw: columns)) WHERE \(unsafeRaw: condition)").run()
        }
    }

    func revert(on database: any Database) async throws {
        for (name, columns) in Self.replaced {
            try await database.dropIndex(name)
            try await database.index(name, on: Referral.schema, columns: columns)
        }
    }
}
