import FluentKit
import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData
import Testing
@testable import LiaisonServer

/// Measurement-based care: questionnaires asked for and completed in the portal or entered by a
/// clinician, scored by the published rules, charted, and the alerts they raise reaching the
/// team at once, acknowledged once, escalated when nobody does.
@Suite struct MeasurementTests {
    struct Case {
        let team: SplitTreatment
        let portal: UserAccount
        var patient: Patient { team.patient }
        var clinic: Organisation { team.clinic }
        /// The responsible prescriber.
        var sato: UserAccount { team.sato }
        /// The therapist.
        var delgado: UserAccount { team.delgado }
        var administrator: UserAccount { team.administrator }
        var outsider: UserAccount { team.outsider }
    }

    static func setUp(_ world: TestWorld) async throws -> Case {
        let team = try await world.splitTreatment()
        let portal = try await world.person("sam@example.org", name: "Sam Rivera", kind: UserAccount.patientKind)
        team.patient.portalUserID = portal.id
        try await team.patient.save(on: world.database.db())
        return Case(team: team, portal: portal)
    }

    /// PHQ-9 answers adding up to `total` (items 1–8 first), with item 9 as given.
    static func phq9(total: Int, item9: Int = 0) -> [(String, String)] {
        var left = total - item9
        var answers: [(String, String)] = []
        for item in 1...8 {
            let value = min(3, left)
            answers.append((String(item), String(value)))
            left -= value
        }
        return answers + [("9", String(item9))]
    }

    @Test func thePatientAnswersItem9AboveZeroSeesCrisisResourcesAndTheWholeTeamIsAlertedOnce() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let measures = "/patients/\(c.patient.id!.uuidString.lowercased())/measures"
            let sato = world.browser()
            try await sato.signIn("sato@clinic.example")
            let bad = try await sato.post(measures, [("instrument", "phq-10"), ("dueInDays", "7")])
            #expect(bad.status == .unprocessableContent)
            #expect(try await sato.post(measures, [("instrument", "phq-9"), ("dueInDays", "7"), ("repeatDays", "28")]).status == .seeOther)

            let sam = world.browser()
            try await sam.signIn("sam@example.org")
            let portal = try await sam.get("/portal")
            #expect(portal.body.contains("Questionnaires from your care team"))
            let request = try #require(try await QuestionnaireRequest.query(on: world.database.db()).first())
            let form = "/portal/questionnaires/\(request.id!.uuidString.lowercased())"
            let page = try await sam.get(form)
            #expect(page.body.contains("Question 9 of 10"))
            #expect(page.body.contains("Thoughts that you would be better off dead"))
            let missing = try await sam.post(form, Array(Self.phq9(total: 12, item9: 1).prefix(8)))
            #expect(missing.status == .unprocessableContent)
            #expect(missing.body.contains("Answer question 9"))
            let outOfRange = try await sam.post(form, Array(Self.phq9(total: 12, item9: 1).dropLast()) + [("9", "4")])
            #expect(outOfRange.status == .unprocessableContent)
            #expect(try await QuestionnaireResponse.query(on: world.database.db()).count() == 0, "bad answers change nothing")

