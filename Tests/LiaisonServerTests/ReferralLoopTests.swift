import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Testing
@testable import LiaisonServer

@Suite struct ReferralLoopTests {
    static let acknowledgement = [
        ("presentingProblem", "Panic disorder without agoraphobia."), ("plan", "CBT weekly for 12 weeks."),
        ("contact", "Secure message; replies within a day."),
    ]

    /// Dr. Haddad (primary care, on the team) refers Sam to Dr. Lindqvist (psychologist, not on the team).
    func setUp(_ world: TestWorld) async throws -> (patient: Patient, haddad: UserAccount, lindqvist: UserAccount) {
        let clinic = try await world.organisation()
        let haddad = try await world.person("haddad@clinic.example", name: "Dr. Haddad", in: clinic)
        let lindqvist = try await world.person("lindqvist@clinic.example", name: "Dr. Lindqvist", in: clinic)
        try await world.profile(for: lindqvist)
        let patient = try await world.patient(registeredBy: haddad, role: .primaryCare, at: clinic)
        return (patient, haddad, lindqvist)
    }

    @Test func aFullLoopRunInTheBrowserByBothSides() async throws {
        try await withApp { world in
            let (patient, _, lindqvist) = try await setUp(world)
            let referrer = world.browser()
            try await referrer.signIn("haddad@clinic.example")
            let form = try await referrer.get("/referrals/new?discipline=psychologist")
            #expect(form.body.contains("Dr. Lindqvist"))
            #expect(form.body.contains("Psychotherapy: 2 openings"))
            let sent = try await referrer.post("/referrals", [
                ("patientID", patient.id!.uuidString.lowercased()), ("recipientID", lindqvist.id!.uuidString.lowercased()),
                ("urgency", "routine"), ("reason", "Panic attacks twice weekly."), ("questions", "Is CBT suitable?"), ("hopes", "Back to work."),
                ("save", "send"),
            ])
            let path = try #require(sent.location)
            let waiting = try await referrer.get("/referrals")
            #expect(waiting.body.contains("Rivera, Sam"))
            #expect(!waiting.body.contains("0 overdue"))

            let recipient = world.browser()
            try await recipient.signIn("lindqvist@clinic.example")
            let owed = try await recipient.get("/referrals")
            #expect(owed.body.contains("Acknowledgement"))
            // Before accepting, the recipient sees only what the referral carries.
            #expect(try await recipient.get("/patients/\(patient.id!.uuidString.lowercased())").status == .notFound)
            let opened = try await recipient.get(path)
            #expect(opened.body.contains("Panic attacks twice weekly."))
            #expect(opened.body.contains("Received"))
            let accepted = try await recipient.post(path + "/accept", Self.acknowledgement)
            #expect(accepted.status == .seeOther)
            #expect(try await recipient.get("/patients/\(patient.id!.uuidString.lowercased())").status == .ok)

            let haddadView = try await referrer.get(path)
            #expect(haddadView.body.contains("CBT weekly for 12 weeks."))
            #expect(try await referrer.get("/notifications").body.contains("Dr. Lindqvist accepted your referral"))

            // The recipient's actions are folded, one open at a time; the referrer is told why they have none of them.
            let actions = try await recipient.get(path).body
            #expect(actions.components(separatedBy: "<details name=\"referral-action\"").count - 1 == 4, "schedule, start care, progress, close, and nothing else")
            #expect(!actions.contains("referral-action\" class=\"action\" open"))
            #expect(try await referrer.get(path).body.contains("Close with closing note: Only the receiving clinician can close with closing note."))
            #expect(try await recipient.post(path + "/schedule", [("firstAppointment", "2027-02-01")]).status == .seeOther)
            // The first appointment is on the referral for both sides, and on the patient's record with the referral.
            #expect(try await referrer.get(path).body.contains("First appointment Mon, 1 Feb 2027"))
            let record = try await referrer.get("/patients/\(patient.id!.uuidString.lowercased())").body
            #expect(record.contains("First appointment scheduled") && record.contains("Mon, 1 Feb 2027") && record.contains("href=\"\(path)\""))
            #expect(try await recipient.post(path + "/start-care", []).status == .seeOther)
            #expect(try await recipient.post(path + "/progress", [("summary", "Attacks down to one a fortnight.")]).status == .seeOther)
            #expect(try await recipient.post(path + "/discharge", []).status == .seeOther)
            #expect(try await recipient.get("/referrals").body.contains("Closing summary"))
            let closed = try await recipient.post(path + "/close", [
                ("course", "12 sessions of CBT."), ("outcome", "No attacks in 4 weeks."), ("recommendations", "Re-refer if attacks return."),
            ])
            #expect(closed.status == .seeOther)
            let final = try await referrer.get(path)
            #expect(final.body.contains("Closed"))
            #expect(final.body.contains("Re-refer if attacks return."))
            let stored = try #require(try await Referral.find(UUID(uuidString: String(path.split(separator: "/").last!)), on: world.database.db()))
            let letter = try await referrer.get(path + "/letter")
            #expect(letter.body.contains("Referral letter"))
            let notes = try await ReferralNoteRecord.query(on: world.database.db()).filter(\.$referral.$id == stored.requireID()).all()
            #expect(notes.map(\.kind) == ["acknowledgement", "progress", "closing"])
            let closingLetter = try await referrer.get(path + "/letter/\(notes[2].id!.uuidString.lowercased())")
            #expect(closingLetter.body.contains("Closing summary"))
            #expect(closingLetter.body.contains("From:</strong> Dr. Lindqvist"))
        }
    }

