import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// A form the patient fills in from the portal and their care team fills in from the patient's
/// page (a second opinion, a change of clinician): one page and one submission, registered at both
/// addresses. The portal's copy is always about the caller's own record.
protocol PatientOrTeamForm: Sendable {
    var patients: PatientService { get }
    /// The form for `patientID`, worded for the patient when `portal`.
    func form(_ patientID: UUID, portal: Bool, request: Request, context: some LiaisonRequestContext, caller: Caller) async throws -> Response
    /// Handles the submitted form.
    func submit(_ patientID: UUID, portal: Bool, request: Request, context: some LiaisonRequestContext, caller: Caller) async throws -> Response
}

extension PatientOrTeamForm {
    func registerForm(team: SiteURL, portal: SiteURL, on routes: RouteGroups) {
        routes.clinicians.get(team) { request, context in
            try await form(try context.uuid("id"), portal: false, request: request, context: context, caller: context.caller)
        }
        routes.clinicians.post(team) { request, context in
            try await submit(try context.uuid("id"), portal: false, request: request, context: context, caller: context.caller)
        }
        routes.signedIn.get(portal) { request, context in
            try await form(try await ownPatient(context.caller), portal: true, request: request, context: context, caller: context.caller)
        }
        routes.signedIn.post(portal) { request, context in
            try await submit(try await ownPatient(context.caller), portal: true, request: request, context: context, caller: context.caller)
        }
    }

    /// The caller's own record; not found for anyone but a patient.
    private func ownPatient(_ caller: Caller) async throws -> UUID {
        guard let patient = try await patients.ownRecord(of: caller) else { throw AppError.notFound }
        return patient.id!
    }
}
