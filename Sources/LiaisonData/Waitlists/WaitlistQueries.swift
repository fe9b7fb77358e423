import FluentKit
import Foundation
import LiaisonCore
import SQLKit

/// One entry of a waiting list, with what ordering and the pages need.
public struct WaitlistRow: Decodable, Sendable, Equatable {
    public let id: UUID
    public let patientID: UUID
    /// The clinician whose list it is, or (intake lists) who offered the opening; nil while an
    /// intake entry waits.
    public let clinicianID: UUID?
    /// Set on an organisation's intake list.
    public let organisationID: UUID?
    public let service: String
    public let urgency: String
    public let status: String
    public let addedAt: Date
    public let offeredAt: Date?
    public let offerExpiresAt: Date?
    public let requestedBy: UUID
    public let givenName: String
    public let familyName: String
    public let clinicianName: String?
    public let organisationName: String?
    /// A prescriber is on the patient's care team now.
    public let patientHasPsychiatrist: Bool

    private enum CodingKeys: String, CodingKey {
        case id, patientID = "patient_id", clinicianID = "clinician_id", organisationID = "organisation_id", service, urgency, status, addedAt = "added_at", offeredAt = "offered_at"
        case offerExpiresAt = "offer_expires_at", requestedBy = "requested_by", givenName = "given_name", familyName = "family_name"
        case clinicianName = "clinician_name", organisationName = "organisation_name", patientHasPsychiatrist = "has_psychiatrist"
    }

    /// The list's name as people say it: "Dr. Okafor", or "Riverside Clinic intake".
    public var listName: String {
        if let organisationName { return "\(organisationName) intake" }
        return clinicianName ?? "a clinician"
    }

    public var isIntake: Bool { organisationID != nil }

    public var place: WaitlistOrder.Place {
        WaitlistOrder.Place(id: id, urgency: Urgency(rawValue: urgency) ?? .routine, addedAt: addedAt, patientHasPsychiatrist: patientHasPsychiatrist)
    }
}

/// A list (clinician and service) with openings not yet offered to anyone and people waiting.
public struct ListWithRoom: Decodable, Sendable, Equatable {
    public let clinicianID: UUID
    public let service: String

    private enum CodingKeys: String, CodingKey {
        case clinicianID = "clinician_id", service
    }
}

/// Every hand-written statement about waiting lists.
public enum WaitlistQueries {
    private static func columns(at now: Date) -> SQLQueryString {
        """
        w.id, w.patient_id, w.clinician_id, w.organisation_id, w.service, w.urgency, w.status, w.added_at, w.offered_at, w.offer_expires_at,
        w.requested_by, pt.given_name, pt.family_name, u.display_name AS clinician_name, o.name AS organisation_name,
        EXISTS (SELECT 1 FROM care_team_members c WHERE c.patient_id = w.patient_id AND c.role = 'prescriber'
                AND c.started_at <= \(bind: now) AND (c.ended_at IS NULL OR c.ended_at > \(bind: now))) AS has_psychiatrist
        FROM waitlist_entries w JOIN patients pt ON pt.id = w.patient_id LEFT JOIN users u ON u.id = w.clinician_id
        LEFT JOIN organisations o ON o.id = w.organisation_id
        """
    }

    /// Who a clinician's next opening for a service may go to, in no particular order
    /// (`WaitlistOrder` orders): their own list, the intake lists of their organisations, and the
    /// offers they hold out now.
    public static func queue(of clinician: UUID, service: String, at now: Date, on db: any Database) async throws -> [WaitlistRow] {
        try await db.sql.rows(WaitlistRow.self, """
            SELECT \(columns(at: now))
            WHERE w.service = \(bind: service) AND w.status IN ('waiting', 'offered') AND (w.clinician_id = \(bind: clinician)
                OR (w.clinician_id IS NULL AND w.organisation_id IN (SELECT m.organisation_id FROM memberships m WHERE m.user_id = \(bind: clinician))))
            """)
    }

    /// Every queue a clinician has people in now, all services.
    public static func queues(of clinician: UUID, at now: Date, on db: any Database) async throws -> [WaitlistRow] {
        try await db.sql.rows(WaitlistRow.self, """
            SELECT \(columns(at: now))
            WHERE w.status IN ('waiting', 'offered') AND (w.clinician_id = \(bind: clinician)
                OR (w.clinician_id IS NULL AND w.organisation_id IN (SELECT m.organisation_id FROM memberships m WHERE m.user_id = \(bind: clinician))))
            """)
    }

