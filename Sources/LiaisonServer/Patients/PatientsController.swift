import FluentKit
import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// The patient pages: my patients, registration, the team record, consent, access log, emergency access.
struct PatientsController: Sendable {
    let views: Views
    let patients: PatientService
    let emergency: EmergencyAccessService
    let accessLog: AccessLogService
    let portal: PortalService
    let clock: any Clock

    func register(on routes: RouteGroups) {
        routes.clinicians.get(SiteURL.patients, use: list)
        routes.clinicians.get(SiteURL.newPatient, use: newPage)
        routes.clinicians.post(SiteURL.patients, use: create)
        routes.clinicians.get(SiteURL.patient(.placeholder), use: show)
        routes.clinicians.post(SiteURL.patientTeam(.placeholder), use: addMember)
        routes.clinicians.get(SiteURL.patientDetails(.placeholder), use: detailsPage)
        routes.clinicians.post(SiteURL.patientDetails(.placeholder), use: correct)
        routes.clinicians.get(SiteURL.endMembership(patient: .placeholder, member: .placeholder), use: confirmEnd)
        routes.clinicians.post(SiteURL.endMembership(patient: .placeholder, member: .placeholder), use: endMember)
        routes.signedIn.get(SiteURL.patientConsent(.placeholder), use: consentPage)
        routes.signedIn.post(SiteURL.patientConsent(.placeholder), use: saveConsent)
        routes.clinicians.post(SiteURL.patientNotes(.placeholder), use: addNote)
        routes.signedIn.get(SiteURL.patientAccessLog(.placeholder), use: accessLogPage)
        routes.clinicians.post(SiteURL.patientPortalInvitation(.placeholder), use: invitePatient)
        routes.clinicians.get(SiteURL.emergencyAccess, use: emergencyPage)
        routes.clinicians.post(SiteURL.emergencyAccess, use: breakGlass)
    }

    @Sendable func list(_ request: Request, context: ClinicianContext) async throws -> Response {
        let rows = try await patients.myPatients(by: context.caller).map { patient, member in
            PatientsPage.Row(
                name: "\(patient.familyName), \(patient.givenName)", dateOfBirth: patient.dateOfBirth,
                role: CareTeamRole(rawValue: member.role)?.label ?? member.role, href: SiteURL.patient(patient.id!).path)
        }
        return views.page("patients/patients", title: "My patients", PatientsPage(rows: rows), request: request, context: context)
    }

    @Sendable func newPage(_ request: Request, context: ClinicianContext) async throws -> Response {
        let identity = context.identity
        return views.page("patients/patient-new", title: "Register a patient", newPatientPage(identity, form: .empty, duplicate: nil), request: request, context: context)
    }

    private func newPatientPage(_ identity: Identity, form: FormState, duplicate: String?) -> NewPatientPage {
        NewPatientPage(
            form: form, roles: Choice.all(CareTeamRole.self, selected: form.values["role"]),
            organisations: identity.organisations.map { Choice(value: $0.id.uuidString.lowercased(), label: $0.name, selected: form.values["organisationID"] == $0.id.uuidString.lowercased()) },
            duplicateWarning: duplicate)
    }

    @Sendable func create(_ request: Request, context: ClinicianContext) async throws -> Response {
        let identity = context.identity
        var request = request
        let form = try await request.form(context: context)
        do {
            let patient = try await patients.register(try form.decode(PatientInput.Registration.self).registration, once: SubmissionKey.form(form), by: context.caller)
            return views.redirect(to: .patient(patient.id!), flash: "Patient registered. You are on the care team.")
        } catch PatientService.RegistrationError.invalid(let errors) {
            let page = newPatientPage(identity, form: FormState(values: form.dictionary, errors: errors), duplicate: nil)
            return views.page("patients/patient-new", title: "Register a patient", page, request: request, context: context, status: .unprocessableContent)
        } catch PatientService.RegistrationError.possibleDuplicate(let count) {
            let warning = "You are already on the care team of \(count == 1 ? "a patient" : "\(count) patients") with this name and date of birth at your organisation. If this is the same person, open their record from My patients instead. If it is a different person, tick the box below and register again."
            let page = newPatientPage(identity, form: FormState(values: form.dictionary), duplicate: warning)
            return views.page("patients/patient-new", title: "Register a patient", page, request: request, context: context, status: .conflict)
        }
    }

