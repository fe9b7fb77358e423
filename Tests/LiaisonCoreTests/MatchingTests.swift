import Foundation
import Testing
@testable import LiaisonCore

@Suite struct MatchingTests {
    static func candidate(
        _ name: String, openings: Int = 2, languages: [String] = ["English"], insurance: [String] = ["Medicaid"], modality: Modality = .both,
        locations: [String] = ["Riverside"], accepting: Bool = true, transfers: TransferPolicy = .accepts, priority: Bool = false,
        discipline: Discipline = .psychiatrist
    ) -> MatchCandidate {
        MatchCandidate(
            userID: UUID(), name: name, discipline: discipline, openings: openings, languages: languages, insurance: insurance, modality: modality,
            locations: locations,
            intake: IntakePolicy(acceptingNewPatients: accepting, transfers: transfers, prioritisesPatientsWithoutPsychiatrist: priority))
    }

    @Test func explainsEachRankInPlainWords() {
        let request = MatchRequest(service: .medicationManagement, language: "Spanish", modality: .both, location: "Riverside")
        let result = Matching.rank(request, [
            Self.candidate("Dr. Far", languages: ["English", "Spanish"], locations: ["Northgate"]),
            Self.candidate("Dr. Near", openings: 1, languages: ["spanish"], locations: ["Riverside"]),
        ])
        #expect(result.matches.map(\.candidate.name) == ["Dr. Near", "Dr. Far"])
        #expect(result.matches[0].reasons == ["1 opening for medication management", "speaks Spanish", "in person or telehealth", "in Riverside"])
        #expect(result.matches[1].reasons == ["2 openings for medication management", "speaks Spanish", "in person or telehealth", "15 km"])
    }

    @Test func everyoneLeftOutIsShownWithTheReason() {
        let request = MatchRequest(service: .medicationManagement, language: "Spanish", insurance: "Medicaid", modality: .inPerson, isTransfer: true)
        let result = Matching.rank(request, [
            Self.candidate("A Full", openings: 0, languages: ["Spanish"]),
            Self.candidate("B Closed", languages: ["Spanish"], accepting: false),
            Self.candidate("C Keeps Patients", languages: ["Spanish"], transfers: .declines),
            Self.candidate("D Consultant", languages: ["Spanish"], transfers: .secondOpinionsOnly),
            Self.candidate("E Remote", languages: ["Spanish"], modality: .telehealth),
            Self.candidate("F English", languages: ["English"]),
            Self.candidate("G Other Plan", languages: ["Spanish"], insurance: ["Aetna"]),
            Self.candidate("H Fits", languages: ["Spanish"]),
        ])
        #expect(result.matches.map(\.candidate.name) == ["H Fits"])
        #expect(result.matches[0].reasons.last == "accepts transfers")
        #expect(result.excluded.map { "\($0.candidate.name): \($0.reason)" } == [
            "A Full: no opening for medication management",
            "B Closed: not accepting new patients",
            "C Keeps Patients: does not accept transfers",
            "D Consultant: sees people for second opinions only",
            "E Remote: telehealth only",
            "F English: does not speak Spanish",
            "G Other Plan: does not take Medicaid",
        ])
    }

    @Test func secondOpinionsOnlyAppearsForConsultationsEvenAsATransfer() {
        let consultant = Self.candidate("Dr. Second", transfers: .secondOpinionsOnly)
        #expect(Matching.rank(MatchRequest(service: .secondOpinion, isTransfer: true), [consultant]).matches.count == 1)
        #expect(Matching.rank(MatchRequest(service: .psychotherapy), [consultant]).matches.isEmpty)
    }

    @Test func scarceOpeningsGoFirstToPatientsWithoutAPsychiatrist() {
        let plenty = Self.candidate("Dr. Plenty", openings: 5)
        let prioritising = Self.candidate("Dr. Priority", openings: 1, priority: true)
        let without = Matching.rank(MatchRequest(service: .medicationManagement, patientHasPsychiatrist: false), [plenty, prioritising])
        #expect(without.matches.map(\.candidate.name) == ["Dr. Priority", "Dr. Plenty"])
        #expect(without.matches[0].reasons.first == "gives priority to people without a psychiatrist")
        let with = Matching.rank(MatchRequest(service: .medicationManagement, patientHasPsychiatrist: true), [plenty, prioritising])
        #expect(with.matches.map(\.candidate.name) == ["Dr. Plenty", "Dr. Priority"])
        #expect(!with.matches[1].reasons.contains("gives priority to people without a psychiatrist"))
    }

    @Test func telehealthIgnoresDistanceAndTiesGoByName() {
        let request = MatchRequest(service: .psychotherapy, modality: .telehealth, location: "Riverside")
        let result = Matching.rank(request, [Self.candidate("Dr. Zed", locations: ["Northgate"]), Self.candidate("Dr. Abe", locations: ["Northgate"])])
        #expect(result.matches.map(\.candidate.name) == ["Dr. Abe", "Dr. Zed"])
        #expect(result.matches.allSatisfy { $0.distance == nil && $0.reasons.contains("telehealth") })
    }

    @Test func requestsAreReadWithClearErrors() throws {
        let request = try MatchRequest.parse(["service": "combined", "urgency": "urgent", "modality": "in-person", "language": " Spanish ", "transfer": "on"])
        #expect(request == MatchRequest(service: .combinedTherapyAndMedication, urgency: .urgent, language: "Spanish", modality: .inPerson, isTransfer: true))
        #expect(throws: ValidationErrors.self) { try MatchRequest.parse([:]) }
        do {
            _ = try MatchRequest.parse(["service": "surgery", "urgency": "whenever", "transfer": "maybe"])
            Issue.record("accepted")
        } catch {
            #expect(error.message(for: "service") != nil)
            #expect(error.message(for: "urgency") != nil)
            #expect(error.message(for: "transfer") != nil)
        }
    }

    @Test func distancesAreGreatCircleKilometres() throws {
        let newYork = try #require(Places.coordinates(of: "New York")), boston = try #require(Places.coordinates(of: " boston"))
        #expect(abs(Places.kilometres(newYork, boston) - 306) < 3)
        #expect(Places.coordinates(of: "Atlantis") == nil)
    }
}
