import FluentKit
import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData
import Testing
@testable import LiaisonServer

/// Split treatment: the shared plan with its history and notices, the prescriber's medication list
/// (consent applies; a positive MDQ is shown when an antidepressant is added), follow-up cadence
/// with visits, overdue follow-ups on the worklist and in the navigation, reminders, and a
/// worsening score tightening the prescriber's cadence.
@Suite struct CarePlanTests {
    static let plan: [(String, String)] = [
        ("problems", "F33.1 Recurrent depression, moderate\nInsomnia"), ("goals", "Back at work part-time by spring."),
        ("therapy", "Rosa Delgado: weekly CBT."), ("medication", "Dr. Sato: sertraline, review monthly."), ("nextReview", "2027-03-01"),
    ]

    @Test func thePlanIsSharedAttributedAndEachSideIsToldOfTheOthersChanges() async throws {
        try await withApp { world in
            let c = try await MeasurementTests.setUp(world)
            let path = "/patients/\(c.patient.id!.uuidString.lowercased())/plan"
            let delgado = world.browser()
            try await delgado.signIn("delgado@clinic.example")
            let missing = try await delgado.post(path + "/plan", [("problems", "Insomnia")])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.body.contains("Goals is required."))
            #expect(try await CarePlanVersion.query(on: world.database.db()).count() == 0)
            #expect(try await delgado.post(path + "/plan", Self.plan).status == .seeOther)
            let page = try await delgado.get(path)
            #expect(page.body.contains("<strong>F33.1</strong> Recurrent depression, moderate"))
            #expect(page.body.contains("Last changed by Rosa Delgado"))
            #expect(try await world.notifications(for: c.sato).contains { $0.contains("Rosa Delgado updated the treatment plan") })
            let sato = try await world.apiToken(for: c.sato)
            world.clock.advance(by: 60)
            let saved = try await sato.call(.put, "/api/v1" + path, json: #"{"problems":["F33.1 Recurrent depression"],"goals":"Work.","therapy":"CBT","nextReview":"2027-04-01"}"#)
            #expect(saved.status == .ok)
            let body = try saved.json()
            #expect((body["history"] as? [Any])?.count == 2, "every version kept")
            #expect(((body["plan"] as? [String: Any])?["nextReview"] as? String) == "2027-04-01")
            #expect(try await world.notifications(for: c.delgado).contains { $0.contains("Dr. Sato updated the treatment plan") })
            #expect(try await world.apiToken(for: c.outsider).call(.get, "/api/v1" + path).status == .notFound)
        }
    }