    @Sendable func show(_ request: Request, context: ClinicianContext) async throws -> Response {
        let record = try await patients.record(try context.uuid("id"), by: context.caller)
        let page = PatientPage(record, now: clock.now())
        return views.page("patients/patient", title: page.name, page, request: request, context: context)
    }

    /// Re-renders the record with a form's problems (adding a member, a note, inviting to the portal).
    private func showWithErrors(_ patientID: UUID, _ form: FormData, _ errors: ValidationErrors, request: Request, context: ClinicianContext) async throws -> Response {
        let record = try await patients.record(patientID, by: context.caller)
        let page = PatientPage(record, now: clock.now(), form: FormState(values: form.dictionary, errors: errors))
        return views.page("patients/patient", title: page.name, page, request: request, context: context, status: .unprocessableContent)
    }

    @Sendable func addMember(_ request: Request, context: ClinicianContext) async throws -> Response {
        let id = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        do {
            let input = try form.decode(PatientInput.Member.self)
            _ = try await patients.addMember(
                to: id, email: input.email, role: input.role, responsible: input.responsiblePrescriber ?? false, once: SubmissionKey.form(form), by: context.caller)
            return views.redirect(to: .patient(id), flash: "Added to the care team. They have been notified.")
        } catch AppError.invalid(let errors) {
            return try await showWithErrors(id, form, errors, request: request, context: context)
        }
    }

    @Sendable func detailsPage(_ request: Request, context: ClinicianContext) async throws -> Response {
        try await renderDetails(try context.uuid("id"), form: nil, status: .ok, request: request, context: context)
    }

    private func renderDetails(_ id: UUID, form: FormState?, status: HTTPResponse.Status, request: Request, context: ClinicianContext) async throws -> Response {
        let corrections = try await patients.corrections(of: id, by: context.caller)
        let page = PatientDetailsPage(corrections, organisations: context.identity.organisations.map { ($0.id, $0.name) }, form: form)
        return views.page("patients/details", title: "Correct \(page.name)'s details", page, request: request, context: context, status: status)
    }

    @Sendable func correct(_ request: Request, context: ClinicianContext) async throws -> Response {
        let id = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        do {
            try await patients.correct(id, try form.decode(PatientInput.Correction.self).correction(), by: context.caller)
            return views.redirect(to: .patient(id), flash: "Details corrected. The old values are kept in the record's history, and the care team has been told.")
        } catch AppError.invalid(let errors) {
            return try await renderDetails(id, form: FormState(values: form.dictionary, errors: errors), status: .unprocessableContent, request: request, context: context)
        }
    }

    struct EndMembershipPage: Sendable {
        let memberName: String
        let patientName: String
        let action: String
        let backPath: String
    }

    /// Ending a membership asks first.
    @Sendable func confirmEnd(_ request: Request, context: ClinicianContext) async throws -> Response {
        let id = try context.uuid("id"), memberID = try context.uuid("member")
        let record = try await patients.record(id, by: context.caller)
        guard record.access.mayWrite, let member = record.team.first(where: { $0.id == memberID && $0.endedAt == nil }) else { throw AppError.notFound }
        let page = EndMembershipPage(
            memberName: member.user.displayName, patientName: "\(record.patient.givenName) \(record.patient.familyName)",
            action: SiteURL.endMembership(patient: id, member: memberID).path, backPath: SiteURL.patient(id).path)
        return views.page("patients/end-membership", title: "End a membership", page, request: request, context: context)
    }

    @Sendable func endMember(_ request: Request, context: ClinicianContext) async throws -> Response {
        let id = try context.uuid("id")
        do {
            let memberID = try context.uuid("member")
            let team = try await patients.endMember(memberID, of: id, by: context.caller)
            // Someone who has left reads the record no more: back to their own patients.
            if team.first(where: { $0.id == memberID })?.$user.id == context.caller.userID {
                return views.redirect(to: .patients, flash: "You have left the patient's care team. It stays in the team's history.")
            }
            return views.redirect(to: .patient(id), flash: "Membership ended. It stays in the team's history.")
        } catch AppError.invalid(let errors) {
            var request = request
            return try await showWithErrors(id, try await request.form(context: context), errors, request: request, context: context)
        }
    }

