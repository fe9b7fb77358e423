import Foundation
import Hummingbird
import LiaisonCore

/// `GET /api/v1/patients/{id}/matches?service=…`: the match list as data.
struct MatchingAPI: Sendable {
    let matching: MatchingService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(APIURL.matches(.placeholder), use: matches)
    }

    struct MatchDTO: Codable, Sendable {
        let clinicianID: UUID
        let name: String
        let discipline: String
        let openings: Int
        let reasons: [String]
        let distanceKm: Double?
        /// The new-referral page with everything filled in.
        let referralLink: String
    }

    struct ExcludedDTO: Codable, Sendable {
        let clinicianID: UUID
        let name: String
        let reason: String
    }

    struct MatchesDTO: ResponseEncodable {
        let service: String
        let urgency: String
        let patientHasPsychiatrist: Bool
        let matches: [MatchDTO]
        let excluded: [ExcludedDTO]
    }

    @Sendable func matches(_ request: Request, context: ClinicianContext) async throws -> MatchesDTO {
        let patientID = try context.uuid("id")
        try await matching.authorize(patientID, by: context.caller)
        let query = try request.queryForm.dictionary
        let asked: MatchRequest
        do { asked = try MatchRequest.parse(query) } catch { throw AppError.invalid(error) }
        let answer = try await matching.matches(for: patientID, asked, by: context.caller)
        return MatchesDTO(
            service: answer.request.service.rawValue, urgency: answer.request.urgency.rawValue, patientHasPsychiatrist: answer.request.patientHasPsychiatrist,
            matches: answer.result.matches.map {
                MatchDTO(
                    clinicianID: $0.candidate.userID, name: $0.candidate.name, discipline: $0.candidate.discipline.rawValue, openings: $0.candidate.openings,
                    reasons: $0.reasons, distanceKm: $0.distance.map { ($0 * 10).rounded() / 10 },
                    referralLink: MatchingController.referralPath(patientID: patientID, recipient: $0.candidate.userID, request: answer.request))
            },
            excluded: answer.result.excluded.map { ExcludedDTO(clinicianID: $0.candidate.userID, name: $0.candidate.name, reason: $0.reason) })
    }
}