    @Test func onlyThePrescriberKeepsTheListChangesKeepHistoryAndAPositiveMDQIsShown() async throws {
        try await withApp { world in
            let c = try await MeasurementTests.setUp(world)
            let base = "/api/v1/patients/\(c.patient.id!.uuidString.lowercased())"
            let therapist = try await world.apiToken(for: c.delgado), prescriber = try await world.apiToken(for: c.sato)
            #expect(try await therapist.call(.post, base + "/medications", json: #"{"name":"Sertraline","dose":"50 mg","frequency":"daily"}"#).status == .forbidden)
            #expect(try await prescriber.call(.post, base + "/medications", json: #"{"name":"Sertraline","dose":""}"#).status == .unprocessableContent)
            let added = try await prescriber.call(.post, base + "/medications", json: #"{"name":"Lithium","dose":"400 mg","frequency":"at night","reason":"Mood stabiliser"}"#)
            #expect(added.status == .created)
            #expect(try await world.notifications(for: c.delgado).contains { $0.contains("Dr. Sato started Lithium 400 mg, at night for Sam Rivera") }, "the therapist is told")
            #expect(try added.json()["warning"] == nil || (try added.json()["warning"] as? NSNull) != nil)
            // After a positive MDQ, an antidepressant brings the warning.
            var mdq = Dictionary(uniqueKeysWithValues: (1...13).map { (String($0), "1") })
            mdq["same-time"] = "1"
            mdq["problem"] = "3"
            _ = try await world.services.measurement.enter("mdq", answers: mdq, for: c.patient.id!, requestID: nil, by: world.caller(c.delgado))
            let antidepressant = try await prescriber.call(.post, base + "/medications", json: #"{"name":"Sertraline","dose":"50 mg","frequency":"daily"}"#)
            #expect((try antidepressant.json()["warning"] as? String)?.contains("possible bipolar disorder") == true)
            let sertraline = try #require(((try antidepressant.json()["medication"] as? [String: Any])?["id"] as? String))
            #expect(try await prescriber.call(.post, base + "/medications/\(sertraline)/change", json: #"{"name":"Sertraline","dose":"100 mg","frequency":"daily"}"#).status == .unprocessableContent, "a reason is required")
            let changed = try await prescriber.call(.post, base + "/medications/\(sertraline)/change", json: #"{"name":"Sertraline","dose":"100 mg","frequency":"daily","reason":"Partial response"}"#)
            #expect(changed.status == .ok)
            #expect((try changed.json()["warning"] as? String) != nil, "changing it again shows the warning again")
            #expect(try await prescriber.call(.post, base + "/medications/\(sertraline)/change", json: #"{"name":"Sertraline","dose":"150 mg","frequency":"daily","reason":"x"}"#).status == .conflict, "the old row is stopped")
            let listed = try await therapist.call(.get, base + "/plan").json()
            let medications = try #require(listed["medications"] as? [[String: Any]])
            #expect(medications.count == 3)
            #expect(medications.filter { $0["stoppedOn"] == nil }.count == 2)
            let pages = world.browser()
            try await pages.signIn("delgado@clinic.example")
            #expect(try await pages.get("/patients/\(c.patient.id!.uuidString.lowercased())/plan").body.contains("Stopped or changed"), "the earlier dose is listed")

            // The patient withholds the prescriber's records from the therapist: the list is not shown to them.
            _ = try await world.patientService.updateConsent(of: c.patient.id!, withheld: ["prescriber:therapist"], by: world.caller(c.sato))
            #expect(try await therapist.call(.get, base + "/plan").json()["medications"] == nil)
            let before = try await world.notifications(for: c.delgado).count
            #expect(try await prescriber.call(.post, base + "/medications/\(sertraline)/stop", json: #"{"reason":"x"}"#).status == .conflict)
            let current = try #require((try await prescriber.call(.get, base + "/plan").json()["medications"] as? [[String: Any]])?.first { $0["stoppedOn"] == nil && $0["name"] as? String == "Lithium" })
            #expect(try await prescriber.call(.post, base + "/medications/\(try #require(current["id"] as? String))/stop", json: #"{"reason":"Tremor"}"#).status == .ok)
            #expect(try await world.notifications(for: c.delgado).count == before, "nor told of the prescriber's changes")
        }
    }

    @Test func anOverdueFollowUpIsOnTheWorklistInTheNavigationAndRemindedOnce() async throws {
        try await withApp { world in
            let c = try await MeasurementTests.setUp(world)
            let base = "/api/v1/patients/\(c.patient.id!.uuidString.lowercased())"
            let sato = try await world.apiToken(for: c.sato)
            #expect(try await sato.call(.put, base + "/cadences/prescriber", json: #"{"level":"custom"}"#).status == .unprocessableContent)
            #expect(try await sato.call(.put, base + "/cadences/nurse", json: #"{"level":"stable"}"#).status == .unprocessableContent)
            let set = try await sato.call(.put, base + "/cadences/prescriber", json: #"{"level":"worsening","intervalDays":14}"#)
            #expect(set.status == .ok)
            #expect(try set.json()["intervalDays"] as? Int == 14)
            let browser = world.browser()
            try await browser.signIn("sato@clinic.example")
            #expect(try await browser.get("/").body.contains(">Follow-ups<"))
            world.clock.advance(by: 13 * 86400 + 3600)
            _ = try await world.services.carePlans.sweep()
            _ = try await world.services.carePlans.sweep()
            #expect(try await world.notifications(for: c.sato).filter { $0.contains("A follow-up with Sam Rivera is due") }.count == 1)
            #expect(!(try await world.notifications(for: c.delgado).contains { $0.contains("follow-up") }), "the therapist's role has no cadence")
            world.clock.advance(by: 86400)
            try await browser.signIn("sato@clinic.example")
            #expect(try await browser.get("/").body.contains("Follow-ups (1 overdue)"))
            #expect(try await browser.get("/follow-ups").body.contains("Sam Rivera"))
            let day = DateOnly.of(world.clock.now(), in: .gmt).description
            #expect(try await sato.call(.post, base + "/visits", json: #"{"kind":"telehealth","day":"2099-01-01"}"#).status == .unprocessableContent)
            #expect(try await sato.call(.post, base + "/visits", json: #"{"kind":"telehealth","day":"\#(day)"}"#).status == .created)
            #expect(try await browser.get("/").body.contains(">Follow-ups<"), "the visit resets the clock")
            #expect(try await sato.call(.get, "/api/v1/follow-ups").json()["overdue"] as? [Any] != nil)
        }
    }

    @Test func aMeaningfullyWorseScoreTightensTheStablePrescriberCadence() async throws {
        try await withApp { world in
            let c = try await MeasurementTests.setUp(world)
            let plans = world.services.carePlans, measurement = world.services.measurement
            try await plans.setCadence(role: "prescriber", level: "stable", days: nil, for: c.patient.id!, by: world.caller(c.sato))
            func enter(_ total: Int) async throws {
                _ = try await measurement.enter("phq-9", answers: Dictionary(uniqueKeysWithValues: MeasurementTests.phq9(total: total)), for: c.patient.id!, requestID: nil, by: world.caller(c.delgado))
            }
            try await enter(8)
            world.clock.advance(by: 14 * 86400)
            try await enter(11)
            #expect(try await FollowUpCadence.query(on: world.database.db()).first()?.intervalDays == 90, "3 points worse is not enough")
            world.clock.advance(by: 14 * 86400)
            try await enter(16)
            let cadence = try #require(try await FollowUpCadence.query(on: world.database.db()).first())
            #expect(cadence.intervalDays == 28)
            #expect(cadence.level == "worsening")
            #expect(try await world.notifications(for: c.sato).contains { $0.contains("rose from 11 to 16") })
        }
    }
}
