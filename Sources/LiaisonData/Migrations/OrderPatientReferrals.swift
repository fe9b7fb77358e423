import FluentKit

/// A patient's referrals newest first, as their record lists them: the index that found them by
/// patient now also keeps them in order, so the newest fifty are read without sorting them all.
struct OrderPatientReferrals: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.dropIndex("referrals_by_patient")
        try await database.index("referrals_by_patient", on: Referral.schema, columns: "patient_id", "created_at")
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("referrals_by_patient")
        try await database.index("referrals_by_patient", on: Referral.schema, columns: "patient_id")
    }
}
