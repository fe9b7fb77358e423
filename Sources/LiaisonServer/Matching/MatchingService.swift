import Foundation
import LiaisonCore
import LiaisonData

/// "Who can see this patient, for this service, soon, and why them?" for a member of the
/// patient's care team (`Matching` holds the rules).
struct MatchingService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let access: PatientAccessService
    let auditor: Auditor

    struct Answer: Sendable {
        let patient: Patient
        /// The request as ranked, with what the record says filled in.
        let request: MatchRequest
        let result: Matching.Result
    }

    /// Only the patient's care team may ask; anyone else learns nothing, not even that the request
    /// was malformed (checked before the request is read).
    func authorize(_ patientID: UUID, by caller: Caller) async throws {
        _ = try await access.authorize(patientID, for: caller, need: .write, on: database.reader())
    }

    /// The patient, for the empty match form: the care team only, the read audited.
    func patient(_ patientID: UUID, by caller: Caller) async throws -> Patient {
        let patient = try await access.authorize(patientID, for: caller, need: .write, on: database.reader()).patient
        try await auditor.recordRead(.patientRead, patient: patientID, subject: "match-form", by: caller, in: database)
        return patient
    }

    /// Ranks clinicians for `request`; only the patient's care team may ask (anyone else: not found).
    func matches(for patientID: UUID, _ request: MatchRequest, by caller: Caller) async throws -> Answer {
        let now = clock.now()
        let answer = try await database.reader().transaction { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .write, on: db)
            var request = request
            // Scarce psychiatric openings go first to people with no psychiatric prescriber now.
            request.patientHasPsychiatrist = authorized.team.contains {
                $0.membership.isActive(at: now) && CareTeamRole(rawValue: $0.role) == .prescriber
            }
            let candidates = try await MatchingQueries.candidates(offering: request.service, except: caller.userID, on: db)
            return Answer(patient: authorized.patient, request: request, result: Matching.rank(request, candidates))
        }
        try await auditor.recordRead(
            .matchSearch, patient: patientID, subject: "matches:\(request.service.rawValue):\(answer.result.matches.count)", by: caller, in: database)
        return answer
    }
}
