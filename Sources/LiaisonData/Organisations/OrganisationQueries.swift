import FluentKit
import Foundation
import LiaisonCore
import SQLKit

/// Who belongs to organisations, as the loop's messages need it.
public enum OrganisationQueries {
    /// The organisation, locked until the transaction ends: a change that reads a setting and
    /// writes it back (its holidays) takes turns with any other.
    public static func lockForChange(_ id: UUID, on db: any Database) async throws -> Organisation? {
        try await db.sql.models(Organisation.self, "SELECT * FROM organisations WHERE id = \(bind: id)\(forUpdate(db))").first
    }

    /// Everyone in the organisation (its intake answers referrals addressed to it).
    public static func members(of organisationID: UUID, on db: any Database) async throws -> [UserAccount] {
        try await Membership.query(on: db).filter(\.$organisation.$id == organisationID).with(\.$user).all().map(\.user)
    }

    /// Each organisation's administrators.
    public static func administrators(of organisations: [UUID], on db: any Database) async throws -> [UUID: [UserAccount]] {
        guard !organisations.isEmpty else { return [:] }
        let memberships = try await Membership.query(on: db).filter(\.$organisation.$id ~~ Array(Set(organisations)))
            .filter(\.$role == MembershipRole.administrator.rawValue).with(\.$user).all()
        return Dictionary(grouping: memberships, by: \.$organisation.id).mapValues { $0.map(\.user) }
    }

    /// Whether any of these organisations lets only clinicians with a licence recorded use emergency access.
    public static func requireLicenceForEmergencyAccess(anyOf organisations: [UUID], on db: any Database) async throws -> Bool {
        guard !organisations.isEmpty else { return false }
        return try await Organisation.query(on: db).filter(\.$id ~~ organisations).filter(\.$emergencyNeedsLicence == true).count() > 0
    }

    /// The organisation a clinician joined first; its calendar and targets apply to referrals to them.
    public static func firstOrganisation(of userID: UUID, on db: any Database) async throws -> Organisation? {
        try await Membership.query(on: db).filter(\.$user.$id == userID).sort(\.$createdAt).with(\.$organisation).first()?.organisation
    }

    /// The organisation whose settings apply to a patient's care: the responsible prescriber's,
    /// else the longest-serving active member's.
    public static func leadOrganisation(of team: [CareTeamMember], at now: Date, on db: any Database) async throws -> Organisation? {
        let active = team.filter { $0.membership.isActive(at: now) }
        guard let lead = active.first(where: \.isResponsiblePrescriber) ?? active.first else { return nil }
        return try await firstOrganisation(of: lead.$user.id, on: db)
    }

    /// Each person's first organisation, once each: whose administrators hear of a team's lapse.
    public static func firstOrganisations(of userIDs: [UUID], on db: any Database) async throws -> [UUID] {
        var organisations = Set<UUID>()
        for userID in Set(userIDs) { if let id = try await firstOrganisation(of: userID, on: db)?.id { organisations.insert(id) } }
        return Array(organisations)
    }
}
