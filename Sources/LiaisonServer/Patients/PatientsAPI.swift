import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// The patients part of the JSON API; every handler calls the same service as the pages.
struct PatientsAPI: Sendable {
    let patients: PatientService
    let emergency: EmergencyAccessService
    let accessLog: AccessLogService
    let clock: any Clock

    func register(on routes: RouteGroups) {
        routes.signedIn.get(APIURL.patients, use: list)
        routes.clinicians.post(APIURL.patients, use: create)
        routes.clinicians.get(APIURL.patient(.placeholder), use: show)
        routes.clinicians.patch(APIURL.patient(.placeholder), use: correct)
        routes.clinicians.get(APIURL.corrections(.placeholder), use: corrections)
        routes.clinicians.get(APIURL.careTeam(.placeholder), use: careTeam)
        routes.clinicians.post(APIURL.careTeam(.placeholder), use: addMember)
        routes.clinicians.post(APIURL.endMembership(patient: .placeholder, member: .placeholder), use: endMember)
        routes.signedIn.get(APIURL.consent(.placeholder), use: consent)
        routes.signedIn.put(APIURL.consent(.placeholder), use: saveConsent)
        routes.clinicians.get(APIURL.notes(.placeholder), use: notes)
        routes.clinicians.post(APIURL.notes(.placeholder), use: addNote)
        routes.signedIn.get(APIURL.accessLog(.placeholder), use: log)
        routes.clinicians.post(APIURL.emergencyAccess, use: breakGlass)
    }

    struct PatientSummaryDTO: Codable, Sendable {
        let id: UUID
        let givenName: String
        let familyName: String
        let dateOfBirth: String

        init(_ patient: Patient) {
            id = patient.id!
            givenName = patient.givenName
            familyName = patient.familyName
            dateOfBirth = patient.dateOfBirth
        }
    }

    struct MemberDTO: Codable, Sendable {
        let id: UUID
        let clinicianID: UUID
        let displayName: String
        let role: String
        let responsiblePrescriber: Bool
        let startedAt: Date
        let endedAt: Date?

        init(_ member: CareTeamMember) {
            id = member.id!
            clinicianID = member.$user.id
            displayName = member.$user.value?.displayName ?? ""
            role = member.role
            responsiblePrescriber = member.isResponsiblePrescriber
            startedAt = member.startedAt
            endedAt = member.endedAt
        }
    }

    struct PatientDTO: ResponseEncodable, Sendable {
        let id: UUID
        let givenName: String
        let familyName: String
        let dateOfBirth: String
        let pronouns: String
        let phone: String
        let email: String
        let address: String
        let preferredLanguage: String
        let access: String
        let careTeam: [MemberDTO]
        /// Every referral made for the patient, newest first.
        let referrals: [PatientReferralDTO]
    }

    struct PatientReferralDTO: ResponseEncodable, Sendable {
        let id: UUID
        let state: String
        let referrerID: UUID
        let recipientID: UUID?
        let recipientOrganisationID: UUID?
        let createdAt: Date
        let sentAt: Date?
        let firstAppointmentAt: Date?
    }

    struct CorrectionDTO: ResponseEncodable, Sendable {
        let field: String
        let label: String
        let oldValue: String
        let newValue: String
        let reason: String
        let correctedBy: UUID
        let correctedAt: Date
    }

    struct CorrectionList: ResponseEncodable { let corrections: [CorrectionDTO] }

    struct PatientList: ResponseEncodable { let patients: [PatientSummaryDTO] }
    struct CareTeamDTO: ResponseEncodable { let members: [MemberDTO] }
    struct ConsentDTO: ResponseEncodable, Decodable { let withheld: [String] }
    struct NoteDTO: ResponseEncodable, Codable {
        let id: UUID
        let authorID: UUID
        let authorRole: String
        let kind: String
        let body: String
        let createdAt: Date
    }
    struct NoteList: ResponseEncodable { let notes: [NoteDTO] }
    struct LogLine: Codable { let at: Date; let who: String; let action: String; let purpose: String }
    struct AccessLogDTO: ResponseEncodable { let entries: [LogLine] }

    struct Granted: ResponseEncodable {
        let patients: [PatientSummaryDTO]
        let expiresAt: Date
    }

    /// A clinician's patients; for a patient's own token, just their own record.
    @Sendable func list(_ request: Request, context: SignedInContext) async throws -> PatientList {
        if context.identity.isPatient {
            return PatientList(patients: try await patients.ownRecord(of: context.caller).map { [PatientSummaryDTO($0)] } ?? [])
        }
        return PatientList(patients: try await patients.myPatients(by: context.caller).map { PatientSummaryDTO($0.0) })
    }

