import FluentKit
import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData
import Testing
@testable import LiaisonServer

/// Second-opinion consultations: asking from the portal and the team, the consultant's steps,
/// the released report reaching both sides at once, and the consultant's access ending.
@Suite struct ConsultationTests {
    struct Case {
        let patient: Patient
        /// The treating psychiatrist (responsible prescriber).
        let sato: UserAccount
        /// The therapist on the team.
        let delgado: UserAccount
        /// A consultant at another organisation who gives second opinions and takes no transfers.
        let okafor: UserAccount
        let outsider: UserAccount
        let portal: UserAccount
    }

    static func setUp(_ world: TestWorld) async throws -> Case {
        let clinic = try await world.organisation()
        let other = try await world.organisation("Harbour Psychiatry")
        let sato = try await world.person("sato@clinic.example", name: "Dr. Sato", in: clinic)
        let delgado = try await world.person("delgado@clinic.example", name: "Rosa Delgado", in: clinic)
        let okafor = try await world.person("okafor@harbour.example", name: "Dr. Okafor", in: other)
        let outsider = try await world.person("feld@harbour.example", name: "Dr. Feld", in: other)
        try await world.profile(for: okafor) {
            $0.discipline = "psychiatrist"
            $0.openings = ["second-opinion": "2"]
            $0.transfers = "second-opinions-only"
        }
        let patient = try await world.patient(registeredBy: sato, role: .prescriber, at: clinic)
        try await world.addToTeam(patient, delgado, as: .therapist, by: sato)
        let portal = try await world.person("sam@example.org", name: "Sam Rivera", kind: UserAccount.patientKind)
        patient.portalUserID = portal.id
        try await patient.save(on: world.database.db())
        return Case(patient: patient, sato: sato, delgado: delgado, okafor: okafor, outsider: outsider, portal: portal)
    }

    static let report = [
        ("reason", "Low mood despite two antidepressant trials."), ("sources", "Record, letters, PHQ-9 series, one interview."),
        ("diagnosis", "Agree with major depression; consider sleep apnoea."), ("options", "Augment with lithium or switch to bupropion; sleep study."),
        ("relationship", "Agree on a plan together; review in four weeks."), ("practice", "Return calls within a day."),
        ("availability", "Happy to discuss by phone; I call back the same week."),
    ]

