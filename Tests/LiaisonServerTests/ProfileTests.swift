import FluentKit
import Foundation
import LiaisonData
import Testing
@testable import LiaisonServer

@Suite struct ProfileTests {
    static let complete: [(String, String)] = [
        ("displayName", "Dr. Ana Silva"), ("discipline", "psychiatrist"), ("credentials", "MD"), ("about", "Adults with mood disorders."),
        ("contactMethod", "phone"), ("contactPhone", "+1 555 0100"), ("contactEmail", "ana.desk@clinic.example"), ("contactHours", "Weekdays 8-9 am"),
        ("offer.medication-management", "on"), ("openings.medication-management", "3"),
        ("offer.second-opinion", "on"), ("openings.second-opinion", "1"),
        ("openings.psychotherapy", "7"),
        ("acceptingNewPatients", "on"), ("transfers", "second-opinions-only"), ("prioritisesPatientsWithoutPsychiatrist", "on"),
        ("modality", "both"), ("locations", "Riverside, Northgate"), ("languages", "English, Portuguese"), ("insurance", "Medicaid"),
        ("listedInDirectory", "on"),
    ]

    @Test func clinicianCompletesTheirProfileAndItShowsInTheDirectory() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example", in: try await world.organisation())
            let browser = world.browser()
            try await browser.signIn("ana@clinic.example")
            let saved = try await browser.post("/profile", Self.complete)
            #expect(saved.status == .seeOther)
            #expect(saved.location == "/clinicians/\(ana.id!.uuidString.lowercased())")
            let page = try await browser.get(saved.location!)
            #expect(page.body.contains("Profile saved."))
            #expect(page.body.contains("Dr. Ana Silva"))
            #expect(page.body.contains("Medication management: <strong>3 openings</strong>"))
            #expect(page.body.contains("Second-opinion consultation: <strong>1 opening</strong>"))
            #expect(page.body.contains("Second opinions only, no transfers"))
            #expect(page.body.contains("Gives priority to people with no current psychiatrist"))
            #expect(page.body.contains("Riverside Clinic"))
            // Openings for a service that was not ticked are not stored.
            #expect(!page.body.contains("Psychotherapy"))
        }
    }

    @Test func invalidProfileIsExplainedFieldByFieldAndNothingIsSaved() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example", name: "Ana Silva")
            let browser = world.browser()
            try await browser.signIn("ana@clinic.example")
            var fields = Self.complete.filter { !["displayName", "discipline", "openings.medication-management", "contactPhone"].contains($0.0) }
            fields += [("displayName", "   "), ("discipline", "wizard"), ("openings.medication-management", "lots"), ("contactPhone", "")]
            let answer = try await browser.post("/profile", fields)
            #expect(answer.status == .unprocessableContent)
            #expect(answer.body.contains("Name is required."))
            #expect(answer.body.contains("Discipline must be one of: psychiatrist"))
            #expect(answer.body.contains("Openings for medication management must be a whole number from 0 to 500."))
            #expect(answer.body.contains("You prefer phone calls: give a phone number."))
            // What the person typed comes back.
            #expect(answer.body.contains(#"value="Riverside, Northgate""#))
            #expect(try await Profile.query(on: world.database.db()).count() == 0)
            #expect(try await UserAccount.find(ana.id, on: world.database.db())?.displayName == "Ana Silva")
        }
    }

    @Test func invalidEditLeavesTheEarlierProfileIntact() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            try await world.profile(for: ana) { $0.languages = "English, Polish" }
            let browser = world.browser()
            try await browser.signIn("ana@clinic.example")
            let answer = try await browser.post("/profile", Self.complete.filter { $0.0 != "languages" } + [("languages", " , ")])
            #expect(answer.status == .unprocessableContent)
            #expect(answer.body.contains("Name at least one language you work in."))
            let stored = try await world.services.directory.profile(of: ana.requireID())
            #expect(stored?.languages == ["English", "Polish"])
            #expect(stored?.discipline == .psychologist)
        }
    }

    @Test func apiRejectsAnInvalidProfileWithEveryProblem() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let secret = try await TokenService(database: world.database, clock: world.clock).create(for: ana.requireID(), name: "t").secret
            let api = APIClient(client: world.client, token: secret)
            let answer = try await api.call(.put, "/api/v1/me/profile", json: #"{"displayName":"","discipline":"wizard","openings":{"psychotherapy":-1},"modality":"both","languages":["English"],"locations":["Riverside"],"contact":{"preferredMethod":"secure-message"},"intake":{"acceptingNewPatients":false,"transfers":"accepts","prioritisesPatientsWithoutPsychiatrist":false}}"#)
            #expect(answer.status == .unprocessableContent)
            #expect(answer.headers[.contentType] == "application/problem+json")
            let fields = try (answer.json()["errors"] as? [[String: String]] ?? []).compactMap { $0["field"] }
            #expect(Set(fields) == ["displayName", "discipline", "openings.psychotherapy"])
            #expect(try await Profile.query(on: world.database.db()).count() == 0)
        }
    }

    @Test func apiSavesAValidProfile() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let secret = try await TokenService(database: world.database, clock: world.clock).create(for: ana.requireID(), name: "t").secret
            let api = APIClient(client: world.client, token: secret)
            let answer = try await api.call(.put, "/api/v1/me/profile", json: #"{"displayName":"Ana S","discipline":"counsellor","openings":{"psychotherapy":4},"modality":"telehealth","languages":["English","Spanish"],"contact":{"preferredMethod":"secure-message"},"intake":{"acceptingNewPatients":true,"transfers":"accepts","prioritisesPatientsWithoutPsychiatrist":false}}"#)
            #expect(answer.status == .ok)
            let json = try answer.json()
            #expect(json["discipline"] as? String == "counsellor")
            #expect((json["openings"] as? [String: Int])?["psychotherapy"] == 4)
            #expect(try await api.call(.get, "/api/v1/me/profile").status == .ok)
        }
    }

    @Test func malformedJSONIsABadRequest() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let secret = try await TokenService(database: world.database, clock: world.clock).create(for: ana.requireID(), name: "t").secret
            let answer = try await APIClient(client: world.client, token: secret).call(.put, "/api/v1/me/profile", json: #"{"displayName": 42"#)
            #expect(answer.status == .badRequest)
            #expect(try answer.json()["detail"] as? String != nil)
        }
    }
}