    @Sendable func consentPage(_ request: Request, context: SignedInContext) async throws -> Response {
        let identity = context.identity
        let id = try context.uuid("id")
        let (consent, team) = try await patients.consent(of: id, by: context.caller)
        let back = identity.isPatient ? SiteURL.portal.path : SiteURL.patient(id).path
        let page = ConsentPage(
            forPatient: identity.isPatient, consent: consent, team: team.map { ($0.user.displayName, CareTeamRole(rawValue: $0.role) ?? .other) },
            patientID: id, backPath: back)
        return views.page("patients/patient-consent", title: "Consent", page, request: request, context: context)
    }

    @Sendable func saveConsent(_ request: Request, context: SignedInContext) async throws -> Response {
        let identity = context.identity
        let id = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        _ = try await patients.updateConsent(of: id, withheld: form.all("withheld"), by: context.caller)
        return views.redirect(to: identity.isPatient ? .portal : .patient(id), flash: "Consent choices saved.")
    }

    @Sendable func addNote(_ request: Request, context: ClinicianContext) async throws -> Response {
        let id = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        do {
            let input = try form.decode(PatientInput.Note.self)
            _ = try await patients.addNote(to: id, kind: input.kind, body: input.body, once: SubmissionKey.form(form), by: context.caller)
            return views.redirect(to: .patient(id), flash: "Note saved.")
        } catch AppError.invalid(let errors) {
            return try await showWithErrors(id, form, errors, request: request, context: context)
        }
    }

    @Sendable func accessLogPage(_ request: Request, context: SignedInContext) async throws -> Response {
        let identity = context.identity
        let id = try context.uuid("id")
        let (patient, lines) = try await accessLog.log(of: id, by: context.caller)
        let back = identity.isPatient ? SiteURL.portal.path : SiteURL.patient(id).path
        let page = AccessLogPage(name: "\(patient.givenName) \(patient.familyName)", lines: lines, backPath: back)
        return views.page("patients/access-log", title: "Who accessed the record", page, request: request, context: context)
    }

    @Sendable func invitePatient(_ request: Request, context: ClinicianContext) async throws -> Response {
        let id = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        do {
            try await portal.invite(id, email: form["portalEmail"], by: context.caller)
            return views.redirect(to: .patient(id), flash: "Portal invitation sent.")
        } catch AppError.invalid(let errors) {
            var renamed = ValidationErrors()
            for problem in errors.problems { renamed.add("portalEmail", problem.message) }
            return try await showWithErrors(id, form, renamed, request: request, context: context)
        }
    }

    @Sendable func emergencyPage(_ request: Request, context: ClinicianContext) async throws -> Response {
        let page = EmergencyAccessPage(form: .empty, noMatch: false, needsTwoFactor: !context.identity.twoFactorEnabled)
        return views.page("patients/emergency-access", title: "Emergency access", page, request: request, context: context)
    }

    @Sendable func breakGlass(_ request: Request, context: ClinicianContext) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let ask = try form.decode(EmergencyAccessService.Request.self)
        let needsTwoFactor = !context.identity.twoFactorEnabled
        var values = form.dictionary
        values["code"] = nil
        do {
            switch try await emergency.breakGlass(ask, by: context.caller) {
            case .granted(let found):
                let hours = Int(PatientAccessPolicy.emergencyAccessDuration / 3600)
                let message = "Emergency access granted for \(hours) hours. The patient's care team has been notified."
                if found.count == 1 { return views.redirect(to: .patient(found[0].id!), flash: message) }
                let matches = found.map { EmergencyAccessPage.Match(name: "\($0.givenName) \($0.familyName)", dateOfBirth: $0.dateOfBirth, href: SiteURL.patient($0.id!).path) }
                let page = EmergencyAccessPage(form: .empty, noMatch: false, matches: matches, needsTwoFactor: needsTwoFactor)
                return views.page("patients/emergency-access", title: "Emergency access", page, request: request, context: context)
            case .noMatch:
                let page = EmergencyAccessPage(form: FormState(values: values), noMatch: true, needsTwoFactor: needsTwoFactor)
                return views.page("patients/emergency-access", title: "Emergency access", page, request: request, context: context, status: .notFound)
            }
        } catch AppError.invalid(let errors) {
            let page = EmergencyAccessPage(form: FormState(values: values, errors: errors), noMatch: false, needsTwoFactor: needsTwoFactor)
            return views.page("patients/emergency-access", title: "Emergency access", page, request: request, context: context, status: .unprocessableContent)
        }
    }
}
