import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// The patient's portal: invited by a team member, the patient sees their care team, how to reach
/// each member, and who has looked at their record.
struct PortalService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let hasher: PasswordHasher
    let outbox: Outbox
    let access: PatientAccessService
    let auditor: Auditor
    let patients: PatientService
    let timeline: Timeline
    let baseURL: String

    /// Links to choose a portal password stay valid a week, like invitations.
    static let setupLinkLifetime = TokenLifetime.invitation

    /// Creates the patient's account and emails a link to choose a password.
    func invite(_ patientID: UUID, email rawEmail: String?, by caller: Caller) async throws {
        var check = FieldChecker()
        let text = check.text(rawEmail, field: "email", label: "Patient's email", required: true, maxLength: 254)
        let email = EmailAddress(text)
        if !text.isEmpty, email == nil { check.errors.add("email", "\"\(text.prefix(60))\" is not an email address.") }
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        let unusable = try await hasher.hash(SecretToken.generate())
        let token = SecretToken.generate()
        let now = clock.now()
        try await database.write { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .write, on: db)
            let patient = authorized.patient
            if patient.portalUserID != nil { throw AppError.conflict("This patient already has a portal account.") }
            if try await UserAccount.query(on: db).filter(\.$email == email!.value).first() != nil {
                throw AppError.invalid({ var e = ValidationErrors(); e.add("email", "\(email!) already has a Liaison account; use another address."); return e }())
            }
            let user = UserAccount(email: email!.value, displayName: "\(patient.givenName) \(patient.familyName)", passwordHash: unusable, kind: UserAccount.patientKind, createdAt: now)
            try await user.create(on: db)
            patient.portalUserID = try user.requireID()
            try await patient.save(on: db)
            try await PasswordReset(userID: user.requireID(), tokenHash: SecretToken.digest(token), createdAt: now, expiresAt: now.addingTimeInterval(Self.setupLinkLifetime)).create(on: db)
            try await outbox.email(
                to: email!.value, subject: "Your care team invites you to Liaison",
                body: """
                Hello \(patient.givenName),
                \(caller.identity.displayName) invites you to Liaison, where you can see your care team, how to reach them, and who has looked at your record.
                Choose your password within 7 days: \(baseURL)\(SiteURL.resetPassword(token: token).path)
                """, secret: true, on: db)
            try await timeline.record(.portalInvited, "\(caller.identity.displayName) invited the patient to the portal.", patient: patientID, by: caller, on: db)
            try await auditor.record(.portalInvite, patient: patientID, subject: "portal-user:\(user.id!)", by: caller, on: db)
        }
    }

    struct Overview: Sendable {
        let patient: Patient
        let team: [(member: CareTeamMember, profile: ClinicianProfile?)]
        let consent: ConsentSettings
        /// Their referrals once sent, newest first.
        let referrals: [Referral]
    }

    /// The signed-in patient's own record summary.
    func overview(by caller: Caller) async throws -> Overview {
        try await database.write { db in
            guard let patient = try await Patient.query(on: db).filter(\.$portalUserID == caller.userID).first() else { throw AppError.notFound }
            let patientID = try patient.requireID()
            let authorized = try await access.authorize(patientID, for: caller, need: .anyAccess, on: db)
            let now = clock.now()
            let active = authorized.team.filter { $0.membership.isActive(at: now) }
            let userIDs = active.map { $0.$user.id }
            let profiles = try await Profile.query(on: db).filter(\.$user.$id ~~ userIDs).with(\.$openings).all()
            let byUser = Dictionary(uniqueKeysWithValues: profiles.map { ($0.$user.id, $0) })
            let team = active.map { member in
                (member: member, profile: byUser[member.$user.id].map { $0.clinicianProfile(displayName: member.user.displayName, openings: $0.openings) })
            }
            try await auditor.record(.portalRead, patient: patientID, subject: "portal:\(patientID)", purpose: "patient access", by: caller, on: db)
            return Overview(
                patient: patient, team: team, consent: try await patients.consentSettings(patientID, on: db),
                referrals: try await ReferralQueries.sent(toPatient: patientID, on: db))
        }
    }
}