    @Sendable func create(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<PatientDTO> {
        var request = request
        let registration = try await request.input(PatientInput.Registration.self, context: context).registration
        let patient: Patient
        do {
            patient = try await patients.register(registration, once: try SubmissionKey.of(request), by: context.caller)
        } catch PatientService.RegistrationError.invalid(let errors) {
            throw AppError.invalid(errors)
        } catch PatientService.RegistrationError.possibleDuplicate(let count) {
            throw AppError.conflict("You are already on the care team of \(count) patient(s) with this name and date of birth at your organisation. Send confirmedDifferentPerson: true if this is someone else.")
        }
        return EditedResponse(status: .created, response: try await detail(patient.id!, context: context))
    }

    @Sendable func show(_ request: Request, context: ClinicianContext) async throws -> PatientDTO {
        return try await detail(try context.uuid("id"), context: context)
    }

    private func detail(_ id: UUID, context: ClinicianContext) async throws -> PatientDTO {
        let record = try await patients.record(id, by: context.caller)
        let patient = record.patient
        let access: String = switch record.access {
        case .careTeam(let role): "care-team:\(role.rawValue)"
        case .emergency: "emergency"
        case .patientSelf: "patient"
        case .none: "none"
        }
        return PatientDTO(
            id: patient.id!, givenName: patient.givenName, familyName: patient.familyName, dateOfBirth: patient.dateOfBirth,
            pronouns: patient.pronouns, phone: patient.phone, email: patient.email, address: patient.address,
            preferredLanguage: patient.preferredLanguage, access: access, careTeam: record.team.map(MemberDTO.init),
            referrals: record.referrals.map { referral, _ in
                PatientReferralDTO(
                    id: referral.id, state: referral.state, referrerID: referral.referrerID, recipientID: referral.recipientID,
                    recipientOrganisationID: referral.recipientOrganisationID, createdAt: referral.createdAt, sentAt: referral.sentAt,
                    firstAppointmentAt: referral.firstAppointmentAt)
            })
    }

    /// Corrects the patient's details: only the fields given change.
    @Sendable func correct(_ request: Request, context: ClinicianContext) async throws -> PatientDTO {
        let id = try context.uuid("id")
        var request = request
        let input = try await request.input(PatientInput.Correction.self, context: context)
        try await patients.correct(id, try input.correction(), by: context.caller)
        return try await detail(id, context: context)
    }

    @Sendable func corrections(_ request: Request, context: ClinicianContext) async throws -> CorrectionList {
        let history = try await patients.corrections(of: try context.uuid("id"), by: context.caller).history
        return CorrectionList(corrections: history.map {
            CorrectionDTO(
                field: $0.field, label: $0.label, oldValue: $0.oldValue, newValue: $0.newValue, reason: $0.reason,
                correctedBy: $0.$correctedBy.id, correctedAt: $0.correctedAt)
        })
    }

    @Sendable func careTeam(_ request: Request, context: ClinicianContext) async throws -> CareTeamDTO {
        let record = try await patients.record(try context.uuid("id"), by: context.caller)
        return CareTeamDTO(members: record.team.map(MemberDTO.init))
    }

    @Sendable func addMember(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<CareTeamDTO> {
        let id = try context.uuid("id")
        var request = request
        let input = try await request.input(PatientInput.Member.self, context: context)
        _ = try await patients.addMember(
            to: id, email: input.email, role: input.role, responsible: input.responsiblePrescriber ?? false, once: try SubmissionKey.of(request), by: context.caller)
        return EditedResponse(status: .created, response: try await careTeam(request, context: context))
    }

    @Sendable func endMember(_ request: Request, context: ClinicianContext) async throws -> CareTeamDTO {
        // The team as it stands after, from the same transaction: a clinician who has just left may not read it again.
        let team = try await patients.endMember(try context.uuid("member"), of: try context.uuid("id"), by: context.caller)
        return CareTeamDTO(members: team.map(MemberDTO.init))
    }

    @Sendable func consent(_ request: Request, context: SignedInContext) async throws -> ConsentDTO {
        let settings = try await patients.consent(of: try context.uuid("id"), by: context.caller).settings
        return ConsentDTO(withheld: settings.withheld.sorted().map(\.key))
    }

    @Sendable func saveConsent(_ request: Request, context: SignedInContext) async throws -> ConsentDTO {
        var request = request

        let input = try await request.input(ConsentDTO.self, context: context)
        let settings = try await patients.updateConsent(of: try context.uuid("id"), withheld: input.withheld, by: context.caller)
        return ConsentDTO(withheld: settings.withheld.sorted().map(\.key))
    }

    @Sendable func notes(_ request: Request, context: ClinicianContext) async throws -> NoteList {
        let record = try await patients.record(try context.uuid("id"), by: context.caller)
        return NoteList(notes: record.notes.map(Self.note))
    }

    @Sendable func addNote(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<NoteDTO> {
        var request = request
        let input = try await request.input(PatientInput.Note.self, context: context)
        let note = try await patients.addNote(to: try context.uuid("id"), kind: input.kind, body: input.body, once: try SubmissionKey.of(request), by: context.caller)
        return EditedResponse(status: .created, response: Self.note(note))
    }

    static func note(_ note: Note) -> NoteDTO {
        NoteDTO(id: note.id!, authorID: note.$author.id, authorRole: note.authorRole, kind: note.kind, body: note.body, createdAt: note.createdAt)
    }

    @Sendable func log(_ request: Request, context: SignedInContext) async throws -> AccessLogDTO {
        let (_, lines) = try await accessLog.log(of: try context.uuid("id"), by: context.caller)
        return AccessLogDTO(entries: lines.map { LogLine(at: $0.at, who: $0.who, action: $0.action, purpose: $0.purpose) })
    }

    @Sendable func breakGlass(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<Granted> {
        var request = request
        let ask = try await request.input(EmergencyAccessService.Request.self, context: context)
        switch try await emergency.breakGlass(ask, by: context.caller) {
        case .granted(let found):
            return EditedResponse(status: .created, response: Granted(
                patients: found.map(PatientSummaryDTO.init), expiresAt: clock.now().addingTimeInterval(PatientAccessPolicy.emergencyAccessDuration)))
        case .noMatch:
            throw AppError.notFound
        }
    }
}
