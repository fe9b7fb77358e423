import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
@testable import LiaisonServer

/// Patients and care teams built through the same services the pages use.
extension TestWorld {
    var patientService: PatientService { services.patients }

    func caller(_ user: UserAccount, memberOf organisations: [Organisation] = [], as role: MembershipRole = .clinician, isPatient: Bool = false) -> Caller {
        let memberships = Dictionary(uniqueKeysWithValues: organisations.map { ($0.id!, role) })
        return Caller(
            identity: Identity(
                userID: user.id!, email: user.email, displayName: user.displayName,
                actor: Actor(userID: user.id!, isSystemAdministrator: user.isSystemAdministrator, memberships: memberships),
                credential: .session(UUID()),
                organisations: organisations.map { .init(id: $0.id!, name: $0.name, role: role) },
                isPatient: isPatient, unreadNotifications: 0, twoFactorEnabled: false, twoFactorRequired: false),
            requestID: "test")
    }

    /// Registers a synthetic patient with `registrar` as the first team member.
    @discardableResult
    func patient(
        _ given: String = "Sam", _ family: String = "Rivera", born: String = "1984-03-27", registeredBy registrar: UserAccount,
        role: CareTeamRole = .therapist, at organisation: Organisation? = nil
    ) async throws -> Patient {
        try await patientService.register(
            .init(
                draft: PatientDraft(givenName: given, familyName: family, dateOfBirth: born), role: role.rawValue,
                organisationID: organisation?.id, identifier: nil, confirmedDifferentPerson: true),
            by: caller(registrar, memberOf: organisation.map { [$0] } ?? []))
    }

    func addToTeam(_ patient: Patient, _ user: UserAccount, as role: CareTeamRole, responsible: Bool = false, by member: UserAccount) async throws {
        _ = try await patientService.addMember(to: patient.requireID(), email: user.email, role: role.rawValue, responsible: responsible, by: caller(member))
    }

    func auditEntries(for patient: Patient) async throws -> [AuditEntry] {
        try await AuditEntry.query(on: database.db()).filter(\.$patientID == patient.id).sort(\.$sequence).all()
    }

    func apiToken(for user: UserAccount) async throws -> APIClient {
        let secret = try await services.tokens.create(for: user.requireID(), name: "test").secret
        return APIClient(client: client, token: secret)
    }
}

/// A patient in split treatment at one clinic: Rosa Delgado, the therapist, registered them; Dr.
/// Sato is their responsible prescriber. The clinic has an administrator and a clinician who is
/// not on the team.
struct SplitTreatment {
    let patient: Patient
    let clinic: Organisation
    /// The responsible prescriber.
    let sato: UserAccount
    /// The therapist.
    let delgado: UserAccount
    let administrator: UserAccount
    let outsider: UserAccount
}

extension TestWorld {
    func splitTreatment() async throws -> SplitTreatment {
        let clinic = try await organisation()
        let sato = try await person("sato@clinic.example", name: "Dr. Sato", in: clinic)
        let delgado = try await person("delgado@clinic.example", name: "Rosa Delgado", in: clinic)
        let administrator = try await person("admin@clinic.example", name: "Clinic Administrator", in: clinic, role: .administrator)
        let outsider = try await person("nobody@clinic.example", name: "Dr. Nobody", in: clinic)
        let patient = try await patient(registeredBy: delgado, role: .therapist, at: clinic)
        try await addToTeam(patient, sato, as: .prescriber, responsible: true, by: delgado)
        return SplitTreatment(patient: patient, clinic: clinic, sato: sato, delgado: delgado, administrator: administrator, outsider: outsider)
    }
}
