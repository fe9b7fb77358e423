import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import LiaisonTestSupport
import Testing
@testable import LiaisonServer

@Suite struct MatchingPagesTests {
    /// A patient of Dr. Haddad's (primary care, no psychiatrist on the team) and four psychiatrists.
    static func world(_ world: TestWorld) async throws -> (haddad: UserAccount, patient: Patient, clinicians: [String: UserAccount]) {
        let haddad = try await world.person("haddad@clinic.example", name: "Dr. Haddad")
        let patient = try await world.patient(registeredBy: haddad, role: .primaryCare)
        var clinicians: [String: UserAccount] = [:]
        let people: [(String, [String: String], Bool, Bool, String)] = [
            ("Dr. Priority", ["medication-management": "1"], true, true, "English, Spanish"),
            ("Dr. Plenty", ["medication-management": "3"], true, false, "English, Spanish"),
            ("Dr. Closed", ["medication-management": "2"], false, false, "English, Spanish"),
            ("Dr. Therapist", ["psychotherapy": "4"], true, false, "English, Spanish"),
        ]
        for (name, openings, accepting, priority, languages) in people {
            let user = try await world.person("\(name.lowercased().replacing(" ", with: "").replacing(".", with: ""))@clinic.example", name: name)
            try await world.profile(for: user) {
                $0.discipline = "psychiatrist"
                $0.openings = openings
                $0.acceptingNewPatients = accepting
                $0.prioritisesPatientsWithoutPsychiatrist = priority
                $0.languages = languages
            }
            clinicians[name] = user
        }
        return (haddad, patient, clinicians)
    }

    @Test func aTeamMemberSeesWhoFitsAndWhyAndStartsAReferralFilledIn() async throws {
        try await withApp { world in
            let (haddad, patient, clinicians) = try await Self.world(world)
            let browser = world.browser()
            try await browser.signIn(haddad.email)
            let id = patient.id!.uuidString.lowercased()
            #expect(try await browser.get("/patients/\(id)").body.contains("/patients/\(id)/matches"))
            let blank = try await browser.get("/patients/\(id)/matches")
            #expect(blank.status == .ok)
            #expect(blank.body.contains("Find clinicians"))

            let page = try await browser.get("/patients/\(id)/matches?service=medication-management&urgency=urgent&language=Spanish")
            #expect(page.status == .ok)
            let priority = try #require(page.body.range(of: "Dr. Priority</strong>")), plenty = try #require(page.body.range(of: "Dr. Plenty</strong>"))
            #expect(priority.lowerBound < plenty.lowerBound)
            #expect(page.body.contains("gives priority to people without a psychiatrist; 1 opening for medication management; speaks Spanish"))
            #expect(page.body.contains("Dr. Closed</a>: not accepting new patients"))
            #expect(!page.body.contains("Dr. Therapist"))
            let refer = "/referrals/new?patientID=\(id)&amp;recipientID=\(clinicians["Dr. Priority"]!.id!.uuidString.lowercased())&amp;urgency=urgent&amp;service=medication-management"
            #expect(page.body.contains(refer))
            let form = try await browser.get(refer.replacing("&amp;", with: "&"))
            #expect(form.status == .ok)
            #expect(form.body.contains("value=\"\(clinicians["Dr. Priority"]!.id!.uuidString.lowercased())\" checked"))
            // A referral being drafted leads back to the ranked list for its patient.
            #expect(form.body.contains("href=\"/patients/\(id)/matches\""))
            #expect(try await world.auditEntries(for: patient).contains { $0.action == "match.search" })

            // The same through the API.
            let api = try await world.apiToken(for: haddad)
            let answer = try await api.call(.get, "/api/v1/patients/\(id)/matches?service=medication-management&language=Spanish")
            #expect(answer.status == .ok)
            let json = try answer.json()
            #expect(json["patientHasPsychiatrist"] as? Bool == false)
            let matches = try #require(json["matches"] as? [[String: Any]])
            #expect(matches.map { $0["name"] as? String } == ["Dr. Priority", "Dr. Plenty"])
            #expect((matches[0]["reasons"] as? [String])?.first == "gives priority to people without a psychiatrist")
            let excluded = try #require(json["excluded"] as? [[String: Any]])
            #expect(excluded.map { $0["reason"] as? String } == ["not accepting new patients"])
        }
    }

    @Test func aPatientWithAPsychiatristDoesNotJumpTheQueue() async throws {
        try await withApp { world in
            let (haddad, patient, _) = try await Self.world(world)
            let prescriber = try await world.person("prescriber@clinic.example")
            try await world.addToTeam(patient, prescriber, as: .prescriber, by: haddad)
            let api = try await world.apiToken(for: haddad)
            let json = try await api.call(.get, "/api/v1/patients/\(patient.id!.uuidString.lowercased())/matches?service=medication-management").json()
            #expect(json["patientHasPsychiatrist"] as? Bool == true)
            #expect((json["matches"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Dr. Plenty", "Dr. Priority"])
        }
    }

    @Test func onlyTheCareTeamMayAskAndBadRequestsAreNamed() async throws {
        try await withApp { world in
            let (haddad, patient, clinicians) = try await Self.world(world)
            let id = patient.id!.uuidString.lowercased()
            let outsider = try await world.apiToken(for: clinicians["Dr. Plenty"]!)
            #expect(try await outsider.call(.get, "/api/v1/patients/\(id)/matches?service=psychotherapy").status == .notFound)
            // Not even a malformed request tells an outsider anything.
            #expect(try await outsider.call(.get, "/api/v1/patients/\(id)/matches").status == .notFound)
            #expect(try await outsider.call(.post, "/api/v1/patients/\(id)/waitlist").status == .notFound)
            let browser = world.browser()
            try await browser.signIn(clinicians["Dr. Plenty"]!.email)
            #expect(try await browser.get("/patients/\(id)/matches").status == .notFound)
            #expect(try await browser.get("/patients/\(id)/matches?service=psychotherapy").status == .notFound)
            let api = try await world.apiToken(for: haddad)
            let bad = try await api.call(.get, "/api/v1/patients/\(id)/matches?service=surgery&modality=teleport")
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains("\"service\"") && bad.body.contains("\"modality\""))
            #expect(try await api.call(.get, "/api/v1/patients/\(id)/matches").status == .unprocessableContent)
            let page = world.browser()
            try await page.signIn(haddad.email)
            let form = try await page.get("/patients/\(id)/matches?service=surgery")
            #expect(form.status == .unprocessableContent)
            #expect(form.body.contains("Service"))
        }
    }
}
