import FluentKit
import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData
import Testing
@testable import LiaisonServer

/// Transfers of care: asking from the portal and the team, matching only those who accept
/// transfers, the handoff summary, responsibility passing at the first visit with no gap, the
/// outgoing clinician's access ending, cancelling before the first visit, and the sweep.
@Suite struct TransferTests {
    struct Case {
        let patient: Patient
        let clinic: Organisation
        /// The responsible prescriber now.
        let sato: UserAccount
        /// The therapist who registered the patient.
        let delgado: UserAccount
        /// At another organisation; takes transfers, with an opening for medication management.
        let feld: UserAccount
        /// At another organisation; has an opening but takes no transfers.
        let okafor: UserAccount
        let outsider: UserAccount
        let administrator: UserAccount
        let portal: UserAccount
    }

    static func setUp(_ world: TestWorld) async throws -> Case {
        let clinic = try await world.organisation()
        let other = try await world.organisation("Harbour Psychiatry")
        let sato = try await world.person("sato@clinic.example", name: "Dr. Sato", in: clinic)
        let delgado = try await world.person("delgado@clinic.example", name: "Rosa Delgado", in: clinic)
        let administrator = try await world.person("admin@clinic.example", name: "Clinic Administrator", in: clinic, role: .administrator)
        let feld = try await world.person("feld@harbour.example", name: "Dr. Feld", in: other)
        let okafor = try await world.person("okafor@harbour.example", name: "Dr. Okafor", in: other)
        let outsider = try await world.person("nobody@harbour.example", name: "Dr. Nobody", in: other)
        for (person, policy) in [(feld, "accepts"), (okafor, "declines")] {
            try await world.profile(for: person) {
                $0.discipline = "psychiatrist"
                $0.openings = ["medication-management": "2"]
                $0.transfers = policy
            }
        }
        let patient = try await world.patient(registeredBy: delgado, role: .therapist, at: clinic)
        try await world.addToTeam(patient, sato, as: .prescriber, responsible: true, by: delgado)
        let portal = try await world.person("sam@example.org", name: "Sam Rivera", kind: UserAccount.patientKind)
        patient.portalUserID = portal.id
        try await patient.save(on: world.database.db())
        return Case(patient: patient, clinic: clinic, sato: sato, delgado: delgado, feld: feld, okafor: okafor, outsider: outsider,
                    administrator: administrator, portal: portal)
    }

    static let handoff = [
        ("diagnoses", "Recurrent depression; generalised anxiety."), ("medications", "Sertraline 150 mg; stopped quetiapine in May."),
        ("risks", "No current suicidal ideation; safety plan on file."), ("helped", "Behavioural activation; regular sleep."),
        ("notHelped", "Mirtazapine: weight gain."),
    ]

    /// The responsible prescribers on the team at `moment`, from the stored memberships.
    static func responsible(_ world: TestWorld, _ patient: Patient, at moment: Date) async throws -> [UUID] {
        try await CareTeamQueries.team(of: patient.id!, on: world.database.db())
            .filter { $0.membership.isActive(at: moment) && $0.isResponsiblePrescriber }.map(\.$user.id)
    }

