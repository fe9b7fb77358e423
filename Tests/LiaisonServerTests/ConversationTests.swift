import FluentKit
import Hummingbird
import Foundation
import LiaisonCore
import LiaisonData
import Testing
@testable import LiaisonServer

/// Care-team threads and direct conversations: who reads what, unread counts, bad input, audit.
@Suite struct ConversationTests {
    struct Team {
        let clinic: Organisation
        let patient: Patient
        /// Therapist who registered the patient.
        let lindqvist: UserAccount
        /// The patient's psychiatrist.
        let okafor: UserAccount
        /// Primary care.
        let haddad: UserAccount
        /// A colleague at the clinic, not on the team.
        let brennan: UserAccount
    }

    static func team(_ world: TestWorld) async throws -> Team {
        let clinic = try await world.organisation()
        let lindqvist = try await world.person("lindqvist@clinic.example", name: "Dr. Lindqvist", in: clinic)
        let okafor = try await world.person("okafor@clinic.example", name: "Dr. Okafor", in: clinic)
        let haddad = try await world.person("haddad@clinic.example", name: "Dr. Haddad", in: clinic)
        let brennan = try await world.person("brennan@clinic.example", name: "Dr. Brennan", in: clinic)
        let patient = try await world.patient(registeredBy: lindqvist, role: .therapist, at: clinic)
        try await world.addToTeam(patient, okafor, as: .prescriber, by: lindqvist)
        try await world.addToTeam(patient, haddad, as: .primaryCare, by: lindqvist)
        return Team(clinic: clinic, patient: patient, lindqvist: lindqvist, okafor: okafor, haddad: haddad, brennan: brennan)
    }

    @Test func aTherapistWritesInTheTeamThreadAndThePsychiatristSeesItUnread() async throws {
        try await withApp { world in
            let team = try await Self.team(world)
            let path = "/patients/\(team.patient.id!.uuidString.lowercased())/thread"
            let therapist = world.browser()
            try await therapist.signIn("lindqvist@clinic.example")
            #expect(try await therapist.get("/patients/\(team.patient.id!.uuidString.lowercased())").body.contains(path), "the record links its thread")
            #expect(try await therapist.get(path).body.contains("No messages yet."))
            let sent = try await therapist.post(path, [("body", "Sam mentioned sleeping 3 hours a night since the dose change.\nCan we talk this week?")])
            #expect(sent.location == path)

            let psychiatrist = world.browser()
            try await psychiatrist.signIn("okafor@clinic.example")
            let home = try await psychiatrist.get("/")
            #expect(home.body.contains("Messages (1)"))
            let list = try await psychiatrist.get("/messages")
            #expect(list.body.contains("Care team: Sam Rivera"))
            #expect(list.body.contains("1 unread"))
            let thread = try await psychiatrist.get(path)
            #expect(thread.body.contains("sleeping 3 hours a night"))
            #expect(thread.body.contains("Dr. Lindqvist"))
            #expect(thread.body.contains("Therapist"))
            #expect(!thread.body.contains("Messages (1)"), "the page that read it does not count it")
            #expect(!(try await psychiatrist.get("/").body.contains("Messages (1)")), "opening the thread read it")
            #expect(try await therapist.get("/").body.contains(">Messages<"), "the writer has nothing unread")

            // Someone not on the team: not found, on the page and in the API, and nothing to read.
            let outsider = world.browser()
            try await outsider.signIn("brennan@clinic.example")
            #expect(try await outsider.get(path).status == .notFound)
            #expect(try await outsider.post(path, [("body", "hello")]).status == .notFound)
            let api = try await world.apiToken(for: team.brennan)
            #expect(try await api.call(.get, "/api/v1" + path).status == .notFound)
            #expect(!(try await outsider.get("/messages").body.contains("Sam Rivera")))
            #expect(!(try await psychiatrist.get("/messages").body.contains("0 unread")), "nothing unread says nothing")

            let actions = try await world.auditEntries(for: team.patient).map(\.action)
            #expect(actions.contains("message.create"))
            #expect(actions.filter { $0 == "thread.read" }.count >= 2)
            #expect(actions.contains("access.refused"))
        }
    }

