import FluentKit
import Foundation
import SQLKit

/// The referral statements that are not lists: the row a step changes, locked first.
public enum ReferralQueries {
    /// The referral, locked until the transaction ends (`FOR NO KEY UPDATE` on PostgreSQL; SQLite has
    /// one writer), with its receiving organisation loaded. Every step of the loop takes it this way
    /// before consulting the state machine, so two steps at once on two servers take turns.
    public static func lockForChange(_ id: UUID, on db: any Database) async throws -> Referral? {
        guard let referral = try await db.sql.models(Referral.self, "SELECT * FROM referrals WHERE id = \(bind: id)\(forUpdate(db))").first else {
            return nil
        }
        var organisation: Organisation?
        if let organisationID = referral.$recipientOrganisation.id { organisation = try await Organisation.find(organisationID, on: db) }
        referral.$recipientOrganisation.value = .some(organisation)
        return referral
    }
}