    @Test func aDraftIsSentLaterAndOnlyThenStartsTheClock() async throws {
        try await withApp { world in
            let (patient, haddad, lindqvist) = try await setUp(world)
            let api = try await world.apiToken(for: haddad)
            let created = try await api.call(.post, "/api/v1/referrals", json: """
                {"patientID":"\(patient.id!.uuidString)","recipientID":"\(lindqvist.id!.uuidString)","urgency":"urgent","letter":{"reason":"Panic attacks."},"draft":true}
                """)
            #expect(created.status == .created)
            let draft = try created.json()
            #expect(draft["state"] as? String == "draft")
            #expect(draft["acknowledgementDueAt"] == nil)
            #expect(try await world.notifications(for: lindqvist).isEmpty)
            let id = try #require(draft["id"] as? String)
            let sent = try await api.call(.post, "/api/v1/referrals/\(id)/actions/send")
            #expect(sent.status == .ok)
            #expect(try sent.json()["state"] as? String == "sent")
            #expect(try sent.json()["acknowledgementDueAt"] != nil)
            #expect(try await world.notifications(for: lindqvist).count == 1)
            let actions = try await AuditEntry.query(on: world.database.db()).filter(\.$subject == "referral:\(id.uppercased())").all().map(\.action)
            #expect(actions.filter { $0 == "referral.send" }.count == 1)
            #expect(try await api.call(.post, "/api/v1/referrals/\(id)/actions/send").status == .conflict)
        }
    }

    @Test func acceptingNeedsTheAcknowledgementNote() async throws {
        try await withApp { world in
            let (patient, haddad, lindqvist) = try await setUp(world)
            let referral = try await world.referral(patient, from: haddad, to: lindqvist)
            let browser = world.browser()
            try await browser.signIn("lindqvist@clinic.example")
            let answer = try await browser.post("/referrals/\(referral.id!.uuidString.lowercased())/accept", [("presentingProblem", "Panic.")])
            #expect(answer.status == .unprocessableContent)
            #expect(answer.body.contains("Focus and plan of treatment is required."))
            #expect(try await Referral.find(referral.id, on: world.database.db())?.state == "received")
            #expect(try await CareTeamMember.query(on: world.database.db()).filter(\.$user.$id == lindqvist.requireID()).count() == 0)
        }
    }