            // As the page sends it: the answers and the form's own hidden field.
            let sent = try await sam.post(form, Self.phq9(total: 12, item9: 1) + [("difficulty", "1"), ("instrument", "phq-9")])
            #expect(sent.status == .seeOther)
            let done = try await sam.get(try #require(sent.location))
            #expect(done.body.contains("If you are in crisis"))
            #expect(done.body.contains("988"))
            #expect(done.body.contains("Your care team has been told"))
            #expect(try await sam.post(form, Self.phq9(total: 12, item9: 1)).status == .conflict, "completed once")

            let stored = try #require(try await QuestionnaireResponse.query(on: world.database.db()).first())
            #expect(stored.total == 12)
            #expect(stored.band == "Moderate")
            #expect(stored.answerValues["difficulty"] == 1)
            #expect(!stored.onBehalf)
            // Re-administration: the next PHQ-9 is due four weeks on.
            let next = try await MeasurementQueries.openRequests(of: c.patient.id!, on: world.database.db())
            #expect(next.count == 1)
            #expect(next.first.map { abs($0.dueAt.timeIntervalSince(world.clock.now()) - 28 * 86400) < 1 } == true)

            // The psychiatrist and the therapist both hear at once; the email names nobody.
            for person in [c.sato, c.delgado] {
                let notices = try await world.notifications(for: person).filter { $0.contains("PHQ-9 item 9") }
                #expect(notices.count == 1, "\(person.displayName)")
                #expect(notices.first?.contains("not a risk assessment") == true)
            }
            for address in ["sato@clinic.example", "delgado@clinic.example"] {
                let emails = try await world.outbox(to: address).filter { $0.subject.contains("needs a clinician today") }
                #expect(emails.count == 1)
                #expect(emails.allSatisfy { !$0.body.contains("Rivera") && !$0.body.contains("Sam") })
            }
            #expect(try await world.notifications(for: c.outsider).isEmpty)
            #expect(try await sato.get("/").body.contains("Alerts to acknowledge"))

            // The record shows the chart; the measures page the alert, acknowledged once.
            let record = try await sato.get("/patients/\(c.patient.id!.uuidString.lowercased())").body
            #expect(record.contains("role=\"img\""))
            #expect(record.contains("1 alert needs acknowledging"))
            let flag = try #require(try await MeasurementFlag.query(on: world.database.db()).first())
            #expect(try await sato.post("/alerts/\(flag.id!.uuidString.lowercased())/acknowledge", [("note", "Called Sam; safety plan reviewed.")]).status == .seeOther)
            let again = try await world.apiToken(for: c.delgado).call(.post, "/api/v1/alerts/\(flag.id!.uuidString.lowercased())/acknowledge")
            #expect(again.status == .conflict)
            #expect(again.body.contains("already acknowledged by Dr. Sato"))
            #expect(try await world.notifications(for: c.delgado).contains { $0.contains("Dr. Sato acknowledged the alert") && $0.contains("safety plan reviewed") })
            #expect(try await world.services.measurement.sweep() == 0, "an acknowledged alert is not escalated")
            let actions = try await world.auditEntries(for: c.patient).map(\.action)
            for action in ["questionnaire.request", "questionnaire.respond", "flag.raise", "flag.acknowledge"] { #expect(actions.contains(action), "\(action)") }
        }
    }

