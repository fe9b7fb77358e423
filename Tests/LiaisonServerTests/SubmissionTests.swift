import FluentKit
import Foundation
import HTTPTypes
import Hummingbird
import LiaisonCore
import LiaisonData
import Testing
@testable import LiaisonServer

/// A create sent twice — a double click, "back" and send again, an API client's retry — makes one
/// thing: forms carry a one-time token, API clients an `Idempotency-Key`.
@Suite struct SubmissionTests {
    static func referralFields(_ c: SplitTreatment, token: String, reason: String = "Panic attacks twice weekly.") -> [(String, String)] {
        [
            ("patientID", c.patient.id!.uuidString.lowercased()), ("recipientID", c.outsider.id!.uuidString.lowercased()),
            ("urgency", "routine"), ("reason", reason), ("questions", "Is CBT suitable?"), ("hopes", "Back to work."),
            ("save", "send"), ("_once", token),
        ]
    }

    @Test func aReferralFormSentTwiceCreatesOneReferralAndAChangedOneANewOne() async throws {
        try await withApp { world in
            let c = try await world.splitTreatment()
            let delgado = world.browser()
            try await delgado.signIn("delgado@clinic.example")
            let form = try await delgado.get("/referrals/new")
            let token = try #require(form.body.firstMatch(of: /name="_once" value="([0-9a-f-]{36})"/)?.output.1)
            let first = try await delgado.post("/referrals", Self.referralFields(c, token: String(token)))
            let second = try await delgado.post("/referrals", Self.referralFields(c, token: String(token)))
            #expect(first.status == .seeOther && second.status == .seeOther)
            #expect(first.location == second.location, "the repeat lands on the referral the first one made")
            let db = world.database.db()
            #expect(try await Referral.query(on: db).count() == 1)
            #expect(try await Notification.query(on: db).filter(\.$user.$id == c.outsider.id!).count() == 1, "the recipient is told once")
            #expect(try await world.auditEntries(for: c.patient).filter { $0.action == "referral.create" }.count == 1)

            // Back, a changed reason, and send: that is a new referral, not a repeat.
            let changed = try await delgado.post("/referrals", Self.referralFields(c, token: String(token), reason: "Panic attacks daily now."))
            #expect(changed.status == .seeOther && changed.location != first.location)
            #expect(try await Referral.query(on: db).count() == 2)
        }
    }

    @Test func aNoteAMemberAndAPatientSentTwiceAreMadeOnce() async throws {
        try await withApp { world in
            let c = try await world.splitTreatment()
            let delgado = world.browser()
            try await delgado.signIn("delgado@clinic.example")
            let patientPath = "/patients/\(c.patient.id!.uuidString.lowercased())"
            for _ in 0..<2 {
                let note = try await delgado.post(patientPath + "/notes", [("kind", "team"), ("body", "Sleep improving."), ("_once", "token-1")])
                #expect(note.status == .seeOther)
                let member = try await delgado.post(patientPath + "/team", [("email", "nobody@clinic.example"), ("role", "consultant"), ("_once", "token-1")])
                #expect(member.status == .seeOther, "the repeat is not told the clinician is already on the team")
                let patient = try await delgado.post("/patients", [
                    ("givenName", "Ada"), ("familyName", "Synthetic"), ("dateOfBirth", "1990-02-03"), ("role", "therapist"), ("_once", "token-2"),
                ])
                #expect(patient.status == .seeOther, "the repeat is not taken for a possible duplicate")
            }
            let db = world.database.db()
            #expect(try await Note.query(on: db).filter(\.$patient.$id == c.patient.id!).count() == 1)
            #expect(try await CareTeamMember.query(on: db).filter(\.$user.$id == c.outsider.id!).count() == 1)
            #expect(try await Patient.query(on: db).filter(\.$familyName == "Synthetic").count() == 1)
        }
    }

    @Test func anAPIRetryWithTheSameKeyGetsTheSameReferralAndOtherFieldsAreRefused() async throws {
        try await withApp { world in
            let c = try await world.splitTreatment()
            let api = try await world.apiToken(for: c.delgado)
            @Sendable func body(_ reason: String) -> String {
                #"{"patientID":"\#(c.patient.id!.uuidString)","recipientID":"\#(c.outsider.id!.uuidString)","urgency":"routine","letter":{"reason":"\#(reason)","questions":"Is CBT suitable?","hopes":"Back to work."}}"#
            }
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "retry-7f3a"]
            let first = try await api.call(.post, APIURL.referrals.path, json: body("Panic attacks."), headers: key)
            let again = try await api.call(.post, APIURL.referrals.path, json: body("Panic attacks."), headers: key)
            #expect(first.status == .created && again.status == .created)
            #expect(try first.json()["id"] as? String == again.json()["id"] as? String)
            let other = try await api.call(.post, APIURL.referrals.path, json: body("Something else."), headers: key)
            #expect(other.status == .unprocessableContent)
            #expect(other.body.contains("Idempotency-Key"))
            let bad = try await api.call(.post, APIURL.referrals.path, json: body("Panic attacks."), headers: [HTTPField.Name("Idempotency-Key")!: String(repeating: "k", count: 300)])
            #expect(bad.status == .badRequest)
            #expect(try await Referral.query(on: world.database.db()).count() == 1)

            // Ten retries at once, through two servers on PostgreSQL: one referral.
            try await withTwoServers(world) { clients in
                let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for index in 0..<10 {
                        group.addTask {
                            try await APIClient(client: clients[index % 2], token: api.token)
                                .call(.post, APIURL.referrals.path, json: body("At once."), headers: [HTTPField.Name("Idempotency-Key")!: "burst-1"]).status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.contains(.created), "\(statuses)")
                #expect(statuses.allSatisfy { $0 == .created || $0 == .serviceUnavailable }, "\(statuses)")
            }
            #expect(try await Referral.query(on: world.database.db()).count() == 2)
        }
    }
}