    @Test func thePatientsConsentDecidesWhoOnTheTeamReadsAMessage() async throws {
        try await withApp { world in
            let team = try await Self.team(world)
            _ = try await world.patientService.updateConsent(of: team.patient.id!, withheld: ["primary-care:therapist"], by: world.caller(team.lindqvist))
            let service = world.services.conversations
            try await service.postToTeam(team.patient.id!, body: "Process detail for the prescriber only.", by: world.caller(team.lindqvist))
            try await service.postToTeam(team.patient.id!, body: "Labs are back: normal.", by: world.caller(team.haddad))

            let primary = try await service.teamThread(of: team.patient.id!, by: world.caller(team.haddad))
            #expect(primary.messages.map(\.body) == ["Labs are back: normal."])
            let therapist = try await service.teamThread(of: team.patient.id!, by: world.caller(team.lindqvist))
            #expect(therapist.messages.map(\.body) == ["Process detail for the prescriber only."])
            let psychiatrist = try await service.teamThread(of: team.patient.id!, by: world.caller(team.okafor))
            #expect(psychiatrist.messages.count == 2)
            // Nobody is counted a message they may not read.
            #expect(try await ConversationQueries.unreadCount(of: team.haddad.id!, on: world.database.db()) == 0)
            #expect(try await ConversationQueries.unreadCount(of: team.lindqvist.id!, on: world.database.db()) == 0)
        }
    }