    @Test func thePatientAsksInThePortalTheConsultantReleasesAndBothSidesReadTheSameReport() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let sam = world.browser()
            try await sam.signIn("sam@example.org")
            #expect(try await sam.get("/portal").body.contains("/portal/second-opinion"))
            let form = try await sam.get("/portal/second-opinion")
            #expect(form.body.contains("Dr. Okafor"))
            #expect(form.body.contains("Will not take you on as a patient afterwards"), "the stance is shown before booking")
            let missing = try await sam.post("/portal/second-opinion", [("concerns", "Nothing helps.")])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.body.contains("Choose at least one thing that is not working."))
            #expect(try await Consultation.query(on: world.database.db()).count() == 0)
            let asked = try await sam.post("/portal/second-opinion", [
                ("reasons", "not-improving"), ("reasons", "side-effects"), ("concerns", "A year on medication and no better; I gained weight."),
                ("consultantID", c.okafor.id!.uuidString.lowercased()),
            ])
            let path = try #require(asked.location)
            #expect(try await sam.get(path).body.contains("Requested"))
            // The treating psychiatrist is told, neutrally.
            #expect(try await world.notifications(for: c.sato).contains { $0.contains("A second opinion from Dr. Okafor was requested") })

            // Before accepting, the consultant sees the request, not the record.
            let consultant = world.browser()
            try await consultant.signIn("okafor@harbour.example")
            let patientPath = "/patients/\(c.patient.id!.uuidString.lowercased())"
            #expect(try await consultant.get(patientPath).status == .notFound)
            #expect(try await consultant.get(path).body.contains("A year on medication"))
            #expect(try await consultant.post(path + "/accept", []).status == .seeOther)
            #expect(try await consultant.get(patientPath).status == .ok, "a consultant on the team reads the record")
            #expect(try await consultant.post(path + "/release", []).status == .conflict, "not before the appointment and a draft")
            #expect(try await consultant.post(path + "/schedule", [("appointment", "2027-02-01")]).status == .seeOther)
            #expect(try await consultant.post(path + "/save-draft", Array(Self.report.prefix(2))).status == .seeOther)
            // A draft is the consultant's alone.
            #expect(!(try await sam.get(path).body.contains("PHQ-9 series")))
            #expect(!(try await world.apiToken(for: c.sato).call(.get, "/api/v1" + path).body.contains("PHQ-9 series")))
            let incomplete = try await consultant.post(path + "/release", [])
            #expect(incomplete.status == .unprocessableContent, "a report missing sections is not released")
            #expect(try await consultant.post(path + "/release", Self.report).status == .seeOther)

            let patientView = try await sam.get(path)
            #expect(patientView.body.contains("consider sleep apnoea"))
            let psychiatrist = try await world.apiToken(for: c.sato).call(.get, "/api/v1" + path).json()
            #expect(((psychiatrist["report"] as? [[String: Any]])?.first { $0["key"] as? String == "options" }?["text"] as? String)?.contains("bupropion") == true)
            #expect(try await sam.get(path + "/report").body.contains("Return calls within a day."))
            #expect(try await world.notifications(for: c.sato).contains { $0.contains("second-opinion report for Sam Rivera is ready") })
            // Someone outside the case: not found.
            #expect(try await world.apiToken(for: c.outsider).call(.get, "/api/v1" + path).status == .notFound)
            let actions = try await world.auditEntries(for: c.patient).map(\.action)
            for action in ["consultation.request", "consultation.accept", "consultation.release", "consultation.read"] {
                #expect(actions.contains(action), "\(action)")
            }
        }
    }

    @Test func theConsultantLosesAccessAfterTheGracePeriodOnceTheConsultationCloses() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let service = world.services.consultations
            let consultation = try await service.request(
                .init(consultantID: c.okafor.id!.uuidString, reasons: ["diagnosis"], concerns: "We disagree about bipolar II."), for: c.patient.id!,
                by: world.caller(c.sato))
            let id = consultation.id!
            let okafor = world.caller(c.okafor)
            try await service.act(.accept, on: id, fields: [:], by: okafor)
            try await service.act(.schedule, on: id, fields: ["appointment": "2027-01-20"], by: okafor)
            try await service.act(.draft, on: id, fields: Dictionary(uniqueKeysWithValues: Self.report), by: okafor)
            try await service.act(.release, on: id, fields: [:], by: okafor)
            let api = try await world.apiToken(for: c.okafor)
            let patientPath = "/api/v1/patients/\(c.patient.id!.uuidString.lowercased())"
            #expect(try await api.call(.get, patientPath).status == .ok)
            try await service.act(.close, on: id, fields: [:], by: world.caller(c.sato))
            world.clock.advance(by: 13 * 86400)
            #expect(try await api.call(.get, patientPath).status == .ok, "within the 14-day grace period")
            world.clock.advance(by: 2 * 86400)
            #expect(try await api.call(.get, patientPath).status == .notFound, "after it")
            // What was released stays with the patient and the team.
            #expect(try await service.view(id, by: world.caller(c.sato)).report != nil)
        }
    }

    @Test func theAPIRefusesStepsOutOfTurnAndBadInputChangesNothing() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let team = try await world.apiToken(for: c.delgado)
            let base = "/api/v1/patients/\(c.patient.id!.uuidString.lowercased())/second-opinions"
            for (json, field) in [
                (#"{"consultantID":"\#(c.okafor.id!.uuidString)","reasons":[],"concerns":"x"}"#, "reasons"),
                (#"{"consultantID":"\#(c.okafor.id!.uuidString)","reasons":["boredom"],"concerns":"x"}"#, "reasons"),
                (#"{"consultantID":"\#(c.okafor.id!.uuidString)","reasons":["other"],"concerns":" "}"#, "concerns"),
                (#"{"consultantID":"\#(c.outsider.id!.uuidString)","reasons":["other"],"concerns":"x"}"#, "consultantID"),
                (#"{"reasons":["other"],"concerns":"x"}"#, "consultantID"),
            ] {
                let answer = try await team.call(.post, base, json: json)
                #expect(answer.status == .unprocessableContent, "\(json)")
                #expect(answer.body.contains(field))
            }
            #expect(try await Consultation.query(on: world.database.db()).count() == 0)
            #expect(try await world.apiToken(for: c.outsider).call(.post, base, json: #"{"consultantID":"\#(c.okafor.id!.uuidString)","reasons":["other"],"concerns":"x"}"#).status == .notFound)

            let created = try await team.call(.post, base, json: #"{"consultantID":"\#(c.okafor.id!.uuidString)","reasons":["relationship"],"concerns":"Stuck."}"#)
            #expect(created.status == .created)
            let path = "/api/v1/second-opinions/\(try #require(try created.json()["id"] as? String))"
            // The team cannot accept for the consultant; the consultant cannot cancel for the team.
            let refused = try await team.call(.post, path + "/actions/accept")
            #expect(refused.status == .conflict)
            #expect(refused.body.contains("requested"))
            let consultant = try await world.apiToken(for: c.okafor)
            #expect(try await consultant.call(.post, path + "/actions/cancel", json: #"{"reason":"no"}"#).status == .conflict)
            #expect(try await consultant.call(.post, path + "/actions/decline", json: #"{}"#).status == .unprocessableContent, "a reason is required")
            #expect(try await consultant.call(.post, path + "/actions/teleport").status == .notFound)
            let declined = try await consultant.call(.post, path + "/actions/decline", json: #"{"reason":"No opening before March."}"#)
            #expect(try declined.json()["state"] as? String == "declined")
            #expect(try await team.call(.post, path + "/actions/cancel", json: #"{"reason":"x"}"#).status == .conflict, "finished")
        }
    }

    @Test func theConsultantIsRemindedOnceAndAnUnansweredRequestExpiresOnce() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let consultation = try await world.services.consultations.request(
                .init(consultantID: c.okafor.id!.uuidString, reasons: ["other"], concerns: "Please."), for: c.patient.id!, by: world.caller(c.sato))
            #expect(try await world.services.consultations.sweep() == 0)
            #expect(!(try await world.notifications(for: c.okafor).contains { $0.contains("is due soon") }))
            // A day before the answer is due, the consultant is reminded, once.
            let due = try #require(try await Consultation.find(consultation.id!, on: world.database.db())?.answerDueAt)
            world.clock.advance(by: due.timeIntervalSince(world.clock.now()) - 3600)
            _ = try await world.services.consultations.sweep()
            _ = try await world.services.consultations.sweep()
            #expect(try await world.notifications(for: c.okafor).filter { $0.contains("is due soon") }.count == 1)
            // Well past due, the consultant's administrators hear of it once, by reference.
            let administrator = try await world.person("admin@harbour.example", name: "Harbour Administrator", in: try #require(try await OrganisationQueries.firstOrganisation(of: c.okafor.id!, on: world.database.db())), role: .administrator)
            world.clock.advance(by: 5 * 86400)
            _ = try await world.services.consultations.sweep()
            _ = try await world.services.consultations.sweep()
            let escalated = try await world.notifications(for: administrator)
            #expect(escalated.count == 1)
            #expect(escalated.allSatisfy { $0.contains("still unanswered") && !$0.contains("Rivera") })
            world.clock.advance(by: 26 * 86400)
            async let first = world.services.consultations.sweep()
            async let second = world.services.consultations.sweep()
            #expect(try await first + second == 1)
            #expect(try await Consultation.find(consultation.id!, on: world.database.db())?.state == "expired")
        }
    }

    /// Release is one act: readers on both sides, through two servers, while the consultant
    /// releases. Once any reader has seen the report, every read that starts later (on either
    /// side) sees it too, and nobody ever sees a report with a state that is not released.
    @Test func noReaderSeesTheReportOnOneSideOnly() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let service = world.services.consultations
            let okafor = world.caller(c.okafor)
            let id = try await service.request(
                .init(consultantID: c.okafor.id!.uuidString, reasons: ["other"], concerns: "Stuck."), for: c.patient.id!, by: world.caller(c.sato)).id!
            try await service.act(.accept, on: id, fields: [:], by: okafor)
            try await service.act(.schedule, on: id, fields: ["appointment": "2027-01-20"], by: okafor)
            try await service.act(.draft, on: id, fields: Dictionary(uniqueKeysWithValues: Self.report), by: okafor)
            let tokens = [try await world.apiToken(for: c.portal).token!, try await world.apiToken(for: c.sato).token!]
            let consultant = try await world.apiToken(for: c.okafor).token!
            let path = "/api/v1/second-opinions/\(id.uuidString.lowercased())"
            struct Read: Sendable {
                let started: ContinuousClock.Instant
                let ended: ContinuousClock.Instant
                let saw: Bool
            }
            try await withTwoServers(world) { clients in
                let reads = try await withThrowingTaskGroup(of: [Read].self) { group in
                    for reader in 0..<6 {
                        group.addTask {
                            var reads: [Read] = []
                            for round in 0..<15 {
                                let started = ContinuousClock.now
                                let answer = try await APIClient(client: clients[(reader + round) % clients.count], token: tokens[reader % 2]).call(.get, path)
                                let body = try answer.json()
                                let saw = body["report"] != nil
                                #expect(answer.status == .ok)
                                #expect(!saw || body["state"] as? String == "report-released", "a report is only ever seen released")
                                reads.append(Read(started: started, ended: ContinuousClock.now, saw: saw))
                            }
                            return reads
                        }
                    }
                    group.addTask {
                        try await Task.sleep(for: .milliseconds(40))
                        let answer = try await APIClient(client: clients[1], token: consultant).call(.post, path + "/actions/release")
                        #expect(answer.status == .ok)
                        return []
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                if let firstSeen = reads.filter(\.saw).map(\.ended).min() {
                    #expect(reads.filter { $0.started > firstSeen && !$0.saw }.isEmpty, "a read after someone saw the report did not see it")
                }
            }
            for token in tokens {
                #expect(try await APIClient(client: world.client, token: token).call(.get, path).json()["report"] != nil)
            }
        }
    }

    @Test func theTreatingPsychiatristAsksForACallAndTheConsultantOffersTimes() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let service = world.services.consultations
            let okafor = world.caller(c.okafor)
            let id = try await service.request(
                .init(consultantID: c.okafor.id!.uuidString, reasons: ["other"], concerns: "Stuck."), for: c.patient.id!, by: world.caller(c.sato)).id!
            let path = "/api/v1/second-opinions/\(id.uuidString.lowercased())/call"
            let sato = try await world.apiToken(for: c.sato), consultant = try await world.apiToken(for: c.okafor), sam = try await world.apiToken(for: c.portal)
            #expect(try await sato.call(.post, path + "/ask-for-call").status == .conflict, "not before the report")
            try await service.act(.accept, on: id, fields: [:], by: okafor)
            try await service.act(.schedule, on: id, fields: ["appointment": "2027-01-20"], by: okafor)
            try await service.act(.draft, on: id, fields: Dictionary(uniqueKeysWithValues: Self.report), by: okafor)
            try await service.act(.release, on: id, fields: [:], by: okafor)
            #expect(try await consultant.call(.post, path + "/ask-for-call").status == .conflict, "the treating side asks")
            #expect(try await sam.call(.post, path + "/ask-for-call").status == .forbidden, "the patient follows, the clinicians arrange")
            #expect(try await sato.call(.post, path + "/ask-for-call").json()["call"] as? String == "asked")
            #expect(try await world.notifications(for: c.okafor).contains { $0.contains("asks to talk about your report") })
            #expect(try await consultant.call(.post, path + "/offer-times", json: #"{"times":" "}"#).status == .unprocessableContent)
            let offered = try await consultant.call(.post, path + "/offer-times", json: #"{"times":"Tuesday 12:30 or Thursday 17:00"}"#).json()
            #expect(offered["call"] as? String == "offered")
            #expect(try await world.notifications(for: c.sato).contains { $0.contains("Tuesday 12:30") })
            #expect(try await sato.call(.post, path + "/call-done").json()["call"] as? String == "done")
            #expect(try await sato.call(.post, path + "/teleport").status == .notFound)
        }
    }
}