    /// The people on an organisation's intake list for a service now.
    public static func intake(of organisationID: UUID, service: String, at now: Date, on db: any Database) async throws -> [WaitlistRow] {
        try await db.sql.rows(WaitlistRow.self, """
            SELECT \(columns(at: now))
            WHERE w.organisation_id = \(bind: organisationID) AND w.service = \(bind: service) AND w.status IN ('waiting', 'offered')
            """)
    }

    /// Every list of the organisation's clinicians, open entries only.
    public static func openEntries(ofOrganisation organisationID: UUID, at now: Date, on db: any Database) async throws -> [WaitlistRow] {
        try await db.sql.rows(WaitlistRow.self, """
            SELECT \(columns(at: now))
            WHERE w.status IN ('waiting', 'offered') AND (w.organisation_id = \(bind: organisationID)
              OR (w.organisation_id IS NULL AND w.clinician_id IN (SELECT m.user_id FROM memberships m WHERE m.organisation_id = \(bind: organisationID))))
            """)
    }

    /// How long people waited on the organisation's clinicians' lists before accepting an
    /// opening, for those who accepted since `since`: the service and the days waited.
    public static func acceptedWaits(ofOrganisation organisationID: UUID, since: Date, on db: any Database) async throws -> [(service: String, days: Double)] {
        try await db.sql.rows(WaitRow.self, """
            SELECT service, added_at, closed_at FROM waitlist_entries
            WHERE status = 'accepted' AND closed_at >= \(bind: since) AND (organisation_id = \(bind: organisationID)
              OR clinician_id IN (SELECT m.user_id FROM memberships m WHERE m.organisation_id = \(bind: organisationID)))
            """).map { ($0.service, $0.closedAt.timeIntervalSince($0.addedAt) / 86400) }
    }

    private struct WaitRow: Decodable {
        let service: String
        let addedAt: Date
        let closedAt: Date

        private enum CodingKeys: String, CodingKey {
            case service, addedAt = "added_at", closedAt = "closed_at"
        }
    }

    /// A patient's entries on every list, newest first.
    public static func entries(ofPatient patientID: UUID, at now: Date, on db: any Database) async throws -> [WaitlistRow] {
        try await db.sql.rows(WaitlistRow.self, "SELECT \(columns(at: now)) WHERE w.patient_id = \(bind: patientID) ORDER BY w.added_at DESC")
    }

    public static func entry(_ id: UUID, at now: Date, on db: any Database) async throws -> WaitlistRow? {
        try await db.sql.row(WaitlistRow.self, "SELECT \(columns(at: now)) WHERE w.id = \(bind: id)")
    }

    /// Moves an entry from one of `from` to `to` in one statement; false if it had moved already
    /// (another request, another server, the sweep).
    /// An intake entry offered an opening takes the offering clinician (`assignTo`); one back on an
    /// intake list waits for anyone again.
    public static func move(
        _ id: UUID, from: [WaitlistStatus], to: WaitlistStatus, at now: Date, offerExpiresAt: Date? = nil, reason: String? = nil,
        assignTo clinician: UUID? = nil, on db: any Database
    ) async throws -> Bool {
        let closes = !to.isOpen
        let assignment: SQLQueryString = switch to {
        case .offered: "clinician_id = COALESCE(\(bind: clinician), clinician_id),"
        case .waiting: "clinician_id = CASE WHEN organisation_id IS NOT NULL THEN NULL ELSE clinician_id END,"
        default: ""
        }
        return try await db.sql.raw("""
            UPDATE waitlist_entries SET \(assignment) status = \(bind: to.rawValue),
                offered_at = \(bind: to == .offered ? now : nil), offer_expires_at = \(bind: to == .offered ? offerExpiresAt : nil),
                closed_at = \(bind: closes ? now : nil), closed_reason = \(bind: closes ? reason : nil)
            WHERE id = \(bind: id) AND status IN (\(binds: from.map(\.rawValue))) RETURNING id
            """).first() != nil
    }

    /// Takes one of a clinician's openings for a service; false if none is left. Never below zero.
    public static func claimOpening(clinician: UUID, service: String, on db: any Database) async throws -> Bool {
        let taken = try await db.sql.raw("""
            UPDATE service_openings SET openings = openings - 1
            WHERE service = \(bind: service) AND openings > 0 AND profile_id = (SELECT id FROM profiles WHERE user_id = \(bind: clinician))
            RETURNING openings
            """).first() != nil
        if taken {
            try await db.sql.raw("UPDATE profiles SET total_openings = total_openings - 1 WHERE user_id = \(bind: clinician) AND total_openings > 0").run()
        }
        return taken
    }