    @Test func anAlertNobodyAcknowledgesIsEscalatedOnceWithoutTheName() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let service = world.services.measurement
            let submitted = try await service.enter("phq-9", answers: Dictionary(uniqueKeysWithValues: Self.phq9(total: 6, item9: 2)), for: c.patient.id!, requestID: nil, by: world.caller(c.delgado))
            #expect(submitted.flags == [.selfHarmItem])
            #expect(submitted.response.onBehalf)
            world.clock.advance(by: 3 * 3600)
            #expect(try await service.sweep() == 0, "within the four hours")
            world.clock.advance(by: 3600 + 1)
            async let first = service.sweep()
            async let second = service.sweep()
            #expect(try await first + second == 1)
            #expect(try await world.notifications(for: c.sato).contains { $0.contains("Still not acknowledged") })
            let administrators = try await world.notifications(for: c.administrator)
            #expect(administrators.count == 1)
            #expect(administrators.allSatisfy { !$0.contains("Rivera") && $0.contains("not been acknowledged") })
        }
    }

    @Test func notImprovingAfterTenWeeksPutsThePatientUpForCaseReviewOnceAndAResponseDoesNot() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let service = world.services.measurement
            let sato = world.caller(c.sato)
            func enter(_ total: Int) async throws -> [FlagKind] {
                try await service.enter("phq-9", answers: Dictionary(uniqueKeysWithValues: Self.phq9(total: total)), for: c.patient.id!, requestID: nil, by: sato).flags
            }
            #expect(try await enter(20) == [], "the baseline")
            world.clock.advance(by: 9 * 7 * 86400)
            #expect(try await enter(16) == [], "before ten weeks")
            world.clock.advance(by: 7 * 86400)
            #expect(try await enter(15) == [.notImproving])
            world.clock.advance(by: 7 * 86400)
            #expect(try await enter(14) == [], "not again while the review is open")
            let delgado = world.browser()
            try await delgado.signIn("delgado@clinic.example")
            let measures = try await delgado.get("/patients/\(c.patient.id!.uuidString.lowercased())/measures")
            #expect(measures.body.contains("Not improving: needs case review"))
            #expect(measures.body.contains("ask for a second opinion"))
            #expect(measures.body.contains("Every response, newest first"))
            let flag = try #require(try await MeasurementFlag.query(on: world.database.db()).filter(\.$kind == "not-improving").first())
            try await service.acknowledge(flag.id!, note: "Reviewed at the team meeting.", by: sato)
            world.clock.advance(by: 7 * 86400)
            #expect(try await enter(10) == [], "a response (50% below baseline) is not flagged")
        }
    }

    @Test func aPositiveMDQGoesToThePrescribers() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            var answers = Dictionary(uniqueKeysWithValues: (1...13).map { (String($0), $0 <= 8 ? "1" : "0") })
            answers["same-time"] = "1"
            answers["problem"] = "2"
            let submitted = try await world.services.measurement.enter("mdq", answers: answers, for: c.patient.id!, requestID: nil, by: world.caller(c.delgado))
            #expect(submitted.flags == [.mdqPositive])
            #expect(submitted.response.positive == true)
            #expect(try await world.notifications(for: c.sato).contains { $0.contains("MDQ positive") })
            #expect(!(try await world.notifications(for: c.delgado).contains { $0.contains("MDQ positive") }))
        }
    }

    @Test func theAPIScoresRefusesBadInputAndShowsOutsidersNothing() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let team = try await world.apiToken(for: c.sato)
            let base = "/api/v1/patients/\(c.patient.id!.uuidString.lowercased())"
            for json in [
                #"{"instrument":"phq-10","answers":{}}"#, #"{"instrument":"gad-7","answers":{"1":0}}"#,
                #"{"instrument":"gad-7","answers":{"1":0,"2":0,"3":0,"4":0,"5":0,"6":0,"7":9}}"#,
                #"{"instrument":"gad-7","answers":{"1":0,"2":0,"3":0,"4":0,"5":0,"6":0,"7":0,"8":1}}"#,
            ] {
                #expect(try await team.call(.post, base + "/questionnaire-responses", json: json).status == .unprocessableContent, "\(json)")
            }
            #expect(try await QuestionnaireResponse.query(on: world.database.db()).count() == 0)
            let gad = try await team.call(.post, base + "/questionnaire-responses", json: #"{"instrument":"gad-7","answers":{"1":3,"2":3,"3":2,"4":2,"5":1,"6":1,"7":3}}"#)
            #expect(gad.status == .created)
            let body = try gad.json()
            #expect(body["total"] as? Int == 15)
            #expect(body["band"] as? String == "Severe")
            #expect(body["panelLOINC"] as? String == "69737-5")
            #expect(body["totalLOINC"] as? String == "70274-6")
            let outsider = try await world.apiToken(for: c.outsider)
            #expect(try await outsider.call(.get, base + "/measures").status == .notFound)
            #expect(try await outsider.call(.post, base + "/questionnaire-requests", json: #"{"instrument":"phq-9"}"#).status == .notFound)

            // The patient completes theirs through the API too.
            let asked = try await team.call(.post, base + "/questionnaire-requests", json: #"{"instrument":"phq-9","dueInDays":3}"#)
            #expect(asked.status == .created)
            let requestID = try #require(try asked.json()["id"] as? String)
            let sam = try await world.apiToken(for: c.portal)
            #expect(try await sam.call(.get, "/api/v1/me/questionnaires").body.contains(requestID))
            let answers = Self.phq9(total: 3).map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",")
            let completed = try await sam.call(.post, "/api/v1/questionnaires/\(requestID)/response", json: #"{"answers":{\#(answers)}}"#)
            #expect(completed.status == .created)
            #expect(try completed.json()["band"] as? String == "Minimal")
            #expect(try await outsider.call(.post, "/api/v1/questionnaires/\(requestID)/response", json: #"{"answers":{\#(answers)}}"#).status == .notFound)
            let listed = try await team.call(.get, base + "/measures").json()
            #expect((listed["responses"] as? [Any])?.count == 2)
        }
    }
}
