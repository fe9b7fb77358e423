import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import LiaisonCore
import LiaisonData
import LiaisonTestSupport
@testable import LiaisonServer
import Testing

/// Each rule, tried by many clients at the same moment through two servers (on PostgreSQL two
/// applications with pools of their own; on SQLite one): exactly the allowed number succeed, the
/// rest get the documented answer, nothing answers 5xx, and the audit chain still verifies.
@Suite struct ConcurrencyTests {
    static let tries = 20

    /// Fires `tries` requests at once, alternating servers, and returns their statuses.
    func atOnce<Answer: Sendable>(_ clients: [any TestClientProtocol], _ request: @escaping @Sendable (any TestClientProtocol, Int) async throws -> Answer) async throws -> [Answer] {
        try await withThrowingTaskGroup(of: Answer.self) { group in
            for index in 0..<Self.tries {
                group.addTask { try await request(clients[index % clients.count], index) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    func expectChainIntact(_ world: TestWorld) async throws {
        guard case .intact = try await AuditLog.verify(on: world.database.db()) else {
            Issue.record("the audit chain does not verify")
            return
        }
    }

    @Test func acceptingOneReferralTwentyTimesAtOnceAcceptsItOnce() async throws {
        try await withApp { world in
            let clinic = try await world.organisation()
            let haddad = try await world.person("haddad@clinic.example", in: clinic)
            let lindqvist = try await world.person("lindqvist@clinic.example", in: clinic)
            let patient = try await world.patient(registeredBy: haddad, at: clinic)
            let referral = try await world.referral(patient, from: haddad, to: lindqvist)
            let token = try await world.apiToken(for: lindqvist).token!
            let path = APIURL.referralAction(referral.id!, .accept).path
            let body = #"{"presentingProblem":"Panic.","plan":"CBT weekly.","contact":"Secure message."}"#
            try await withTwoServers(world) { clients in
                let statuses = try await atOnce(clients) { client, _ in
                    try await APIClient(client: client, token: token).call(.post, path, json: body).status
                }
                #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
                // The others are refused by the state machine (409); on a machine so loaded that a
                // request cannot get a connection in time, it is told the database is busy (503,
                // nothing changed) — never a 500, never a second winner.
                #expect(statuses.filter { $0 == .conflict || $0 == .serviceUnavailable }.count == Self.tries - 1, "\(statuses)")
                #expect(statuses.filter { $0 == .conflict }.count >= Self.tries / 2, "\(statuses)")
            }
            let notes = try await ReferralNoteRecord.query(on: world.database.db()).filter(\.$referral.$id == referral.id!).all()
            #expect(notes.filter { $0.kind == LetterKind.acknowledgement.rawValue }.count == 1)
            let team = try await CareTeamMember.query(on: world.database.db()).filter(\.$patient.$id == patient.id!).filter(\.$user.$id == lindqvist.id!).count()
            #expect(team == 1)
            try await expectChainIntact(world)
        }
    }

    @Test func addingManyResponsiblePrescribersAtOnceKeepsOne() async throws {
        try await withApp { world in
            let clinic = try await world.organisation()
            let haddad = try await world.person("haddad@clinic.example", in: clinic)
            let patient = try await world.patient(registeredBy: haddad, at: clinic)
            for index in 0..<Self.tries { try await world.person("prescriber\(index)@clinic.example", in: clinic) }
            let token = try await world.apiToken(for: haddad).token!
            let path = APIURL.careTeam(patient.id!).path
            try await withTwoServers(world) { clients in
                let statuses = try await atOnce(clients) { client, index in
                    try await APIClient(client: client, token: token).call(
                        .post, path, json: #"{"email":"prescriber\#(index)@clinic.example","role":"prescriber","responsiblePrescriber":true}"#
                    ).status
                }
                #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
                // The others are refused by the rule (422); on a machine so loaded that a request
                // cannot get a connection in time, it is told the database is busy (503, nothing
                // changed): never a 500, never a second responsible prescriber.
                #expect(statuses.filter { $0 == .unprocessableContent || $0 == .serviceUnavailable }.count == Self.tries - 1, "\(statuses)")
                #expect(statuses.filter { $0 == .unprocessableContent }.count >= Self.tries / 2, "\(statuses)")
            }
            let responsible = try await CareTeamMember.query(on: world.database.db()).filter(\.$patient.$id == patient.id!)
                .filter(\.$isResponsiblePrescriber == true).filter(\.$endedAt == nil).count()
            #expect(responsible == 1)
            try await expectChainIntact(world)
        }
    }

    /// A change of prescriber asked for many times at once through two servers runs once; its first
    /// visit recorded many times at once passes responsibility once, leaving one responsible prescriber.
    @Test func oneTransferPerRoleAndOneHandoverWhateverTwoServersDoAtOnce() async throws {
        try await withApp { world in
            let c = try await TransferTests.setUp(world)
            let token = try await world.apiToken(for: c.delgado).token!
            let path = APIURL.patientTransfers(c.patient.id!).path
            try await withTwoServers(world) { clients in
                let answers = try await atOnce(clients) { client, _ in
                    try await APIClient(client: client, token: token).call(
                        .post, path, json: #"{"role":"prescriber","incomingID":"\#(c.feld.id!.uuidString)","reason":"Evenings."}"#)
                }
                let statuses = answers.map(\.status)
                #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
                #expect(statuses.allSatisfy { [.created, .conflict, .serviceUnavailable].contains($0) }, "\(statuses)")
            }
            let stored = try await Transfer.query(on: world.database.db()).all()
            #expect(stored.count == 1)
            let transfer = APIURL.transfer(try #require(stored.first?.id)).path
            let feld = try await world.apiToken(for: c.feld).token!
            let visit = DateOnly.of(world.clock.now(), in: TimeZone(identifier: "America/New_York")!).description
            try await withTwoServers(world) { clients in
                let accepted = try await atOnce(clients) { client, _ in
                    try await APIClient(client: client, token: feld).call(.post, transfer + "/actions/accept").status
                }
                #expect(accepted.filter { $0 == .ok }.count == 1, "\(accepted)")
                let visited = try await atOnce(clients) { client, _ in
                    try await APIClient(client: client, token: feld).call(.post, transfer + "/actions/record-first-visit", json: #"{"visit":"\#(visit)"}"#).status
                }
                #expect(visited.filter { $0 == .ok }.count == 1, "\(visited)")
                #expect(visited.allSatisfy { [.ok, .conflict, .serviceUnavailable].contains($0) }, "\(visited)")
            }
            let team = try await CareTeamQueries.team(of: c.patient.id!, on: world.database.db())
            let now = world.clock.now()
            #expect(team.filter { $0.membership.isActive(at: now) && $0.isResponsiblePrescriber }.map(\.$user.id) == [c.feld.id!])
            #expect(team.filter { $0.$user.id == c.feld.id }.count == 2, "joined on accepting, responsible from the first visit")
            try await expectChainIntact(world)
        }
    }

    /// One questionnaire sent many times at once through two servers is stored and scored once,
    /// raises its alert once; the alert acknowledged by many at once is acknowledged once.
    @Test func oneResponseOneAlertOneAcknowledgementWhateverTwoServersDoAtOnce() async throws {
        try await withApp { world in
            let c = try await MeasurementTests.setUp(world)
            let asked = try await world.services.measurement.request(.init(instrument: "phq-9"), for: c.patient.id!, by: world.caller(c.sato))
            let sam = try await world.apiToken(for: c.portal).token!
            let answers = MeasurementTests.phq9(total: 9, item9: 1).map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",")
            let path = APIURL.questionnaireResponse(asked.id!).path
            try await withTwoServers(world) { clients in
                let statuses = try await atOnce(clients) { client, _ in
                    try await APIClient(client: client, token: sam).call(.post, path, json: #"{"answers":{\#(answers)}}"#).status
                }
                #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
                #expect(statuses.allSatisfy { [.created, .conflict, .serviceUnavailable].contains($0) }, "\(statuses)")
            }
            #expect(try await QuestionnaireResponse.query(on: world.database.db()).count() == 1)
            let flags = try await MeasurementFlag.query(on: world.database.db()).all()
            #expect(flags.count == 1)
            let tokens = [try await world.apiToken(for: c.sato).token!, try await world.apiToken(for: c.delgado).token!]
            let acknowledge = APIURL.alertAcknowledge(try #require(flags.first?.id)).path
            try await withTwoServers(world) { clients in
                let statuses = try await atOnce(clients) { client, index in
                    try await APIClient(client: client, token: tokens[index % 2]).call(.post, acknowledge).status
                }
                #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
                #expect(statuses.allSatisfy { [.ok, .conflict, .serviceUnavailable].contains($0) }, "\(statuses)")
            }
            try await expectChainIntact(world)
        }
    }

    @Test func wrongPasswordsAtOnceGetNoMoreTriesThanTheLimit() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let limit = LockoutPolicy().maximumFailures
            try await withTwoServers(world) { clients in
                let statuses = try await atOnce(clients) { client, index in
                    try await Browser(client: client, recoveryCode: world.recoveryCode(for:)).post("/sign-in", [("email", "ana@clinic.example"), ("password", "wrong \(index)")]).status
                }
                #expect(statuses.allSatisfy { $0 == .unauthorized })
            }
            // Exactly the limit's worth of tries were counted (and checked); the rest met the lock.
            let stored = try #require(try await UserAccount.find(ana.id, on: world.database.db()))
            #expect(stored.failedSignIns == limit)
            #expect(stored.lockedUntil != nil)
            // The right password is refused while the lock lasts.
            let page = try await world.browser().post("/sign-in", [("email", "ana@clinic.example"), ("password", TestWorld.password)])
            #expect(page.status == .unauthorized)
        }
    }

    @Test func oneResetLinkUsedTwiceAtOnceWorksOnce() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            _ = try await world.browser().post("/password/forgot", [("email", "ana@clinic.example")])
            let link = try #require(try await world.linkInLatestEmail(to: "ana@clinic.example"))
            try await withTwoServers(world) { clients in
                let statuses = try await atOnce(clients) { client, index in
                    try await Browser(client: client, recoveryCode: world.recoveryCode(for:)).post(link, [("password", "a new long password \(index)"), ("passwordConfirmation", "a new long password \(index)")]).status
                }
                #expect(statuses.filter { $0 == .seeOther }.count == 1)
                #expect(statuses.allSatisfy { $0.code < 500 })
            }
        }
    }
}
