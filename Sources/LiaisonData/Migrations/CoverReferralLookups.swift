import FluentKit

/// Indexes that hold every column the worklists and the sweep read to choose referrals, so the
/// choosing never touches the table: only the lines shown, or the referrals acted on, are fetched.
struct CoverReferralLookups: AsyncMigration {
    /// (name, columns) of the indexes this replaces, to restore them on revert.
    private static let replaced = [
        ("referrals_by_recipient", ["recipient_id", "state", "acknowledgement_due_at"]),
        ("referrals_by_intake", ["recipient_organisation_id", "state", "acknowledgement_due_at"]),
        ("referrals_by_referrer", ["referrer_id", "state", "acknowledgement_due_at"]),
        ("referrals_by_due", ["state", "acknowledgement_due_at"]),
    ]

    private static let covering = [
        // What a clinician owes: acknowledgements and closing summaries.
        ("referrals_owed", ["recipient_id", "state", "acknowledgement_due_at", "closing_due_at", "discharged_at", "id"]),
        // An organisation's unclaimed intake, and its administrators' overdue list.
        ("referrals_intake", ["recipient_organisation_id", "state", "acknowledgement_due_at", "recipient_id", "id"]),
        // What a referrer is waiting to hear about.
        ("referrals_waiting", ["referrer_id", "state", "acknowledgement_due_at", "closing_due_at", "id"]),
        // The sweep's four questions.
        ("referrals_sweep_due", ["state", "acknowledgement_due_at", "id"]),
        ("referrals_sweep_escalation", ["state", "escalate_at", "id"]),
        ("referrals_sweep_expiry", ["state", "expires_at", "id"]),
        ("referrals_sweep_closing", ["state", "closing_due_at", "id"]),
    ]

    func prepare(on database: any Database) async throws {
        try await Self.drop(Self.replaced, on: database)
        try await Self.create(Self.covering, on: database)
    }

    func revert(on database: any Database) async throws {
        try await Self.drop(Self.covering, on: database)
        try await Self.create(Self.replaced, on: database)
    }

    private static func drop(_ indexes: [(String, [String])], on database: any Database) async throws {
        for (name, _) in indexes {
            try await database.dropIndex(name)
        }
    }

    private static func create(_ indexes: [(String, [String])], on database: any Database) async throws {
        for (name, columns) in indexes {
            try await database.index(name, on: Referral.schema, columns: columns)
        }
    }
}
