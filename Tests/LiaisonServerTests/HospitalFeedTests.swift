import FluentKit
import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData
import Testing
@testable import LiaisonServer

/// Hospital ADT feeds: each message applied once, wholly, to the patient whose identifier an
/// organisation recorded; answered AA, AE or AR in the sender's encoding; a message matching no
/// single patient held for an administrator, not dropped and not guessed.
@Suite struct HospitalFeedTests {
    struct Case {
        let patient: Patient
        let clinic: Organisation
        let hospital: Organisation
        let sato: UserAccount
        let delgado: UserAccount
        let hospitalAdministrator: UserAccount
    }

    static func setUp(_ world: TestWorld) async throws -> Case {
        let clinic = try await world.organisation()
        let hospital = try await world.organisation("St. Brendan's", timeZone: "America/Chicago")
        let sato = try await world.person("sato@clinic.example", name: "Dr. Sato", in: clinic)
        let delgado = try await world.person("delgado@clinic.example", name: "Rosa Delgado", in: clinic)
        let hospitalAdministrator = try await world.person("admin@hospital.example", name: "Hospital Administrator", in: hospital, role: .administrator)
        let patient = try await world.patient(registeredBy: delgado, role: .therapist, at: clinic)
        try await world.addToTeam(patient, sato, as: .prescriber, responsible: true, by: delgado)
        try await PatientIdentifier(patientID: patient.id!, organisationID: hospital.id!, value: "SB-1001").create(on: world.database.db())
        _ = try await world.services.feeds.register(
            .init(name: "St. Brendan's ADT", sendingFacility: "STBRENDANS", timeZone: nil), organisation: hospital.id!,
            by: world.caller(hospitalAdministrator, memberOf: [hospital], as: .administrator))
        return Case(patient: patient, clinic: clinic, hospital: hospital, sato: sato, delgado: delgado, hospitalAdministrator: hospitalAdministrator)
    }

    /// A synthetic ADT message.
    static func adt(
        _ trigger: String, control: String, mrn: String = "SB-1001", patientClass: String = "E", visit: String = "V-1", facility: String = "STBRENDANS",
        version: String = "2.5.1", time: String = "20261127093000", encoding: String = "^~\\&", location: String = "ED^BAY 4^^ST BRENDANS"
    ) -> [UInt8] {
        let component = String(encoding.first!)
        let lines = [
            "MSH|\(encoding)|ADT|\(facility)|LIAISON|LIAISON|\(time)||" + ["ADT", trigger, "ADT_A01"].joined(separator: component) + "|\(control)|P|\(version)",
            "EVN|\(trigger)|\(time)",
            "PID|1||" + [mrn, "", "", "STBRENDANS", "MR"].joined(separator: component) + "||" + ["SYNTHETIC", "PATIENT"].joined(separator: component),
            "PV1|1|\(patientClass)|\(location)" + String(repeating: "|", count: 16) + visit,
        ]
        return Array(lines.joined(separator: "\r").utf8)
    }

    /// The acknowledgement's MSA-1 and MSA-3.
    static func answer(_ ack: String) throws -> (code: String, text: String) {
        let message = try HL7Message.parse(ack)
        let msa = try #require(message.segment("MSA"))
        return (msa.field(1).value, msa.field(3).value)
    }

    @Test func anEmergencyVisitFromTheFeedIsAppliedOnceAndItsRepeatAnsweredAsBefore() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let feeds = world.services.feeds
            let ack = await feeds.receive(Self.adt("A04", control: "MSG-1"))
            #expect(try Self.answer(ack) == ("AA", "Recorded; the care team has been told."))
            #expect(ack.hasPrefix("MSH|^~\\&|LIAISON|LIAISON|ADT|STBRENDANS|"))
            let repeated = await feeds.receive(Self.adt("A04", control: "MSG-1"))
            #expect(try Self.answer(repeated) == ("AA", "Recorded; the care team has been told."))
            let events = try await CareEvent.query(on: world.database.db()).all()
            #expect(events.count == 1)
            let event = try #require(events.first)
            #expect(event.eventKind == .emergencyVisit && event.eventSource == .feed && event.visitNumber == "V-1" && event.facility == "ST BRENDANS")
            // 09:30 in Chicago (the feed's zone, from its organisation) is 15:30 UTC.
            #expect(event.occurredAt == Date(timeIntervalSince1970: 1_795_793_400))
            let notices = try await Notification.query(on: world.database.db()).filter(\.$kind == "care-event.new").all()
            #expect(Set(notices.map(\.$user.id)) == [c.sato.id!, c.delgado.id!])
            #expect(try await AuditEntry.query(on: world.database.db()).filter(\.$action == "care-event.record").all().map(\.requestID) == ["feed"])

