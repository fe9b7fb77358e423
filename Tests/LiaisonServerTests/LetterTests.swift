import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Testing
@testable import LiaisonServer

/// Structured letters between the clinicians of a patient's team.
@Suite struct LetterTests {
    @Test func aTherapistSendsAClinicalUpdateThePsychiatristReadsAndPrints() async throws {
        try await withApp { world in
            let team = try await ConversationTests.team(world)
            let patientPath = "/patients/\(team.patient.id!.uuidString.lowercased())"
            let therapist = world.browser()
            try await therapist.signIn("lindqvist@clinic.example")
            #expect(try await therapist.get(patientPath).body.contains(patientPath + "/letters"))
            #expect(try await therapist.get(patientPath + "/letters").body.contains("No letters yet."))
            let form = try await therapist.get(patientPath + "/letters/new?kind=clinical-update")
            #expect(form.body.contains("Why you are writing, in a sentence or two."), "the template's guidance")
            #expect(form.body.contains("Dr. Okafor") && form.body.contains("Dr. Haddad") && !form.body.contains(">Dr. Lindqvist</option>"))

            let okafor = team.okafor.id!.uuidString.lowercased()
            let missing = try await therapist.post(patientPath + "/letters", [("kind", "clinical-update"), ("recipientID", okafor), ("situation", "Sleep worse since the increase."), ("plan", "")])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.body.contains("Plan is required."))
            #expect(missing.body.contains("Sleep worse since the increase."), "what was typed is kept")
            #expect(try await LetterRecord.query(on: world.database.db()).count() == 0)

            let sent = try await therapist.post(patientPath + "/letters", [
                ("kind", "clinical-update"), ("recipientID", okafor), ("situation", "Sleep worse since the increase."),
                ("findings", "PHQ-9 rose from 12 to 16."), ("plan", "Weekly CBT continues."), ("questions", "Would you review the dose before the 14th?"),
            ])
            let letterPath = try #require(sent.location)
            let printable = try await therapist.get(letterPath)
            #expect(printable.body.contains("Clinical update"))
            #expect(printable.body.contains("PHQ-9 rose from 12 to 16."))
            #expect(printable.body.contains("Specific questions"))

            #expect(try await world.notifications(for: team.okafor).contains { $0.contains("sent you a clinical update about Sam Rivera") })
            let email = try #require(try await world.outbox(to: team.okafor.email).first)
            #expect(email.body.contains("https://liaison.test" + letterPath))
            #expect(!email.body.contains("Sam") && !email.body.contains("PHQ"))

            let psychiatrist = world.browser()
            try await psychiatrist.signIn("okafor@clinic.example")
            #expect(try await psychiatrist.get(patientPath + "/letters").body.contains("New"))
            #expect(try await psychiatrist.get(letterPath).body.contains("Would you review the dose"))
            #expect(try await therapist.get(patientPath + "/letters").body.contains("Opened"))

            // On the team but neither writer nor recipient, or off the team: not found.
            let primary = world.browser()
            try await primary.signIn("haddad@clinic.example")
            #expect(try await primary.get(letterPath).status == .notFound)
            let outsider = try await world.apiToken(for: team.brennan)
            #expect(try await outsider.call(.get, "/api/v1" + letterPath).status == .notFound)
            #expect(try await outsider.call(.get, "/api/v1" + patientPath + "/letters").status == .notFound)

            let events = try await PatientEvent.query(on: world.database.db()).filter(\.$patient.$id == team.patient.id!).all().map(\.summary)
            #expect(events.contains("Dr. Lindqvist sent Dr. Okafor a letter (clinical update)."))
            let actions = try await world.auditEntries(for: team.patient).map(\.action)
            #expect(actions.contains("letter.send") && actions.contains("letter.read"))
        }
    }

    @Test func theAPISendsListsAndRefusesWhatThePatientsConsentOrTheTemplateDoesNotAllow() async throws {
        try await withApp { world in
            let team = try await ConversationTests.team(world)
            _ = try await world.patientService.updateConsent(of: team.patient.id!, withheld: ["primary-care:therapist"], by: world.caller(team.lindqvist))
            let api = try await world.apiToken(for: team.lindqvist)
            let path = "/api/v1/patients/\(team.patient.id!.uuidString.lowercased())/letters"
            let okafor = team.okafor.id!.uuidString, haddad = team.haddad.id!.uuidString
            for (json, field) in [
                (#"{"kind":"referral","recipientID":"\#(okafor)","sections":{"reason":"x"}}"#, "kind"),
                (#"{"kind":"poem","recipientID":"\#(okafor)","sections":{}}"#, "kind"),
                (#"{"kind":"progress","recipientID":"someone","sections":{"summary":"Better."}}"#, "recipientID"),
                (#"{"kind":"progress","recipientID":"\#(haddad)","sections":{"summary":"Better."}}"#, "recipientID"),
                (#"{"kind":"progress","recipientID":"\#(okafor)","sections":{"summary":""}}"#, "summary"),
                (#"{"kind":"progress","recipientID":"\#(okafor)","sections":{"summary":"\#(String(repeating: "y", count: 1501))"}}"#, "summary"),
            ] {
                let answer = try await api.call(.post, path, json: json)
                #expect(answer.status == .unprocessableContent, "\(json.prefix(90))")
                #expect(answer.body.contains(field), "\(json.prefix(90))")
            }
            #expect(try await LetterRecord.query(on: world.database.db()).count() == 0)
            let sent = try await api.call(.post, path, json: #"{"kind":"progress","recipientID":"\#(okafor)","sections":{"summary":"Better sleep this week."}}"#)
            #expect(sent.status == .created)
            let body = try sent.json()
            #expect(body["recipientName"] as? String == "Dr. Okafor")
            #expect(((body["sections"] as? [[String: Any]])?.first?["text"] as? String) == "Better sleep this week.")
            let listed = try await api.call(.get, path).json()
            #expect((listed["letters"] as? [[String: Any]])?.count == 1)
            #expect(try await world.apiToken(for: team.haddad).call(.get, path).json()["letters"].map { ($0 as? [Any])?.isEmpty } == true)
        }
    }
}

extension LetterTests {
    @Test func theAuthorSharesALetterWithThePatientWhoReadsItInTheirPortal() async throws {
        try await withApp { world in
            let team = try await ConversationTests.team(world)
            let db = world.database.db()
            let sent = try await world.services.letters.send(
                .init(kind: "clinical-update", recipientID: team.okafor.id!.uuidString, sections: ["situation": "Sleep is better.", "plan": "Weekly CBT continues."]),
                about: team.patient.id!, by: world.caller(team.lindqvist))
            // The patient's own portal account.
            let sam = try await world.person("sam@example.org", name: "Sam Rivera")
            sam.kind = UserAccount.patientKind
            try await sam.save(on: db)
            team.patient.portalUserID = sam.id
            try await team.patient.save(on: db)
            let patient = world.browser()
            try await patient.signIn("sam@example.org")
            let portalLetter = SiteURL.portalLetter(sent.id!).path
            #expect(try await patient.get(portalLetter).status == .notFound, "not shared yet")
            #expect(!(try await patient.get("/portal").body.contains("Letters your clinicians shared with you")))

            // Only the author shares it; the recipient cannot.
            let recipient = world.browser()
            try await recipient.signIn(team.okafor.email)
            #expect(!(try await recipient.get(SiteURL.letter(sent.id!).path).body.contains("Share this letter with the patient")))
            #expect(try await recipient.post(SiteURL.letterRelease(sent.id!).path, []).status == .notFound)
            let author = world.browser()
            try await author.signIn("lindqvist@clinic.example")
            #expect(try await author.get(SiteURL.letter(sent.id!).path).body.contains("Share this letter with the patient"))
            #expect(try await author.post(SiteURL.letterRelease(sent.id!).path, []).status == .seeOther)
            #expect(try await author.get(SiteURL.letter(sent.id!).path).body.contains("Shared with the patient on"))
            let again = try await world.apiToken(for: team.lindqvist).call(.post, APIURL.letterRelease(sent.id!).path)
            #expect(again.status == .conflict)

            let portal = try await patient.get("/portal")
            #expect(portal.body.contains("Letters your clinicians shared with you") && portal.body.contains(portalLetter))
            let letter = try await patient.get(portalLetter)
            #expect(letter.status == .ok && letter.body.contains("Sleep is better.") && letter.body.contains("Back to my care"))
            let actions = try await world.auditEntries(for: team.patient).map(\.action)
            #expect(actions.contains("letter.release") && actions.filter { $0 == "letter.read" }.count >= 1)
            #expect(try await patient.get("/portal").body.contains("shared a letter with you in your portal"))
        }
    }
}
