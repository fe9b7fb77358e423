import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Loads a patient together with the connections `PatientAccessPolicy` decides on.
///
/// Every patient route goes through `authorize`; a person without access gets `notFound`,
/// exactly as for an identifier that does not exist.
struct PatientAccessService: Sendable {
    let clock: any Clock

    struct Authorized {
        let patient: Patient
        let access: PatientAccess
        let team: [CareTeamMember]
    }

    enum Need {
        case clinicalRecord
        case write
        case accessLog
        case anyAccess
        /// Asking for something on the patient's behalf (a second opinion, a change of clinician):
        /// the patient or someone on their team now; emergency readers may look, not ask.
        case askOnBehalf
        /// Recording a care event: the team, or an emergency clinician seeing the patient.
        case recordCareEvent
    }

    func authorize(_ patientID: UUID, for caller: Caller, need: Need, on db: any Database) async throws -> Authorized {
        guard let patient = try await PatientQueries.patient(patientID, on: db) else { throw AppError.notFound }
        let team = try await CareTeamQueries.team(of: patientID, on: db)
        let grants = try await PatientQueries.emergencyGrants(to: patientID, for: caller.userID, at: clock.now(), on: db)
        let connections = PatientConnections(
            team: team.map(\.membership), emergencyGrants: grants.map { ($0.$user.id, $0.expiresAt) }, patientUserID: patient.portalUserID)
        let access = PatientAccessPolicy.access(of: caller.userID, to: connections, at: clock.now())
        let allowed: Bool = switch need {
        case .clinicalRecord: access.mayReadClinicalRecord
        case .write: access.mayWrite
        case .accessLog: access.mayReadAccessLog
        case .anyAccess: access != .none
        case .recordCareEvent: access.mayRecordCareEvent
        case .askOnBehalf: switch access {
            case .careTeam, .patientSelf: true
            case .emergency, .none: false
            }
        }
        guard allowed else {
            // Someone who can see the record but not do this (e.g. emergency access is read-only) is told so;
            // anyone else learns nothing, not even that the patient exists.
            if access == .none { throw AccessRefused(patientID: patientID) }
            throw AppError.forbidden
        }
        return Authorized(patient: patient, access: access, team: team)
    }
}

/// Someone without access asked for a patient who exists. They are answered "not found", exactly
/// as for an id that does not exist; the attempt itself is audited (by `ErrorMiddleware`, after
/// the request's own transaction has rolled back), so probing shows in the patient's log.
struct AccessRefused: Error {
    let patientID: UUID
}