            // A sender's own encoding characters come back in the answer. (Messages a minute apart, as a hospital sends them.)
            world.clock.advance(by: 60)
            let odd = await feeds.receive(Self.adt("A01", control: "MSG-2", patientClass: "I", encoding: "*~\\&", location: "4 WEST*412*B*ST BRENDANS"))
            #expect(odd.hasPrefix("MSH|*~\\&|LIAISON"))
            #expect(try Self.answer(odd).code == "AA")
            // An update changes the visit's latest event; a cancellation cancels it and tells the team.
            world.clock.advance(by: 60)
            #expect(try Self.answer(await feeds.receive(Self.adt("A08", control: "MSG-3", location: "5 EAST^501^A^ST BRENDANS ANNEX"))) == ("AA", "Updated."))
            let admission = try #require(try await CareEvent.query(on: world.database.db()).filter(\.$kind == "admission").first())
            #expect(admission.facility == "ST BRENDANS ANNEX" && admission.details.contains("5 EAST"))
            #expect(try Self.answer(await feeds.receive(Self.adt("A11", control: "MSG-4"))) == ("AA", "Cancelled."))
            #expect(try await CareEvent.find(admission.id, on: world.database.db())?.cancelledAt != nil)
            #expect(try Self.answer(await feeds.receive(Self.adt("A13", control: "MSG-5"))).code == "AE", "no discharge to cancel")
            #expect(try Self.answer(await feeds.receive(Self.adt("A03", control: "MSG-6", patientClass: "I"))).code == "AA")
            let discharge = try #require(try await CareEvent.query(on: world.database.db()).filter(\.$kind == "discharge").first())
            #expect(discharge.followUpDueAt != nil)
            #expect(try Self.answer(await feeds.receive(Self.adt("A13", control: "MSG-7"))) == ("AA", "Cancelled."))
            #expect(try await CareEvent.find(discharge.id, on: world.database.db())?.followUpOwed == false)
            #expect(try await FeedMessage.query(on: world.database.db()).count() == 7)
        }
    }

    @Test func badMessagesAreRefusedInTheAcknowledgementAndChangeNothing() async throws {
        try await withApp { world in
            _ = try await Self.setUp(world)
            let feeds = world.services.feeds
            let cases: [([UInt8], String)] = [
                (Array("hello, this is not HL7".utf8), "AR"),
                ([0x00, 0xFF, 0x0B, 0x1C, 0x0D, 0x7F], "AR"),
                (Self.adt("A04", control: "X1", version: "2.2"), "AR"),
                (Self.adt("A99", control: "X2"), "AR"),
                (Array("MSH|^~\\&|LAB|STBRENDANS|LIAISON|LIAISON|20261127||ORU^R01|X3|P|2.5.1\rPID|1||SB-1001".utf8), "AR"),
                (Self.adt("A04", control: "X4", facility: "UNKNOWN HOSPITAL"), "AE"),
                (Self.adt("A04", control: "", facility: "STBRENDANS"), "AE"),
                (Self.adt("A08", control: "X5", visit: ""), "AE"),
                (Self.adt("A08", control: "X6", visit: "NO-SUCH-VISIT"), "AE"),
                (Array("MSH|^~\\&|ADT|STBRENDANS|LIAISON|LIAISON|20261127||ADT^A04|X7|P|2.5.1\rEVN|A04".utf8), "AE"),
            ]
            for (message, code) in cases {
                let ack = await feeds.receive(message)
                #expect(try Self.answer(ack).code == code, "\(String(decoding: message, as: UTF8.self)) → \(ack)")
            }
            #expect(try await CareEvent.query(on: world.database.db()).count() == 0)
            #expect(try await FeedMessage.query(on: world.database.db()).filter(\.$status != "refused").count() == 0)
        }
    }

    @Test func aMessageMatchingNoPatientIsHeldForTheAdministratorToResolve() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let feeds = world.services.feeds
            let held = try Self.answer(await feeds.receive(Self.adt("A04", control: "U-1", mrn: "SB-9999")))
            #expect(held.code == "AA" && held.text.contains("Held for matching by hand"))
            #expect(try await CareEvent.query(on: world.database.db()).count() == 0)
            let told = try await Notification.query(on: world.database.db()).filter(\.$user.$id == c.hospitalAdministrator.id!).all()
            #expect(told.count == 1 && told.allSatisfy { !$0.message.contains("Rivera") && !$0.message.contains("SYNTHETIC") })

            let administrator = world.browser()
            try await administrator.signIn("admin@hospital.example")
            let page = try await administrator.get(SiteURL.organisationFeeds(c.hospital.id!).path)
            #expect(page.status == .ok && page.body.contains("SB-9999 (STBRENDANS)") && !page.body.contains("SYNTHETIC"))
            let message = try #require(try await FeedMessage.query(on: world.database.db()).first())
            let retry = SiteURL.feedMessageStep(organisation: c.hospital.id!, message: message.id!, .retry).path
            #expect(try await administrator.post(retry, []).status == .conflict, "still nobody has that number")
            // A clinician records the hospital's number on the record; matching again now finds them.
            try await PatientIdentifier(patientID: c.patient.id!, organisationID: c.clinic.id!, value: "SB-9999").create(on: world.database.db())
            #expect(try await administrator.post(retry, []).status == .seeOther)
            #expect(try await CareEvent.query(on: world.database.db()).count() == 1)
            #expect(try await administrator.post(retry, []).status == .conflict, "resolved once")

            _ = await feeds.receive(Self.adt("A04", control: "U-2", mrn: "SB-8888"))
            let second = try #require(try await FeedMessage.query(on: world.database.db()).filter(\.$controlID == "U-2").first())
            let attach = SiteURL.feedMessageStep(organisation: c.hospital.id!, message: second.id!, .attach).path
            #expect(try await administrator.post(attach, [("patient", "not an id")]).status == .unprocessableContent)
            #expect(try await administrator.post(attach, [("patient", "https://liaison.test/patients/\(c.patient.id!.uuidString.lowercased())")]).status == .seeOther)
            #expect(try await CareEvent.query(on: world.database.db()).count() == 2)

            _ = await feeds.receive(Self.adt("A04", control: "U-3", mrn: "SB-7777"))
            let third = try #require(try await FeedMessage.query(on: world.database.db()).filter(\.$controlID == "U-3").first())
            let clinician = world.browser()
            try await clinician.signIn("sato@clinic.example")
            #expect(try await clinician.post(SiteURL.feedMessageStep(organisation: c.hospital.id!, message: third.id!, .dismiss).path, []).status == .forbidden)
            #expect(try await administrator.post(SiteURL.feedMessageStep(organisation: c.hospital.id!, message: third.id!, .dismiss).path, []).status == .seeOther)
            let statuses = try await FeedMessage.query(on: world.database.db()).sort(\.$controlID).all().map(\.status)
            #expect(statuses == ["resolved", "resolved", "dismissed"])
            let api = try await world.apiToken(for: c.hospitalAdministrator)
            #expect((try await api.call(.get, APIURL.feedMessages(c.hospital.id!).path).json()["messages"] as? [Any])?.count == 3)
        }
    }

    @Test func theSameMessageTenTimesAtOnceIsAppliedOnce() async throws {
        try await withApp { world in
            _ = try await Self.setUp(world)
            let feeds = world.services.feeds
            let answers = await withTaskGroup(of: String.self) { group in
                for _ in 0..<10 { group.addTask { await feeds.receive(Self.adt("A01", control: "SAME-1", patientClass: "I")) } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let codes = try answers.map { try Self.answer($0).code }
            // A sender told AE (database busy) sends again; nothing was half-applied.
            #expect(codes.allSatisfy { $0 == "AA" || $0 == "AE" }, "\(answers)")
            #expect(try await CareEvent.query(on: world.database.db()).count() == 1)
            #expect(try await FeedMessage.query(on: world.database.db()).count() == 1)
        }
    }

    @Test func registeringAFeedChecksItsFieldsAndOneFacilityHasOneFeed() async throws {
        try await withApp { world in
            let c = try await Self.setUp(world)
            let administrator = world.browser()
            try await administrator.signIn("admin@hospital.example")
            let path = SiteURL.organisationFeeds(c.hospital.id!).path
            let taken = try await administrator.post(path, [("name", "Again"), ("sendingFacility", "STBRENDANS"), ("timeZone", "")])
            #expect(taken.status == .unprocessableContent && taken.body.contains("already registered"))
            let bad = try await administrator.post(path, [("name", "X"), ("sendingFacility", "A|B"), ("timeZone", "Mars/Olympus")])
            #expect(bad.status == .unprocessableContent && bad.body.contains("without HL7 separators") && bad.body.contains("Time zone must be"))
            let feed = try #require(try await HospitalFeed.query(on: world.database.db()).first())
            #expect(try await administrator.post(SiteURL.feedStep(organisation: c.hospital.id!, feed: feed.id!, .disable).path, []).status == .seeOther)
            #expect(try Self.answer(await world.services.feeds.receive(Self.adt("A04", control: "OFF-1"))).code == "AE", "a feed turned off is not heard")
            #expect(try await administrator.post(path, [("name", "New"), ("sendingFacility", "STBRENDANS"), ("timeZone", "America/Chicago")]).status == .seeOther)
        }
    }
}