    @Test func thePatientAsksTheNewPsychiatristTakesOverAtTheFirstVisitAndThereIsNeverADayWithoutOne() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let start = world.clock.now()
            let sam = world.browser()
            try await sam.signIn("sam@example.org")
            #expect(try await sam.get("/portal").body.contains("/portal/change-clinician"))
            let form = try await sam.get("/portal/change-clinician")
            #expect(form.body.contains("Dr. Sato is your prescriber now."))
            #expect(form.body.contains("Dr. Feld"))
            #expect(!form.body.contains("Dr. Okafor"), "matching offers only clinicians who accept transfers")
            let missing = try await sam.post("/portal/change-clinician", [("role", "prescriber"), ("incomingID", c.feld.id!.uuidString.lowercased())])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.body.contains("Why the change is required."))
            #expect(try await Transfer.query(on: world.database.db()).count() == 0)
            let asked = try await sam.post("/portal/change-clinician", [
                ("role", "prescriber"), ("reason", "I would like a fresh start with someone else."), ("incomingID", c.feld.id!.uuidString.lowercased()),
            ])
            let path = try #require(asked.location)
            #expect(try await sam.get(path).body.contains("Requested"))
            // One change per role at a time.
            let patientAPI = "/api/v1/patients/\(c.patient.id!.uuidString.lowercased())"
            let again = try await world.apiToken(for: c.delgado).call(
                .post, patientAPI + "/transfers", json: #"{"role":"prescriber","incomingID":"\#(c.feld.id!.uuidString)","reason":"Again."}"#)
            #expect(again.status == .conflict)

            // The incoming psychiatrist sees the request, then the record once they accept.
            let feld = try await world.apiToken(for: c.feld)
            let api = "/api/v1" + path
            #expect(try await feld.call(.get, patientAPI).status == .notFound)
            #expect(try await feld.call(.get, api).body.contains("fresh start"))
            let accepted = try await feld.call(.post, api + "/actions/accept")
            #expect(try accepted.json()["state"] as? String == "accepted")
            #expect(try await feld.call(.get, patientAPI).status == .ok)
            // The outgoing psychiatrist is asked, respectfully, for the summary, and stays responsible.
            #expect(try await world.notifications(for: c.sato).contains { $0.contains("Thank you for your care so far") })
            #expect(try await Self.responsible(world, c.patient, at: world.clock.now()) == [c.sato.id!])

            world.clock.advance(by: 2 * 86400)
            let sato = world.browser()
            try await sato.signIn("sato@clinic.example")
            #expect(try await sato.get("/").body.contains("Write the handoff summary for Dr. Feld"), "the home page lists what is owed")
            #expect(try await sato.get(path).body.contains("Your handoff summary"))
            #expect(try await sato.post(path + "/write-handoff", Array(Self.handoff.prefix(2))).status == .unprocessableContent)
            #expect(try await sato.post(path + "/write-handoff", Self.handoff).status == .seeOther)
            #expect(try await sato.post(path + "/write-handoff", Self.handoff).status == .conflict, "written once")
            #expect(try await feld.call(.get, api).body.contains("weight gain"))
            #expect(!(try await sam.get(path).body.contains("weight gain")), "the summary is between the clinicians")

            // A future first visit is refused and changes nothing.
            let future = try await feld.call(.post, api + "/actions/record-first-visit", json: #"{"visit":"2099-01-01"}"#)
            #expect(future.status == .unprocessableContent)
            #expect(try await Self.responsible(world, c.patient, at: world.clock.now()) == [c.sato.id!])
            world.clock.advance(by: 3 * 86400 + 1234)
            let visitDay = DateOnly.of(world.clock.now(), in: TimeZone(identifier: "America/New_York")!).description
            let handed = try await feld.call(.post, api + "/actions/record-first-visit", json: #"{"visit":"\#(visitDay)"}"#)
            #expect(try handed.json()["state"] as? String == "completed")
            let passedAt = world.clock.now()
            let feldPages = world.browser()
            try await feldPages.signIn("feld@harbour.example")
            let record = try await feldPages.get("/patients/\(c.patient.id!.uuidString.lowercased())").body
            #expect(record.contains("Dr. Feld</a></td><td data-label=\"Role\">Prescriber (responsible prescriber)"))
            #expect(record.contains("(reads the record until"), "the outgoing clinician's time-limited place shows its end")
            #expect(record.contains("Formerly: Dr. Sato, Prescriber (responsible prescriber)"))

            // Walk the clock from the request to well past the grace period: at every moment exactly
            // one responsible prescriber; Dr. Sato before the first visit, Dr. Feld from it.
            var moment = start
            while moment < passedAt.addingTimeInterval(20 * 86400) {
                let holders = try await Self.responsible(world, c.patient, at: moment)
                #expect(holders == [moment < passedAt ? c.sato.id! : c.feld.id!], "at \(moment)")
                moment.addTimeInterval(3 * 3600 + 17)
            }
            for edge in [passedAt.addingTimeInterval(-0.001), passedAt] {
                #expect(try await Self.responsible(world, c.patient, at: edge).count == 1)
            }

            // Dr. Sato reads the record through the grace period, then not.
            let satoAPI = try await world.apiToken(for: c.sato)
            world.clock.advance(by: 13 * 86400)
            #expect(try await satoAPI.call(.get, patientAPI).status == .ok, "within the 14-day grace period")
            world.clock.advance(by: 2 * 86400)
            #expect(try await satoAPI.call(.get, patientAPI).status == .notFound, "after it")
            #expect(try await satoAPI.call(.get, api).status == .ok, "the transfer itself stays with the clinician who handed over")
            #expect(try await feld.call(.post, api + "/actions/cancel", json: #"{"reason":"x"}"#).status == .conflict)

            // The care-team history shows who held the role when.
            let history = try await CareTeamQueries.team(of: c.patient.id!, on: world.database.db()).filter { $0.role == "prescriber" }
            #expect(history.contains { $0.$user.id == c.sato.id && $0.isResponsiblePrescriber && $0.endedAt == passedAt })
            #expect(history.contains { $0.$user.id == c.sato.id && !$0.isResponsiblePrescriber && $0.startedAt == passedAt })
            #expect(history.contains { $0.$user.id == c.feld.id && $0.isResponsiblePrescriber && $0.startedAt == passedAt && $0.endedAt == nil })
            let actions = try await world.auditEntries(for: c.patient).map(\.action)
            for action in ["transfer.request", "transfer.accept", "transfer.write-handoff", "transfer.record-first-visit", "transfer.read"] {
                #expect(actions.contains(action), "\(action)")
            }
            #expect(try await world.notifications(for: c.portal).contains { $0.contains("Dr. Feld is now Sam Rivera's prescriber") })
        }
    }

    @Test func cancellingBeforeTheFirstVisitChangesNothing() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let service = world.services.transfers
            let samCaller = world.caller(c.portal, isPatient: true)
            let transfer = try await service.request(
                .init(role: "prescriber", incomingID: c.feld.id!.uuidString, reason: "Closer to home."), for: c.patient.id!, by: samCaller)
            try await service.act(.accept, on: transfer.id!, fields: [:], by: world.caller(c.feld))
            #expect(try await CareTeamQueries.isCurrentMember(c.feld.id!, of: c.patient.id!, at: world.clock.now(), on: world.database.db()))
            await #expect(throws: TransferTransitionError.self) { try await service.act(.cancel, on: transfer.id!, fields: ["reason": "x"], by: world.caller(c.feld)) }
            await #expect(throws: AppError.self) { try await service.act(.cancel, on: transfer.id!, fields: [:], by: samCaller) }
            try await service.act(.cancel, on: transfer.id!, fields: ["reason": "I have changed my mind."], by: samCaller)
            let now = world.clock.now()
            #expect(!(try await CareTeamQueries.isCurrentMember(c.feld.id!, of: c.patient.id!, at: now, on: world.database.db())))
            #expect(try await Self.responsible(world, c.patient, at: now) == [c.sato.id!])
            #expect(try await world.notifications(for: c.feld).contains { $0.contains("was cancelled: I have changed my mind.") })
            let stored = try #require(try await Transfer.find(transfer.id!, on: world.database.db()))
            #expect(stored.state == "cancelled")
            #expect(!stored.handoffOwed, "nothing is owed once cancelled")
            // A new request may follow.
            let again = try await service.request(.init(role: "prescriber", incomingID: c.feld.id!.uuidString, reason: "After all."), for: c.patient.id!, by: samCaller)
            #expect(again.transferState == .requested)
        }
    }

    @Test func theAPIRefusesStepsOutOfTurnBadInputChangesNothingAndOutsidersSeeNothing() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let team = try await world.apiToken(for: c.delgado)
            let base = "/api/v1/patients/\(c.patient.id!.uuidString.lowercased())/transfers"
            let feldID = c.feld.id!.uuidString
            for (json, field) in [
                (#"{"role":"consultant","incomingID":"\#(feldID)","reason":"x"}"#, "role"),
                (#"{"role":"prescriber","incomingID":"\#(feldID)","reason":" "}"#, "reason"),
                (#"{"role":"prescriber","incomingID":"\#(c.okafor.id!.uuidString)","reason":"x"}"#, "incomingID"),
                (#"{"role":"prescriber","reason":"x"}"#, "incomingID"),
                (#"{"role":"prescriber","incomingID":"not-a-uuid","reason":"x"}"#, "incomingID"),
            ] {
                let answer = try await team.call(.post, base, json: json)
                #expect(answer.status == .unprocessableContent, "\(json)")
                #expect(answer.body.contains(field))
            }
            #expect(try await Transfer.query(on: world.database.db()).count() == 0)
            #expect(try await world.apiToken(for: c.outsider).call(.post, base, json: #"{"role":"prescriber","incomingID":"\#(feldID)","reason":"x"}"#).status == .notFound)
            #expect(try await world.apiToken(for: c.outsider).call(.get, base).status == .notFound)

            let created = try await team.call(.post, base, json: #"{"role":"prescriber","incomingID":"\#(feldID)","reason":"Dr. Feld speaks Spanish."}"#)
            #expect(created.status == .created)
            let path = "/api/v1/transfers/\(try #require(try created.json()["id"] as? String))"
            #expect(try await world.apiToken(for: c.outsider).call(.get, path).status == .notFound)
            #expect(try await world.apiToken(for: c.okafor).call(.get, path).status == .notFound)
            #expect(try await world.apiToken(for: c.administrator).call(.get, path).status == .notFound, "administrators are not treating the patient")
            let refused = try await team.call(.post, path + "/actions/accept")
            #expect(refused.status == .conflict)
            #expect(refused.body.contains("requested"))
            let feld = try await world.apiToken(for: c.feld)
            #expect(try await feld.call(.post, path + "/actions/record-first-visit", json: #"{"visit":"2027-01-01"}"#).status == .conflict, "not before accepting")
            #expect(try await feld.call(.post, path + "/actions/decline", json: #"{}"#).status == .unprocessableContent, "a reason is required")
            #expect(try await feld.call(.post, path + "/actions/teleport").status == .notFound)
            #expect(try await world.apiToken(for: c.sato).call(.post, path + "/actions/write-handoff", json: #"{}"#).status == .unprocessableContent)
            let declined = try await feld.call(.post, path + "/actions/decline", json: #"{"reason":"No opening before March."}"#)
            #expect(try declined.json()["state"] as? String == "declined")
            #expect(try await team.call(.post, path + "/actions/cancel", json: #"{"reason":"x"}"#).status == .conflict, "finished")
            let summary = try String(decoding: JSONEncoder().encode(Dictionary(uniqueKeysWithValues: Self.handoff)), as: UTF8.self)
            #expect(try await world.apiToken(for: c.sato).call(.post, path + "/actions/write-handoff", json: summary).status == .conflict, "nothing is owed")
        }
    }

    @Test func theSweepRemindsOnceEscalatesWithoutTheNameAndExpiresOnce() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let service = world.services.transfers
            let asked = try await service.request(
                .init(role: "prescriber", incomingID: c.feld.id!.uuidString, reason: "Fresh start."), for: c.patient.id!, by: world.caller(c.delgado))
            try await service.act(.accept, on: asked.id!, fields: [:], by: world.caller(c.feld))
            let due = try #require(try await Transfer.find(asked.id!, on: world.database.db())?.handoffDueAt)
            world.clock.advance(by: due.timeIntervalSince(world.clock.now()) - 3600)
            async let first = service.sweep()
            async let second = service.sweep()
            _ = try await (first, second)
            #expect(try await world.notifications(for: c.sato).filter { $0.contains("handoff summary for Sam Rivera") && $0.contains("is due soon") }.count == 1)
            world.clock.advance(by: 10 * 86400)
            _ = try await service.sweep()
            _ = try await service.sweep()
            let escalations = try await world.notifications(for: c.administrator).filter { $0.contains("handoff summary") }
            #expect(escalations.count == 1)
            #expect(escalations.allSatisfy { !$0.contains("Sam") && !$0.contains("Rivera") }, "administrators get a reference, not the name")
            #expect(try await world.outbox(to: "admin@clinic.example").allSatisfy { !$0.body.contains("Rivera") })
            // Written late, it is no longer owed.
            try await service.act(.handoff, on: asked.id!, fields: Dictionary(uniqueKeysWithValues: Self.handoff), by: world.caller(c.sato))
            #expect(!(try #require(try await Transfer.find(asked.id!, on: world.database.db())).handoffOwed))

            // An unanswered request for the therapist expires, once.
            let therapist = try await world.person("lee@harbour.example", name: "Jo Lee", in: try await world.organisation("Lee Therapy"))
            try await world.profile(for: therapist)
            let unanswered = try await service.request(
                .init(role: "therapist", incomingID: therapist.id!.uuidString, reason: "Evening sessions."), for: c.patient.id!, by: world.caller(c.sato))
            world.clock.advance(by: 31 * 86400)
            async let a = service.sweep()
            async let b = service.sweep()
            #expect(try await a + b == 1)
            #expect(try await Transfer.find(unanswered.id!, on: world.database.db())?.state == "expired")
        }
    }

    /// Many people asking for the same change at the same moment: one transfer, the rest refused.
    @Test func onlyOneChangePerRoleRunsAtOnce() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let service = world.services.transfers
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for asker in [c.delgado, c.sato, c.delgado, c.sato, c.delgado, c.sato] {
                    group.addTask {
                        do {
                            try await service.request(.init(role: "prescriber", incomingID: c.feld.id!.uuidString, reason: "Now."), for: c.patient.id!, by: world.caller(asker))
                            return true
                        } catch AppError.conflict {
                            return false
                        } catch is ConcurrentChange {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
            #expect(try await Transfer.query(on: world.database.db()).count() == 1)
        }
    }
}
