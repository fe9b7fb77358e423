import FluentKit
import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData
import SQLKit
import Testing
@testable import LiaisonServer

/// Malformed input to every endpoint that takes a body: each gets a clear 4xx and nothing changes.
@Suite struct BadInputTests {
    static let tables = [
        "users", "profiles", "service_openings", "api_tokens", "patients", "care_team_members", "consents", "notes",
        "emergency_accesses", "referrals", "referral_notes", "audit_entries", "outbox_messages", "notifications",
    ]

    /// Row counts of every table that input could change.
    func snapshot(_ world: TestWorld) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in Self.tables {
            counts[table] = try await world.database.sql().select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table).first()?.decode(column: "n", as: Int.self)
        }
        return counts
    }

    static let longText = String(repeating: "x", count: 20_000)

    /// Bodies every JSON endpoint must refuse.
    static let malformedBodies: [(String, String)] = [
        ("truncated JSON", #"{"reason": "#),
        ("an array instead of an object", "[]"),
        ("a bare string", #""hello""#),
        ("wrong types", #"{"givenName": 42, "name": 7, "withheld": "all", "kind": [], "email": {}, "urgency": 3, "letter": "x", "patientID": 5}"#),
        ("null bytes and control characters", "{\"name\": \"\u{0}\u{1}\"}"),
    ]

    /// Endpoints with a JSON body, given an existing patient and referral.
    static func endpoints(patient: String, referral: String) -> [(HTTPRequest.Method, String)] {
        [
            (.put, "/api/v1/me/profile"), (.post, "/api/v1/tokens"), (.post, "/api/v1/patients"),
            (.post, "/api/v1/patients/\(patient)/care-team"), (.put, "/api/v1/patients/\(patient)/consent"),
            (.post, "/api/v1/patients/\(patient)/notes"), (.post, "/api/v1/emergency-access"), (.post, "/api/v1/referrals"),
            (.post, "/api/v1/referrals/\(referral)/actions/accept"),
        ]
    }

    func world(_ world: TestWorld) async throws -> (APIClient, APIClient, String, String) {
        let clinic = try await world.organisation()
        let haddad = try await world.person("haddad@clinic.example", in: clinic)
        let lindqvist = try await world.person("lindqvist@clinic.example", in: clinic)
        let patient = try await world.patient(registeredBy: haddad, role: .primaryCare, at: clinic)
        let referral = try await world.referral(patient, from: haddad, to: lindqvist)
        return (try await world.apiToken(for: haddad), try await world.apiToken(for: lindqvist), patient.id!.uuidString.lowercased(), referral.id!.uuidString.lowercased())
    }

    @Test func malformedJSONIsRefusedEverywhereAndChangesNothing() async throws {
        try await withApp { world in
            let (haddad, lindqvist, patient, referral) = try await self.world(world)
            let before = try await snapshot(world)
            for (method, path) in Self.endpoints(patient: patient, referral: referral) {
                let api = path.contains("/actions/") ? lindqvist : haddad
                for (name, body) in Self.malformedBodies {
                    let answer = try await api.call(method, path, json: body)
                    #expect((400..<500).contains(answer.status.code) && answer.status != .notFound, "\(method) \(path) with \(name) → \(answer.status)")
                    #expect(answer.headers[.contentType] == "application/problem+json", "\(method) \(path) with \(name)")
                }
            }
            #expect(try await snapshot(world) == before)
        }
    }

    @Test func overlongUnknownAndOutOfRangeValuesAreRefusedWithTheFieldNamed() async throws {
        try await withApp { world in
            let (haddad, _, patient, _) = try await self.world(world)
            let before = try await snapshot(world)
            let cases: [(HTTPRequest.Method, String, String, String)] = [
                (.post, "/api/v1/patients", #"{"givenName":"A","familyName":"B","dateOfBirth":"1800-01-01","role":"therapist"}"#, "dateOfBirth"),
                (.post, "/api/v1/patients", #"{"givenName":"A","familyName":"B","dateOfBirth":"2999-12-31","role":"therapist"}"#, "dateOfBirth"),
                (.post, "/api/v1/patients", #"{"givenName":"A","familyName":"B","dateOfBirth":"2024-02-30","role":"therapist"}"#, "dateOfBirth"),
                (.post, "/api/v1/patients", "{\"givenName\":\"\(Self.longText)\",\"familyName\":\"B\",\"dateOfBirth\":\"1990-01-01\",\"role\":\"therapist\"}", "givenName"),
                (.post, "/api/v1/patients", #"{"givenName":"A","familyName":"B","dateOfBirth":"1990-01-01","role":"shaman"}"#, "role"),
                (.post, "/api/v1/patients/\(patient)/notes", "{\"kind\":\"team\",\"body\":\"\(Self.longText)\"}", "body"),
                (.post, "/api/v1/patients/\(patient)/notes", #"{"kind":"gossip","body":"x"}"#, "kind"),
                (.put, "/api/v1/patients/\(patient)/consent", #"{"withheld":["therapist:wizard"]}"#, "withheld"),
                (.post, "/api/v1/referrals", "{\"patientID\":\"\(patient)\",\"recipientOrganisationID\":\"\(UUID())\",\"urgency\":\"someday\",\"letter\":{\"reason\":\"x\"}}", "urgency"),
                (.post, "/api/v1/referrals", "{\"patientID\":\"\(patient)\",\"recipientOrganisationID\":\"\(UUID())\",\"urgency\":\"routine\",\"letter\":{\"reason\":\"\(Self.longText)\"}}", "reason"),
                (.post, "/api/v1/emergency-access", #"{"givenName":"A","familyName":"B","dateOfBirth":"yesterday","reason":"A real emergency here."}"#, "dateOfBirth"),
                (.put, "/api/v1/me/profile", #"{"displayName":"A","discipline":"psychologist","modality":"hologram","languages":["English"],"contact":{"preferredMethod":"pigeon"},"intake":{"acceptingNewPatients":false,"transfers":"accepts","prioritisesPatientsWithoutPsychiatrist":false}}"#, "modality"),
                (.post, "/api/v1/tokens", "{\"name\":\"\(Self.longText)\"}", "name"),
            ]
            for (method, path, body, field) in cases {
                let answer = try await haddad.call(method, path, json: body)
                #expect(answer.status == .unprocessableContent, "\(method) \(path) → \(answer.status)")
                let fields = try (answer.json()["errors"] as? [[String: String]] ?? []).compactMap { $0["field"] }
                #expect(fields.contains(field), "\(method) \(path): \(fields) should name \(field)")
            }
            #expect(try await snapshot(world) == before)
        }
    }

    @Test func hugeBodiesAreRefusedBeforeTheyAreRead() async throws {
        try await withApp { world in
            let (haddad, _, patient, _) = try await self.world(world)
            let before = try await snapshot(world)
            let huge = "{\"kind\":\"team\",\"body\":\"" + String(repeating: "a", count: 3 << 20) + "\"}"
            let answer = try await haddad.call(.post, "/api/v1/patients/\(patient)/notes", json: huge)
            #expect(answer.status == .contentTooLarge)
            #expect(try await snapshot(world) == before)
        }
    }

    @Test func invalidUTF8IsRefusedInJSONFormsAndQueries() async throws {
        try await withApp { world in
            let (haddad, _, patient, _) = try await self.world(world)
            let before = try await snapshot(world)
            var bytes = ByteBuffer(string: #"{"kind":"team","body":""#)
            bytes.writeBytes([0xFF, 0xFE, 0xC3])
            bytes.writeString(#""}"#)
            let json = try await world.client.execute(
                uri: "/api/v1/patients/\(patient)/notes", method: .post,
                headers: [.authorization: "Bearer \(haddad.token!)", .contentType: "application/json"], body: bytes)
            #expect(json.status == .badRequest)
            let browser = world.browser()
            try await browser.signIn("haddad@clinic.example")
            let form = try await browser.send(
                "/patients/\(patient)/notes", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(browser.cookies["liaison_csrf"]!)&kind=team&body=%FF%FE"))
            #expect(form.status == .badRequest)
            #expect(try await browser.get("/directory?q=%ZZ").status == .badRequest)
            #expect(try await snapshot(world).filter { $0.key != "audit_entries" } == before.filter { $0.key != "audit_entries" })
        }
    }

    @Test func formsWithTheWrongContentTypeAreRefused() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            let browser = world.browser()
            try await browser.signIn("ana@clinic.example")
            let answer = try await browser.send(
                "/profile", method: .post,
                headers: [.contentType: "text/plain", .init("X-CSRF-Token")!: browser.cookies["liaison_csrf"]!], body: ByteBuffer(string: "displayName=x"))
            #expect(answer.status == .unsupportedMediaType)
            #expect(answer.body.contains("application/x-www-form-urlencoded"))
        }
    }
}
