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

    /// A patient's referrals for their record, newest first, with the names the page shows: one
    /// query, whatever their number.
    public static func summaries(ofPatient patientID: UUID, limit: Int = 50, on db: any Database) async throws -> [PatientReferralRow] {
        try await db.sql.rows(PatientReferralRow.self, """
            SELECT r.id, r.state, r.referrer_id, r.recipient_id, r.recipient_organisation_id, r.created_at, r.sent_at, r.first_appointment_at,
                   f.display_name AS referrer_name, t.display_name AS recipient_name, o.name AS organisation_name
            FROM referrals r JOIN users f ON f.id = r.referrer_id LEFT JOIN users t ON t.id = r.recipient_id
            LEFT JOIN organisations o ON o.id = r.recipient_organisation_id
            WHERE r.patient_id = \(bind: patientID) ORDER BY r.created_at DESC LIMIT \(literal: limit)
            """)
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

/// One of a patient's referrals as their record lists it.
public struct PatientReferralRow: Decodable, Sendable, Equatable {
    public let id: UUID
    public let state: String
    public let referrerID: UUID
    public let recipientID: UUID?
    public let recipientOrganisationID: UUID?
    public let createdAt: Date
    public let sentAt: Date?
    public let firstAppointmentAt: Date?
    public let referrerName: String
    public let recipientName: String?
    public let organisationName: String?

    /// The columns, named once here rather than converted at every row.
    private enum CodingKeys: String, CodingKey {
        case id, state, referrerID = "referrer_id", recipientID = "recipient_id", recipientOrganisationID = "recipient_organisation_id"
        case createdAt = "created_at", sentAt = "sent_at", firstAppointmentAt = "first_appointment_at"
        case referrerName = "referrer_name", recipientName = "recipient_name", organisationName = "organisation_name"
    }

    public var referralState: ReferralState { ReferralState(rawValue: state) ?? .draft }
}