    @Test func aDirectConversationAboutAPatientIsForTheTwoWhileTheyBothTreatThePatient() async throws {
        try await withApp { world in
            let team = try await Self.team(world)
            let therapist = try await world.apiToken(for: team.lindqvist)
            let psychiatrist = try await world.apiToken(for: team.okafor)
            let patientID = team.patient.id!.uuidString.lowercased()

            // Bad input changes nothing.
            for (json, field) in [
                (#"{"to":"okafor@clinic.example","body":"   "}"#, "body"),
                (#"{"to":"not-an-address","body":"Hello"}"#, "to"),
                (#"{"to":"nobody@clinic.example","body":"Hello"}"#, "to"),
                (#"{"to":"lindqvist@clinic.example","body":"Hello"}"#, "to"),
                (#"{"to":"brennan@clinic.example","patientID":"\#(patientID)","body":"About Sam"}"#, "to"),
                (#"{"to":"okafor@clinic.example","patientID":"sam","body":"About Sam"}"#, "patientID"),
                (#"{"to":"okafor@clinic.example","body":"\#(String(repeating: "x", count: 4001))"}"#, "body"),
            ] {
                let answer = try await therapist.call(.post, "/api/v1/conversations", json: json)
                #expect(answer.status == .unprocessableContent, "\(json.prefix(80))")
                #expect(answer.body.contains(field))
            }
            #expect(try await Conversation.query(on: world.database.db()).count() == 0)

            let started = try await therapist.call(.post, "/api/v1/conversations", json: #"{"to":"okafor@clinic.example","patientID":"\#(patientID)","body":"Could you review the dose?"}"#)
            #expect(started.status == .created)
            let id = try #require(try started.json()["id"] as? String)
            let listed = try await psychiatrist.call(.get, "/api/v1/conversations").json()
            #expect(listed["unread"] as? Int == 1)
            let opened = try await psychiatrist.call(.get, "/api/v1/conversations/\(id)").json()
            #expect(opened["otherName"] as? String == "Dr. Lindqvist")
            #expect(((opened["messages"] as? [[String: Any]])?.first?["body"] as? String) == "Could you review the dose?")
            #expect(try await psychiatrist.call(.get, "/api/v1/conversations").json()["unread"] as? Int == 0)
            #expect(try await psychiatrist.call(.post, "/api/v1/conversations/\(id)/messages", json: #"{"body":"Yes, Thursday."}"#).status == .created)
            // Writing again to the same colleague about the same patient continues the conversation.
            let again = try await therapist.call(.post, "/api/v1/conversations", json: #"{"to":"okafor@clinic.example","patientID":"\#(patientID)","body":"Thanks."}"#)
            #expect(try again.json()["id"] as? String == id)
            #expect(try await ConversationMessage.query(on: world.database.db()).count() == 3)

            // A third person, on the team or not, cannot open it.
            for other in [team.haddad, team.brennan] {
                let client = try await world.apiToken(for: other)
                #expect(try await client.call(.get, "/api/v1/conversations/\(id)").status == .notFound)
                #expect(try await client.call(.post, "/api/v1/conversations/\(id)/messages", json: #"{"body":"hi"}"#).status == .notFound)
            }
            #expect(try await world.auditEntries(for: team.patient).filter { $0.action == "conversation.read" }.count >= 1)

            // The psychiatrist leaves the team: the conversation about the patient is closed to them,
            // and what they had unread no longer counts.
            _ = try await therapist.call(.post, "/api/v1/conversations", json: #"{"to":"okafor@clinic.example","patientID":"\#(patientID)","body":"One more thing."}"#)
            let membership = try #require(try await CareTeamMember.query(on: world.database.db()).filter(\.$user.$id == team.okafor.id!).first())
            try await world.patientService.endMember(membership.id!, of: team.patient.id!, by: world.caller(team.lindqvist))
            #expect(try await psychiatrist.call(.get, "/api/v1/conversations/\(id)").status == .notFound)
            let after = try await psychiatrist.call(.get, "/api/v1/conversations").json()
            #expect((after["conversations"] as? [Any])?.isEmpty == true)
            #expect(try await ConversationQueries.unreadCount(of: team.okafor.id!, on: world.database.db()) == 0)
        }
    }

    @Test func twoColleaguesStartingTheSameConversationAtOnceThroughTwoServersShareOne() async throws {
        try await withApp { world in
            let team = try await Self.team(world)
            let lindqvist = try await world.apiToken(for: team.lindqvist)
            let okafor = try await world.apiToken(for: team.okafor)
            // Ten at once, through two servers: each either is written (201) or, when the database
            // is too busy on a loaded machine, answered 503 with nothing changed; never a 500.
            let answers = try await withTwoServers(world) { clients in
                try await withThrowingTaskGroup(of: (Int, HTTPResponse.Status).self) { group in
                    for index in 0..<10 {
                        let (token, to) = index % 2 == 0 ? (lindqvist.token, "okafor@clinic.example") : (okafor.token, "lindqvist@clinic.example")
                        group.addTask {
                            (index, try await APIClient(client: clients[index % clients.count], token: token)
                                .call(.post, "/api/v1/conversations", json: #"{"to":"\#(to)","body":"Message \#(index)"}"#).status)
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            #expect(answers.allSatisfy { $0.1 == .created || $0.1 == .serviceUnavailable }, "\(answers)")
            let written = answers.filter { $0.1 == .created }
            #expect(!written.isEmpty)
            #expect(try await Conversation.query(on: world.database.db()).count() == 1, "both colleagues' messages are in one conversation")
            #expect(try await ConversationMessage.query(on: world.database.db()).count() == written.count)
            #expect(try await ConversationQueries.unreadCount(of: team.okafor.id!, on: world.database.db()) == written.filter { $0.0 % 2 == 0 }.count)
        }
    }

    @Test func aColleagueCanBeWrittenToFromTheMessagesPage() async throws {
        try await withApp { world in
            let team = try await Self.team(world)
            let browser = world.browser()
            try await browser.signIn("haddad@clinic.example")
            let page = try await browser.get("/messages")
            #expect(page.body.contains("Rivera, Sam"), "patients the writer treats can be named")
            let refused = try await browser.post("/messages", [("to", "brennan@clinic.example"), ("patientID", team.patient.id!.uuidString.lowercased()), ("body", "About Sam")])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("not on this patient"))
            #expect(refused.body.contains("About Sam"), "what was typed is kept")
            let sent = try await browser.post("/messages", [("to", "brennan@clinic.example"), ("patientID", ""), ("body", "Coffee on Friday?")])
            let path = try #require(sent.location)
            #expect(try await browser.get(path).body.contains("Coffee on Friday?"))
            let empty = try await browser.post(path, [("body", "")])
            #expect(empty.status == .unprocessableContent)
            #expect(empty.body.contains("Message is required."))
            let colleague = world.browser()
            try await colleague.signIn("brennan@clinic.example")
            #expect(try await colleague.get("/").body.contains("Messages (1)"))
        }
    }
}