    @Test func illegalTransitionNamesTheStateAndTheAllowedActions() async throws {
        try await withApp { world in
            let (patient, haddad, lindqvist) = try await setUp(world)
            let referral = try await world.referral(patient, from: haddad, to: lindqvist)
            let api = try await world.apiToken(for: lindqvist)
            let answer = try await api.call(.post, "/api/v1/referrals/\(referral.id!.uuidString.lowercased())/actions/close", json: #"{"course":"x","outcome":"y","recommendations":"z"}"#)
            #expect(answer.status == .conflict)
            let json = try answer.json()
            #expect(json["currentState"] as? String == "sent")
            #expect(json["allowedActions"] as? [String] == ["receive", "accept", "decline"])
            #expect((json["detail"] as? String)?.contains("A referral that is sent cannot be closed.") == true)
        }
    }

    @Test func onlyTheRecipientAcknowledgesAndOnlyTheReferrerCancels() async throws {
        try await withApp { world in
            let (patient, haddad, lindqvist) = try await setUp(world)
            let referral = try await world.referral(patient, from: haddad, to: lindqvist)
            let id = referral.id!.uuidString.lowercased()
            let referrerAPI = try await world.apiToken(for: haddad)
            let accept = try await referrerAPI.call(.post, "/api/v1/referrals/\(id)/actions/accept", json: #"{"presentingProblem":"a","plan":"b","contact":"c"}"#)
            #expect(accept.status == .conflict)
            #expect(accept.body.contains("Only the receiving clinician"))
            let cancel = try await world.apiToken(for: lindqvist).call(.post, "/api/v1/referrals/\(id)/actions/cancel", json: #"{"reason":"no"}"#)
            #expect(cancel.status == .conflict)
            #expect(cancel.body.contains("Only the referring clinician can cancel."))
            let cancelled = try await referrerAPI.call(.post, "/api/v1/referrals/\(id)/actions/cancel", json: #"{"reason":"Patient moved away."}"#)
            #expect(cancelled.status == .ok)
            #expect(try cancelled.json()["state"] as? String == "cancelled")
            #expect(try await world.notifications(for: lindqvist).contains { $0.contains("cancelled a referral: Patient moved away.") })
        }
    }

    @Test func outsidersCannotSeeAReferral() async throws {
        try await withApp { world in
            let (patient, haddad, lindqvist) = try await setUp(world)
            let referral = try await world.referral(patient, from: haddad, to: lindqvist)
            let eve = try await world.person("eve@clinic.example", in: try await world.organisation("Elsewhere"))
            let api = try await world.apiToken(for: eve)
            #expect(try await api.call(.get, "/api/v1/referrals/\(referral.id!.uuidString.lowercased())").status == .notFound)
            #expect(try await api.call(.post, "/api/v1/referrals/\(referral.id!.uuidString.lowercased())/actions/accept", json: #"{"presentingProblem":"a","plan":"b","contact":"c"}"#).status == .notFound)
            let browser = world.browser()
            try await browser.signIn(eve.email)
            #expect(try await browser.get("/referrals/\(referral.id!.uuidString.lowercased())").status == .notFound)
            #expect(try await browser.get("/referrals/\(referral.id!.uuidString.lowercased())/letter").status == .notFound)
        }
    }

    @Test func onlyTheCareTeamCanRefer() async throws {
        try await withApp { world in
            let (patient, _, lindqvist) = try await setUp(world)
            let api = try await world.apiToken(for: lindqvist)
            let answer = try await api.call(.post, "/api/v1/referrals", json: """
                {"patientID":"\(patient.id!.uuidString)","recipientID":"\(UUID().uuidString)","urgency":"routine","letter":{"reason":"x"}}
                """)
            #expect(answer.status == .notFound)
            #expect(try await Referral.query(on: world.database.db()).count() == 0)
        }
    }

    @Test func invalidReferralIsExplainedAndNotSaved() async throws {
        try await withApp { world in
            let (patient, haddad, _) = try await setUp(world)
            let answer = try await world.apiToken(for: haddad).call(.post, "/api/v1/referrals", json: """
                {"patientID":"\(patient.id!.uuidString)","urgency":"whenever","letter":{}}
                """)
            #expect(answer.status == .unprocessableContent)
            let fields = Set(try (answer.json()["errors"] as? [[String: String]] ?? []).compactMap { $0["field"] })
            #expect(fields == ["urgency", "reason", "recipient"])
            #expect(try await Referral.query(on: world.database.db()).count() == 0)
        }
    }

    @Test func aDeclineRefusedForBadInputKeepsWhatWasTyped() async throws {
        try await withApp { world in
            let (patient, haddad, lindqvist) = try await setUp(world)
            let referral = try await world.referral(patient, from: haddad, to: lindqvist)
            let browser = world.browser()
            try await browser.signIn(lindqvist.email)
            let page = try await browser.post(
                "/referrals/\(referral.id!.uuidString.lowercased())/decline", [("reason", "Full until the spring term."), ("redirectTo", "not an address")])
            #expect(page.status == .unprocessableContent)
            #expect(page.body.contains("required>Full until the spring term.</textarea>"))
            // Only in the form it was typed in: the cancel form (the referrer's) is not on this page, and
            // no other reason box repeats it.
            #expect(page.body.components(separatedBy: "Full until the spring term.").count == 2)
        }
    }

    @Test func declineWithRedirectSendsALinkedReferral() async throws {
        try await withApp { world in
            let (patient, haddad, lindqvist) = try await setUp(world)
            let feld = try await world.person("feld@clinic.example", name: "Dr. Feld")
            let referral = try await world.referral(patient, from: haddad, to: lindqvist)
            let browser = world.browser()
            try await browser.signIn("lindqvist@clinic.example")
            let declined = try await browser.post("/referrals/\(referral.id!.uuidString.lowercased())/decline", [("reason", "No openings until spring."), ("redirectTo", "feld@clinic.example")])
            #expect(declined.status == .seeOther)
            #expect(try await Referral.find(referral.id, on: world.database.db())?.state == "declined")
            let linked = try #require(try await Referral.query(on: world.database.db()).filter(\.$redirectedFromID == referral.id).first())
            #expect(linked.$recipient.id == feld.id)
            #expect(linked.state == "sent")
            #expect(linked.$referrer.id == haddad.id)
            #expect(try await world.notifications(for: haddad).last?.contains("redirected it to Dr. Feld") == true)
            #expect(try await world.notifications(for: feld).contains { $0.contains("New routine referral from Dr. Haddad") })
        }
    }

    @Test func intakeReferralIsOwedByEveryMemberUntilOneAccepts() async throws {
        try await withApp { world in
            let (patient, haddad, _) = try await setUp(world)
            let intake = try await world.organisation("Riverside Intake")
            let a = try await world.person("a@riverside.example", in: intake)
            let b = try await world.person("b@riverside.example", in: intake)
            let referral = try await world.referralService.create(
                .init(patientID: patient.id, recipientID: nil, recipientOrganisationID: intake.id, urgency: "urgent", letter: TestWorld.letter, sendNow: true),
                by: world.caller(haddad))
            let aAPI = try await world.apiToken(for: a), bAPI = try await world.apiToken(for: b)
            #expect(try await bAPI.call(.get, "/api/v1/referrals?box=owed").body.contains(referral.id!.uuidString))
            let accepted = try await aAPI.call(.post, "/api/v1/referrals/\(referral.id!.uuidString.lowercased())/actions/accept", json: #"{"presentingProblem":"a","plan":"b","contact":"c"}"#)
            #expect(accepted.status == .ok)
            #expect(try accepted.json()["recipientID"] as? String == a.id!.uuidString)
            #expect(!(try await bAPI.call(.get, "/api/v1/referrals?box=owed").body.contains(referral.id!.uuidString)))
            #expect(try await bAPI.call(.get, "/api/v1/referrals/\(referral.id!.uuidString.lowercased())").status == .notFound)
        }
    }
}