    /// When care ends, the openings a patient took from a clinician's lists come back, once each.
    public static func returnOpenings(patient patientID: UUID, clinician: UUID, at now: Date, on db: any Database) async throws {
        let services = try await db.sql.raw("""
            UPDATE waitlist_entries SET closed_reason = 'care ended'
            WHERE patient_id = \(bind: patientID) AND clinician_id = \(bind: clinician) AND status = 'accepted'
              AND (closed_reason IS NULL OR closed_reason <> 'care ended')
            RETURNING service
            """).all(decodingColumn: "service", as: String.self)
        for service in services {
            try await db.sql.raw("""
                UPDATE service_openings SET openings = openings + 1
                WHERE service = \(bind: service) AND profile_id = (SELECT id FROM profiles WHERE user_id = \(bind: clinician))
                """).run()
            try await db.sql.raw("UPDATE profiles SET total_openings = total_openings + 1 WHERE user_id = \(bind: clinician)").run()
        }
    }

    /// A clinician's openings for a service, locked for the rest of the transaction on PostgreSQL
    /// so two servers making offers for the same list take turns.
    public static func lockOpenings(clinician: UUID, service: String, on db: any Database) async throws -> Int {
        try await db.sql.raw("""
            SELECT s.openings FROM service_openings s JOIN profiles p ON p.id = s.profile_id
            WHERE p.user_id = \(bind: clinician) AND s.service = \(bind: service)\(forUpdate(db))
            """).first(decodingColumn: "openings", as: Int.self) ?? 0
    }

    /// Whether the clinician gives scarce openings first to people without a psychiatrist.
    public static func prioritisesWithoutPsychiatrist(_ clinician: UUID, on db: any Database) async throws -> Bool {
        try await db.sql.raw("SELECT prioritises_without_psychiatrist FROM profiles WHERE user_id = \(bind: clinician)")
            .first(decodingColumn: "prioritises_without_psychiatrist", as: Bool.self) ?? false
    }

    /// Clinicians with more openings than offers out and someone waiting for them, on their own
    /// list or an intake list of their organisations (one clinician's, if given).
    public static func listsWithRoom(of clinician: UUID? = nil, on db: any Database) async throws -> [ListWithRoom] {
        let only: SQLQueryString = clinician.map { " AND p.user_id = \(bind: $0)" } ?? ""
        return try await db.sql.rows(ListWithRoom.self, """
            SELECT p.user_id AS clinician_id, s.service FROM service_openings s JOIN profiles p ON p.id = s.profile_id
            WHERE s.openings > (SELECT COUNT(*) FROM waitlist_entries o WHERE o.clinician_id = p.user_id AND o.service = s.service AND o.status = 'offered')
              AND EXISTS (SELECT 1 FROM waitlist_entries w WHERE w.service = s.service AND w.status = 'waiting' AND (w.clinician_id = p.user_id
                  OR (w.clinician_id IS NULL AND w.organisation_id IN (SELECT m.organisation_id FROM memberships m WHERE m.user_id = p.user_id))))\(only)
            """)
    }

    /// Offers whose deadline has passed.
    public static func lapsedOffers(at now: Date, on db: any Database) async throws -> [WaitlistRow] {
        try await db.sql.rows(WaitlistRow.self, """
            SELECT \(columns(at: now)) WHERE w.status = 'offered' AND w.offer_expires_at <= \(bind: now)
            """)
    }

    /// People who left a list for care (accepted an offer) since `since`: the list's pace.
    /// An intake list's pace counts the openings its organisation's members gave from it.
    public static func accepted(clinician: UUID?, organisation: UUID?, service: String, since: Date, on db: any Database) async throws -> Int {
        let list: SQLQueryString = if let organisation { "organisation_id = \(bind: organisation)" } else { "clinician_id = \(bind: clinician) AND organisation_id IS NULL" }
        return try await db.sql.raw("""
            SELECT COUNT(*) AS n FROM waitlist_entries
            WHERE \(list) AND service = \(bind: service) AND status = 'accepted' AND closed_at >= \(bind: since)
            """).first(decodingColumn: "n", as: Int.self) ?? 0
    }
}
