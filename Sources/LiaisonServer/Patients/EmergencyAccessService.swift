import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// "Break the glass": a clinician outside the team finds a patient by exact name and date of
/// birth, states why, confirms it is them with a two-factor code, and gets read access for a few
/// hours. The team is told at once.
struct EmergencyAccessService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let auditor: Auditor
    let notifier: Notifier
    let timeline: Timeline
    let twoFactor: TwoFactorService

    /// Who is being looked for and why; the same from the form and the API.
    struct Request: Decodable, Sendable {
        var givenName: String?
        var familyName: String?
        var dateOfBirth: String?
        var reason: String?
        /// A current code from the person's authenticator app, or a recovery code.
        var code: String?
    }

    enum Outcome {
        /// Access granted to these patients (usually one).
        case granted([Patient])
        case noMatch
    }

    func breakGlass(_ request: Request, by caller: Caller) async throws -> Outcome {
        var check = FieldChecker()
        let given = check.text(request.givenName, field: "givenName", label: "Given name", required: true, maxLength: 100)
        let family = check.text(request.familyName, field: "familyName", label: "Family name", required: true, maxLength: 100)
        let rawBirth = check.text(request.dateOfBirth, field: "dateOfBirth", label: "Date of birth", required: true, maxLength: 10)
        let birth = DateOnly(rawBirth)
        if !rawBirth.isEmpty, birth == nil { check.errors.add("dateOfBirth", "Date of birth must be written YYYY-MM-DD.") }
        let reason = check.text(request.reason, field: "reason", label: "Reason", required: true, maxLength: 500)
        if !reason.isEmpty, reason.count < 10 { check.errors.add("reason", "Say why in a sentence; the patient's team will read it.") }
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        // Emergency access is for clinicians: people with a discipline recorded, not administrators as
        // such; and, where one of their organisations says so, with a licence (credentials) recorded.
        let reader = database.reader()
        guard let profile = try await DirectoryQueries.profile(ofUser: caller.userID, on: reader) else { throw AppError.forbidden }
        if profile.credentials.trimmingCharacters(in: .whitespaces).isEmpty,
           try await OrganisationQueries.requireLicenceForEmergencyAccess(anyOf: Array(caller.identity.actor.memberships.keys), on: reader) {
            throw AppError.forbidden
        }
        // Breaking the glass asks for the second factor every time, whoever signed in how.
        try await twoFactor.requireCode(request.code, by: caller)
        let key = PatientDetails.matchKey(givenName: given, familyName: family, dateOfBirth: birth!)
        let now = clock.now()
        return try await database.write { db in
            let matches = try await Patient.query(on: db).filter(\.$matchKey == key).limit(5).all()
            try await auditor.record(.emergencySearch, patient: nil, subject: "matches:\(matches.count)", purpose: "emergency: \(reason)", by: caller, on: db)
            guard !matches.isEmpty else { return .noMatch }
            for patient in matches {
                let patientID = try patient.requireID()
                let grant = EmergencyAccess(patientID: patientID, userID: caller.userID, reason: reason, grantedAt: now, expiresAt: now.addingTimeInterval(PatientAccessPolicy.emergencyAccessDuration))
                try await grant.create(on: db)
                try await timeline.record(.emergencyAccess, "\(caller.identity.displayName) used emergency access: \(reason)", patient: patientID, by: caller, on: db)
                try await auditor.record(.emergencyGrant, patient: patientID, subject: "emergency-access:\(grant.id!)", purpose: "emergency: \(reason)", by: caller, on: db)
                let team = try await CareTeamMember.query(on: db).filter(\.$patient.$id == patientID).all()
                    .filter { $0.membership.isActive(at: now) }.map { $0.$user.id }
                try await notifier.notify(
                    team, patient: patientID, kind: .emergencyAccess,
                    message: "\(caller.identity.displayName) opened \(patient.givenName) \(patient.familyName)'s record with emergency access: \(reason)",
                    link: SiteURL.patient(patientID).path, on: db)
            }
            return .granted(matches)
        }
    }

    struct ReportLine: Sendable {
        let grant: EmergencyAccess
        let accessor: String
    }

    /// Emergency accesses by members of the organisation, or to patients it registered (administrators only).
    func report(for organisationID: UUID, by actor: Actor) async throws -> [ReportLine] {
        guard actor.mayAdminister(organisation: organisationID) else { throw AppError.forbidden }
        let db = database.db()
        let members = try await Membership.query(on: db).filter(\.$organisation.$id == organisationID).all().map { $0.$user.id }
        let registered = try await Patient.query(on: db).filter(\.$registeredOrganisationID == organisationID).all().compactMap(\.id)
        let grants = try await EmergencyAccess.query(on: db)
            .group(.or) { $0.filter(\.$user.$id ~~ members).filter(\.$patient.$id ~~ registered) }
            .with(\.$user).sort(\.$grantedAt, .descending).limit(500).all()
        return grants.map { ReportLine(grant: $0, accessor: $0.user.displayName) }
    }

    /// Refused attempts at patients' records by the organisation's members or at its patients, for
    /// its administrators: who tried and when, with a patient reference, not a name.
    func refusals(for organisationID: UUID, by actor: Actor) async throws -> [RefusalRow] {
        guard actor.mayAdminister(organisation: organisationID) else { throw AppError.forbidden }
        return try await AuditQueries.refusals(forOrganisation: organisationID, on: database.reader())
    }
}
