import Foundation
import Testing
@testable import LiaisonCore

@Suite struct DirectoryFilterTests {
    @Test func emptyQueryMeansEveryone() throws {
        #expect(try DirectoryFilter.parse([:]) == DirectoryFilter())
    }

    @Test func readsEveryCriterion() throws {
        let filter = try DirectoryFilter.parse([
            "q": " trauma ", "discipline": "psychologist", "service": "psychotherapy", "openings": "true",
            "language": "Spanish", "insurance": "Medicaid", "modality": "telehealth", "location": "Riverside", "page": "2",
        ])
        #expect(filter == DirectoryFilter(
            text: "trauma", discipline: .psychologist, service: .psychotherapy, withOpenings: true, language: "Spanish",
            insurance: "Medicaid", modality: .telehealth, location: "Riverside", page: 2))
    }

    @Test func blankSelectionsAreIgnored() throws {
        #expect(try DirectoryFilter.parse(["discipline": "", "service": " ", "openings": ""]) == DirectoryFilter())
    }

    @Test(arguments: [
        ("discipline", "wizard"), ("service", "astrology"), ("modality", "hologram"),
        ("openings", "maybe"), ("page", "0"), ("page", "x"), ("q", String(repeating: "a", count: 101)),
    ])
    func refusesUnknownValues(key: String, value: String) {
        #expect(throws: ValidationErrors.self) { try DirectoryFilter.parse([key: value]) }
    }

    @Test func modalityBothServesEveryone() {
        #expect(Modality.both.serves(.inPerson))
        #expect(Modality.telehealth.serves(.both))
        #expect(!Modality.telehealth.serves(.inPerson))
    }
}

@Suite struct OrganisationSettingsTests {
    @Test func validSettings() throws {
        let settings = try OrganisationSettingsDraft(name: "Clinic", kind: "hospital", timeZone: "Europe/London", businessDays: ["2", "3", "4", "5", "6"]).validated()
        #expect(settings.timeZone.identifier == "Europe/London")
        #expect(settings.businessDays == Weekday.mondayToFriday)
    }

    @Test func unknownTimeZoneIsNamed() {
        #expect {
            try OrganisationSettingsDraft(name: "Clinic", kind: "hospital", timeZone: "Mars/Olympus", businessDays: ["2"]).validated()
        } throws: { error in
            (error as? ValidationErrors)?.message(for: "timeZone")?.contains("Mars/Olympus") == true
        }
    }

    @Test func needsAtLeastOneValidBusinessDay() {
        #expect(throws: ValidationErrors.self) {
            try OrganisationSettingsDraft(name: "Clinic", kind: "hospital", timeZone: "UTC", businessDays: []).validated()
        }
        #expect(throws: ValidationErrors.self) {
            try OrganisationSettingsDraft(name: "Clinic", kind: "hospital", timeZone: "UTC", businessDays: ["8"]).validated()
        }
    }

    @Test func businessDaysRoundTripThroughStorage() {
        #expect(Weekday.decode(Weekday.encode(Weekday.mondayToFriday)) == Weekday.mondayToFriday)
        #expect(Weekday.encode([.saturday, .monday]) == "27")
    }
}
