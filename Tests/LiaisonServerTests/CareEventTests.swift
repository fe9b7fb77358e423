import FluentKit
import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData
import Testing
@testable import LiaisonServer

/// Care events: told to the whole team at once (names in the app, a link only by email),
/// acknowledged once, escalated step by step when nobody does, a visit owed after a discharge,
/// recorded by an emergency clinician or another system (idempotent on its own id).
@Suite struct CareEventTests {
    static func setUp(_ world: TestWorld) async throws -> SplitTreatment {
        try await world.splitTreatment()
    }

    static func path(_ patient: Patient) -> String { "/patients/\(patient.id!.uuidString.lowercased())/care-events" }

    @Test func anEmergencyVisitReachesTheWholeTeamAtOnceWithTheNameInTheAppAndOnlyALinkByEmail() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let delgado = world.browser()
            try await delgado.signIn("delgado@clinic.example")
            let recorded = try await delgado.post(Self.path(c.patient), [
                ("kind", "emergency-visit"), ("occurredAt", ""), ("facility", "Riverside General, emergency department"), ("visitNumber", ""),
                ("details", "Patient called from the ED after a panic attack.\nSeen and sent home."),
            ])
            #expect(recorded.status == .seeOther)
            let events = try await CareEvent.query(on: world.database.db()).all()
            #expect(events.count == 1)
            let event = try #require(events.first)
            #expect(event.eventKind == .emergencyVisit && event.escalateTeamAt == world.clock.now().addingTimeInterval(4 * 3600))

            let notices = try await Notification.query(on: world.database.db()).filter(\.$kind == "care-event.new").all()
            #expect(notices.map(\.$user.id) == [c.sato.id!], "the recorder is not told of their own event; the rest of the team is")
            #expect(notices.first?.message.contains("Sam Rivera: Emergency department visit at Riverside General") == true)
            let emails = try await world.outbox(to: "sato@clinic.example")
            #expect(emails.count == 1)
            #expect(emails.allSatisfy { !$0.body.contains("Rivera") && !$0.subject.contains("Rivera") && !$0.body.contains("panic") })
            #expect(emails.first?.body.contains("https://liaison.test/patients/") == true)

            // The responsible prescriber sees it on the home page, at the top, and in the navigation.
            let sato = world.browser()
            try await sato.signIn("sato@clinic.example")
            let home = try await sato.get("/")
            #expect(home.body.contains("Care events to acknowledge"))
            #expect(home.body.contains("Care events (1 to acknowledge)"))
            let page = try await sato.get(Self.path(c.patient))
            #expect(page.body.contains("How to reach the treating team"))
            #expect(page.body.contains("Seen and sent home."))

