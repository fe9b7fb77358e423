import FluentKit
import Foundation
import LiaisonCore
import SQLKit

/// Every hand-written statement of matching.
public enum MatchingQueries {
    /// Listed clinicians who offer `service` (with or without openings now), as matching needs
    /// them, one query. Openings held for someone on their waiting list are not free. The caller
    /// is left out: nobody refers to themselves.
    public static func candidates(offering service: ClinicalService, except userID: UUID, on db: any Database) async throws -> [MatchCandidate] {
        try await db.sql.rows(CandidateRow.self, """
            SELECT u.id AS user_id, u.display_name, p.discipline,
                   s.openings - (SELECT COUNT(*) FROM waitlist_entries o WHERE o.clinician_id = u.id AND o.service = s.service AND o.status = 'offered') AS openings,
                   p.languages, p.insurance, p.modality, p.locations,
                   p.accepting_new_patients, p.transfer_policy, p.prioritises_without_psychiatrist
            FROM service_openings s JOIN profiles p ON p.id = s.profile_id JOIN users u ON u.id = p.user_id
            WHERE s.service = \(bind: service.rawValue) AND p.listed = \(bind: true) AND u.id <> \(bind: userID)
            """).map(\.candidate)
    }

    private struct CandidateRow: Decodable {
        let userID: UUID
        let displayName: String
        let discipline: String
        let openings: Int
        let languages: String
        let insurance: String
        let modality: String
        let locations: String
        let acceptingNewPatients: Bool
        let transferPolicy: String
        let prioritisesWithoutPsychiatrist: Bool

        private enum CodingKeys: String, CodingKey {
            case userID = "user_id", displayName = "display_name", discipline, openings, languages, insurance, modality, locations
            case acceptingNewPatients = "accepting_new_patients", transferPolicy = "transfer_policy"
            case prioritisesWithoutPsychiatrist = "prioritises_without_psychiatrist"
        }

        var candidate: MatchCandidate {
            MatchCandidate(
                userID: userID, name: displayName, discipline: Discipline(rawValue: discipline) ?? .otherPhysician, openings: openings,
                languages: DelimitedList.decode(languages), insurance: DelimitedList.decode(insurance), modality: Modality(rawValue: modality) ?? .both,
                locations: DelimitedList.decode(locations),
                intake: IntakePolicy(
                    acceptingNewPatients: acceptingNewPatients, transfers: TransferPolicy(rawValue: transferPolicy) ?? .accepts,
                    prioritisesPatientsWithoutPsychiatrist: prioritisesWithoutPsychiatrist))
        }
    }
}
