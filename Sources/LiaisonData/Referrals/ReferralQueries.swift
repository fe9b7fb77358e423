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
        let organisation = try await referral.$recipientOrganisation.id.asyncFlatMap { try await Organisation.find($0, on: db) }
        referral.$recipientOrganisation.value = .some(organisation)
        return referral
    }
}

/// A row lock for a change on PostgreSQL, where rows are locked explicitly; nothing on SQLite,
/// whose single writer already serialises every writing transaction. `NO KEY UPDATE`: the row is
/// changed but not its key, so rows that merely refer to it (notes, reminders) can still be added.
func forUpdate(_ db: any Database) -> SQLQueryString {
    db.locksRows ? " FOR NO KEY UPDATE" : ""
}

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