            let ack = try await sato.post(SiteURL.careEventStep(event.id!, .acknowledge).path, [("note", "Called the ED; will see after discharge.")])
            #expect(ack.status == .seeOther)
            let again = try await sato.post(SiteURL.careEventStep(event.id!, .acknowledge).path, [("note", "")])
            #expect(again.status == .conflict)
            #expect(try await sato.get("/").body.contains("Care events (1 to acknowledge)") == false)
            let told = try await Notification.query(on: world.database.db()).filter(\.$kind == "care-event.update").all()
            #expect(told.map(\.$user.id) == [c.delgado.id!])
            #expect(told.first?.message.contains("Called the ED; will see after discharge.") == true)
            let actions = try await world.auditEntries(for: c.patient).map(\.action)
            #expect(actions.contains("care-event.record") && actions.contains("care-event.acknowledge") && actions.contains("care-events.read"))
            let timeline = try await PatientEvent.query(on: world.database.db()).filter(\.$kind == "care-event").count()
            #expect(timeline == 2)
        }
    }

    @Test func badInputIsRefusedWithReasonsAndChangesNothing() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let delgado = world.browser()
            try await delgado.signIn("delgado@clinic.example")
            for (fields, message) in [
                ([("kind", "abduction"), ("facility", "ED")], "Kind of event must be one of"),
                ([("kind", "admission"), ("facility", "")], "Where is required"),
                ([("kind", "admission"), ("facility", "ED"), ("occurredAt", "yesterday")], "Give when it happened"),
                ([("kind", "admission"), ("facility", "ED"), ("occurredAt", "2099-01-01T10:00")], "once it has happened"),
                ([("kind", "admission"), ("facility", "ED\u{0}")], "control characters"),
            ] {
                let answer = try await delgado.post(Self.path(c.patient), fields)
                #expect(answer.status == .unprocessableContent, "\(fields)")
                #expect(answer.body.contains(message), "\(fields)")
            }
            #expect(try await CareEvent.query(on: world.database.db()).count() == 0)
            let outsider = world.browser()
            try await outsider.signIn("nobody@clinic.example")
            #expect(try await outsider.post(Self.path(c.patient), [("kind", "admission"), ("facility", "ED")]).status == .notFound)
            #expect(try await outsider.get(Self.path(c.patient)).status == .notFound)
            #expect(try await CareEvent.query(on: world.database.db()).count() == 0)
        }
    }

    @Test func anUnacknowledgedUrgentEventGoesToTheTeamThenTheAdministratorsOnceEachStep() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let service = world.services.careEvents
            let caller = world.caller(c.delgado, memberOf: [c.clinic])
            _ = try await service.record(.init(kind: "admission", facility: "St. Elsewhere", visitNumber: "V1"), for: c.patient.id!, by: caller, source: .person)
            world.clock.advance(by: 4 * 3600 - 60)
            #expect(try await service.sweep() == 0, "within the four hours")
            world.clock.advance(by: 61)
            async let first = service.sweep()
            async let second = service.sweep()
            #expect(try await first + second == 1, "the team step, once, whichever sweep claims it")
            let escalated = try await Notification.query(on: world.database.db()).filter(\.$kind == "care-event.escalated").all()
            #expect(Set(escalated.map(\.$user.id)) == [c.sato.id!, c.delgado.id!])
            #expect(try await world.outbox(to: "sato@clinic.example").contains { $0.subject.contains("still not acknowledged") })
            #expect(try await world.outbox(to: "admin@clinic.example").isEmpty)
            world.clock.advance(by: 4 * 3600)
            #expect(try await service.sweep() == 1, "then the administrators")
            #expect(try await service.sweep() == 0)
            let administrators = try await Notification.query(on: world.database.db()).filter(\.$user.$id == c.administrator.id!).all()
            #expect(administrators.count == 1)
            #expect(administrators.allSatisfy { !$0.message.contains("Rivera") && !$0.message.contains("St. Elsewhere") && $0.patientID == nil })
            let steps = try await AuditEntry.query(on: world.database.db()).filter(\.$action == "care-event.escalate").count()
            #expect(steps == 2)
        }
    }

    @Test func anAcknowledgedOrRoutineEventIsNotEscalatedAndTheOrganisationSetsTheHours() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            c.clinic.careEventHours = 1
            try await c.clinic.save(on: world.database.db())
            let service = world.services.careEvents
            let caller = world.caller(c.delgado, memberOf: [c.clinic])
            let crisis = try await service.record(.init(kind: "crisis-contact", facility: "988 line"), for: c.patient.id!, by: caller, source: .person).event
            _ = try await service.record(.init(kind: "missed-appointment", facility: "Clinic"), for: c.patient.id!, by: caller, source: .person)
            #expect(crisis.escalateTeamAt == world.clock.now().addingTimeInterval(3600))
            try await service.acknowledge(crisis.id!, note: nil, by: world.caller(c.sato, memberOf: [c.clinic]))
            world.clock.advance(by: 30 * 86400)
            #expect(try await service.sweep() == 0)
        }
    }

    @Test func aDischargeOwesAVisitWithinAWeekThatARecordedVisitCompletes() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let service = world.services.careEvents
            let sato = world.caller(c.sato, memberOf: [c.clinic])
            let discharge = try await service.record(
                .init(kind: "discharge", occurredAt: ISO8601DateFormatter().string(from: world.clock.now().addingTimeInterval(-86400)), facility: "St. Elsewhere"),
                for: c.patient.id!, by: sato, source: .api).event
            #expect(discharge.followUpDueAt == world.clock.now().addingTimeInterval(6 * 86400))
            #expect(try await service.followUpsOwed(by: sato).map(\.id) == [discharge.id])
            world.clock.advance(by: 7 * 86400)
            let browser = world.browser()
            try await browser.signIn("sato@clinic.example")
            #expect(try await browser.get("/care-events").body.contains("(overdue)"))
            #expect(try await browser.get("/").body.contains("Visits owed after discharge"))
            let today = Calendar(identifier: .gregorian).dateComponents(in: .gmt, from: world.clock.now())
            let day = DateOnly(year: today.year!, month: today.month!, day: today.day!)!.description
            try await world.services.carePlans.recordVisit(kind: VisitKind.allCases[0].rawValue, day: day, for: c.patient.id!, by: sato)
            #expect(try await service.followUpsOwed(by: sato).isEmpty)
            let done = try #require(try await CareEvent.find(discharge.id, on: world.database.db()))
            #expect(done.followUpDoneAt != nil)
            await #expect(throws: AppError.self) { try await service.followUpDone(discharge.id!, by: sato) }
        }
    }

    @Test func anEmergencyClinicianRecordsAnEventAndSeesWhomToCallButCannotAcknowledge() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            try await world.profile(for: c.sato) { $0.contactPhone = "+1 555 0100" }
            let hospital = try await world.organisation("St. Brendan's")
            try await world.profile(for: try await world.person("kim@hospital.example", name: "Dr. Kim", in: hospital, twoFactor: true))
            let kim = world.browser()
            try await kim.signIn("kim@hospital.example")
            #expect(try await kim.post("/emergency-access", try await EmergencyAccessTests.glass(world)).status == .seeOther)
            let page = try await kim.get(Self.path(c.patient))
            #expect(page.status == .ok)
            #expect(page.body.contains("tel:+1 555 0100"))
            #expect(page.body.contains("Responsible prescriber"))
            let recorded = try await kim.post(Self.path(c.patient), [("kind", "emergency-visit"), ("facility", "St. Brendan's ED"), ("details", "Overdose; medically stable.")])
            #expect(recorded.status == .seeOther)
            let event = try #require(try await CareEvent.query(on: world.database.db()).first())
            let notices = try await Notification.query(on: world.database.db()).filter(\.$kind == "care-event.new").all()
            #expect(Set(notices.map(\.$user.id)) == [c.sato.id!, c.delgado.id!])
            #expect(try await kim.post(SiteURL.careEventStep(event.id!, .acknowledge).path, [("note", "")]).status == .forbidden)
            let purposes = try await AuditEntry.query(on: world.database.db()).filter(\.$action == "care-event.record").all().map(\.purpose)
            #expect(purposes == ["emergency"])
        }
    }

    @Test func anotherSystemSendingTheSameEventIDTwiceRecordsOneEvent() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let api = try await world.apiToken(for: c.sato)
            let path = APIURL.patientCareEvents(c.patient.id!).path
            let body = #"{"kind":"admission","facility":"St. Elsewhere","visitNumber":"V-1","occurredAt":"2026-11-27T09:30:00-05:00","eventID":"ehr-4411"}"#
            let first = try await api.call(.post, path, json: body)
            #expect(first.status == .created)
            let second = try await api.call(.post, path, json: body)
            #expect(second.status == .ok)
            #expect(try first.json()["id"] as? String == second.json()["id"] as? String)
            try await withTwoServers(world) { clients in
                let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for index in 0..<10 {
                        group.addTask {
                            try await APIClient(client: clients[index % 2], token: api.token)
                                .call(.post, path, json: #"{"kind":"discharge","facility":"St. Elsewhere","eventID":"ehr-4412"}"#).status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
                #expect(statuses.allSatisfy { $0 == .created || $0 == .ok || $0 == .serviceUnavailable }, "\(statuses)")
            }
            #expect(try await CareEvent.query(on: world.database.db()).filter(\.$externalID == "ehr-4412").count() == 1)
            let list = try await api.call(.get, path)
            #expect((try list.json()["events"] as? [Any])?.count == 2)
            let mine = try await api.call(.get, APIURL.careEvents.path)
            #expect((try mine.json()["followUpsOwed"] as? [Any])?.count == 1)
        }
    }

    @Test func tenAcknowledgementsAtOnceThroughTwoServersAcknowledgeOnce() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let event = try await world.services.careEvents.record(
                .init(kind: "emergency-visit", facility: "ED"), for: c.patient.id!, by: world.caller(c.delgado, memberOf: [c.clinic]), source: .person).event
            let token = try await world.apiToken(for: c.sato).token
            let path = APIURL.careEventStep(event.id!, .acknowledge).path
            try await withTwoServers(world) { clients in
                let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for index in 0..<10 {
                        group.addTask { try await APIClient(client: clients[index % 2], token: token).call(.post, path, json: #"{"note":"seen"}"#).status }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
                #expect(statuses.allSatisfy { $0 == .ok || $0 == .conflict || $0 == .serviceUnavailable }, "\(statuses)")
            }
            #expect(try await AuditEntry.query(on: world.database.db()).filter(\.$action == "care-event.acknowledge").count() == 1)
        }
    }
}
