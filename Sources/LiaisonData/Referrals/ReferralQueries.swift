import LiaisonCore
import FluentKit
import Foundation
import SQLKit

/// The referral statements that are not lists: the row a step changes, locked first.
public enum ReferralQueries {
    private struct Involved: Decodable {
        let referralID: UUID
        let organisationID: UUID

        enum CodingKeys: String, CodingKey {
            case referralID = "referral_id", organisationID = "organisation_id"
        }
    }

    /// A patient's referrals once sent (drafts are the team's), newest first, with the recipient
    /// and organisation loaded: what the patient's portal shows.
    public static func sent(toPatient patientID: UUID, on db: any Database) async throws -> [Referral] {
        try await Referral.query(on: db).filter(\.$patient.$id == patientID).filter(\.$state != ReferralState.draft.rawValue)
            .with(\.$recipient).with(\.$recipientOrganisation).sort(\.$createdAt, .descending).limit(50).all()
    }

    /// Every referral made for a patient, drafts included, newest first, with both ends loaded:
    /// what the patient's team record lists.
    public static func all(ofPatient patientID: UUID, limit: Int = 100, on db: any Database) async throws -> [Referral] {
        try await Referral.query(on: db).filter(\.$patient.$id == patientID)
            .with(\.$referrer).with(\.$recipient).with(\.$recipientOrganisation).sort(\.$createdAt, .descending).limit(limit).all()
    }

    /// The organisations each referral concerns: the one it was addressed to, and those of the
    /// clinicians at both ends. Their webhook endpoints hear about its steps.
    public static func organisationsInvolved(in ids: [UUID], on db: any Database) async throws -> [UUID: Set<UUID>] {
        guard !ids.isEmpty else { return [:] }
        let list = SQLList(ids.map { SQLBind($0) })
        let rows = try await db.sql.rows(Involved.self, """
            SELECT id AS referral_id, recipient_organisation_id AS organisation_id FROM referrals
            WHERE id IN (\(list)) AND recipient_organisation_id IS NOT NULL
            UNION
            SELECT r.id AS referral_id, m.organisation_id FROM referrals r
            JOIN memberships m ON m.user_id = r.referrer_id OR m.user_id = r.recipient_id
            WHERE r.id IN (\(list))
            """)
        return Dictionary(grouping: rows, by: \.referralID).mapValues { Set($0.map(\.organisationID)) }
    }

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
