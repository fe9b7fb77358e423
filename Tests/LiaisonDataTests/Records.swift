import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import LiaisonTestSupport

/// Rows written straight through the models, so each query is tested on data it did not write.
struct Records {
    let database: LiaisonDatabase
    var db: any Database { database.db() }
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    func organisation(_ name: String = "Riverside Clinic") async throws -> Organisation {
        let organisation = Organisation(
            settings: OrganisationSettings(name: name, kind: .communityClinic, timeZone: TimeZone(identifier: "America/New_York")!, businessDays: Weekday.mondayToFriday),
            createdAt: Self.now)
        try await organisation.create(on: db)
        return organisation
    }

    func person(_ email: String, name: String = "Test Person", in organisation: Organisation? = nil, role: MembershipRole = .clinician, kind: String = UserAccount.clinicianKind) async throws -> UserAccount {
        let user = UserAccount(email: email, displayName: name, passwordHash: "not a hash", kind: kind, createdAt: Self.now)
        try await user.create(on: db)
        if let organisation {
            try await Membership(userID: user.id!, organisationID: organisation.id!, role: role, createdAt: Self.now).create(on: db)
        }
        return user
    }

    func patient(_ given: String = "Sam", _ family: String = "Rivera", registeredBy user: UserAccount) async throws -> Patient {
        let details = try PatientDraft(givenName: given, familyName: family, dateOfBirth: "1990-04-12").validated(today: DateOnly("2026-01-01")!)
        let patient = Patient(details: details, registeredBy: user.id!, organisationID: nil, createdAt: Self.now)
        try await patient.create(on: db)
        return patient
    }

    @discardableResult
    func member(_ user: UserAccount, of patient: Patient, role: CareTeamRole = .therapist, responsible: Bool = false, since: Date = now, ended: Date? = nil) async throws -> CareTeamMember {
        let member = CareTeamMember(patientID: patient.id!, userID: user.id!, role: role, responsible: responsible, startedAt: since, addedBy: user.id!)
        member.endedAt = ended
        try await member.create(on: db)
        return member
    }

    func profile(for user: UserAccount, _ profile: ClinicianProfile) async throws -> Profile {
        let row = Profile(userID: user.id!)
        row.apply(profile, updatedAt: Self.now)
        try await row.create(on: db)
        for (service, openings) in profile.openings {
            try await ServiceOpening(profileID: row.id!, service: service.rawValue, openings: openings).create(on: db)
        }
        return row
    }

    /// A referral in `state`, with the due dates the worklists and sweep read.
    func referral(
        _ patient: Patient, from referrer: UserAccount, to recipient: UserAccount?, intake: Organisation? = nil, state: ReferralState = .sent,
        due: Date? = nil, closingDue: Date? = nil, escalate: Date? = nil, expires: Date? = nil, discharged: Date? = nil
    ) async throws -> Referral {
        let referral = Referral(
            patientID: patient.id!, referrerID: referrer.id!, recipientID: recipient?.id, recipientOrganisationID: intake?.id, urgency: .routine,
            letter: "{}", createdAt: Self.now)
        referral.state = state.rawValue
        referral.sentAt = state == .draft ? nil : Self.now
        referral.acknowledgementDueAt = due
        referral.closingDueAt = closingDue
        referral.escalateAt = escalate
        referral.expiresAt = expires
        referral.dischargedAt = discharged
        try await referral.create(on: db)
        return referral
    }
}

/// Runs `body` on a new migrated database (a SQLite file, or PostgreSQL in CI's second pass).
func withRecords(_ body: (Records) async throws -> Void) async throws {
    try await TestDatabase.withMigrated { database in try await body(Records(database: database)) }
}
