import Foundation
import Testing
@testable import LiaisonCore

@Suite struct ClinicianProfileTests {
    /// A complete, valid draft; each test spoils one thing.
    static let valid = ClinicianProfileDraft(
        displayName: "Dr. Test Person", discipline: "psychiatrist", credentials: "MD", about: "Adults.",
        contactMethod: "phone", contactPhone: "+1 555 0100", contactEmail: "test@clinic.example",
        contactHours: "Weekdays 8-9", openings: ["medication-management": "3", "second-opinion": "0"],
        languages: "English, Spanish", insurance: "Medicaid", modality: "both", locations: "Riverside",
        acceptingNewPatients: true, transfers: "accepts", prioritisesPatientsWithoutPsychiatrist: true,
        listedInDirectory: true)

    func problems(_ change: (inout ClinicianProfileDraft) -> Void) -> ValidationErrors {
        var draft = Self.valid
        change(&draft)
        do {
            _ = try draft.validated()
            return ValidationErrors()
        } catch {
            return error
        }
    }

    @Test func validDraftBecomesAProfile() throws {
        let profile = try Self.valid.validated()
        #expect(profile.discipline == .psychiatrist)
        #expect(profile.openings == [.medicationManagement: 3, .secondOpinion: 0])
        #expect(profile.languages == ["English", "Spanish"])
        #expect(profile.totalOpenings == 3)
        #expect(profile.intake.prioritisesPatientsWithoutPsychiatrist)
    }

    @Test func draftRoundTripsThroughAProfile() throws {
        let profile = try Self.valid.validated()
        #expect(try ClinicianProfileDraft(profile).validated() == profile)
    }

    @Test func missingNameAndUnknownDisciplineAreNamed() {
        let errors = problems {
            $0.displayName = "   "
            $0.discipline = "wizard"
        }
        #expect(errors.message(for: "displayName") == "Name is required.")
        #expect(errors.message(for: "discipline")?.hasPrefix("Discipline must be one of: psychiatrist") == true)
    }

    @Test(arguments: ["-1", "501", "three", "2.5"])
    func openingsMustBeAWholeNumberInRange(_ raw: String) {
        let errors = problems { $0.openings["medication-management"] = raw }
        #expect(errors.message(for: "openings.medication-management")?.contains("whole number from 0 to 500") == true)
    }

    @Test func unknownServiceIsRefused() {
        let errors = problems { $0.openings["astrology"] = "1" }
        #expect(errors.message(for: "openings") == "Unknown service \"astrology\".")
    }

    @Test func preferringPhoneNeedsANumber() {
        let errors = problems { $0.contactPhone = "" }
        #expect(errors.message(for: "contactPhone") == "You prefer phone calls: give a phone number.")
    }

    @Test func phoneMayNotContainLetters() {
        #expect(problems { $0.contactPhone = "call me maybe" }.message(for: "contactPhone") != nil)
    }

    @Test func inPersonPracticeNeedsALocation() {
        #expect(problems { $0.locations = "" }.message(for: "locations") != nil)
        #expect(problems { $0.locations = ""; $0.modality = "telehealth" }.isEmpty)
    }

    @Test func secondOpinionsOnlyRequiresOfferingSecondOpinions() {
        let errors = problems {
            $0.transfers = "second-opinions-only"
            $0.openings = ["medication-management": "1"]
        }
        #expect(errors.message(for: "transfers")?.contains("second-opinion") == true)
    }

    @Test func acceptingNewPatientsWithNoOpeningsIsContradictory() {
        let errors = problems { $0.openings = ["medication-management": "0"] }
        #expect(errors.message(for: "acceptingNewPatients") != nil)
    }

    @Test func overLongFieldsAreRefusedWithTheirLength() {
        let errors = problems { $0.credentials = String(repeating: "x", count: 201) }
        #expect(errors.message(for: "credentials") == "Credentials must be at most 200 characters (it has 201).")
    }

    @Test func listsAreTrimmedAndDeduplicated() throws {
        var draft = Self.valid
        draft.languages = " English ,english;Spanish\n , "
        #expect(try draft.validated().languages == ["English", "Spanish"])
    }

    @Test func tooManyListItemsAreRefused() {
        let errors = problems { $0.locations = (1...21).map { "Place \($0)" }.joined(separator: ",") }
        #expect(errors.message(for: "locations")?.contains("at most 20") == true)
    }

    @Test func everyProblemIsReportedAtOnce() {
        let errors = problems {
            $0.displayName = ""
            $0.languages = ""
            $0.modality = "hologram"
        }
        #expect(Set(errors.problems.map(\.field)).isSuperset(of: ["displayName", "languages", "modality"]))
    }
}
