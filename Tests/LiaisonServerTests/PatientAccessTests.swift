import FluentKit
import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData
import Testing
@testable import LiaisonServer

/// Outsiders learn nothing: every patient page and endpoint answers 404, exactly as for an
/// identifier that does not exist, whatever their role.
@Suite struct PatientAccessTests {
    /// Every patient route, as (method, path, form or JSON body).
    static func pageRoutes(_ id: String, member: String) -> [(HTTPRequest.Method, String, [(String, String)])] {
        [
            (.get, "/patients/\(id)", []),
            (.post, "/patients/\(id)/team", [("email", "x@clinic.example"), ("role", "therapist")]),
            (.post, "/patients/\(id)/team/\(member)/end", []),
            (.get, "/patients/\(id)/consent", []),
            (.post, "/patients/\(id)/consent", [("withheld", "therapist:primary-care")]),
            (.post, "/patients/\(id)/notes", [("kind", "team"), ("body", "Seen today.")]),
            (.get, "/patients/\(id)/access-log", []),
            (.post, "/patients/\(id)/portal-invitation", [("portalEmail", "sam@example.org")]),
        ]
    }

    static func apiRoutes(_ id: String, member: String) -> [(HTTPRequest.Method, String, String?)] {
        [
            (.get, "/api/v1/patients/\(id)", nil),
            (.get, "/api/v1/patients/\(id)/care-team", nil),
            (.post, "/api/v1/patients/\(id)/care-team", #"{"email":"x@clinic.example","role":"therapist"}"#),
            (.post, "/api/v1/patients/\(id)/care-team/\(member)/end", nil),
            (.get, "/api/v1/patients/\(id)/consent", nil),
            (.put, "/api/v1/patients/\(id)/consent", #"{"withheld":[]}"#),
            (.get, "/api/v1/patients/\(id)/notes", nil),
            (.post, "/api/v1/patients/\(id)/notes", #"{"kind":"team","body":"Seen today."}"#),
            (.get, "/api/v1/patients/\(id)/access-log", nil),
        ]
    }

    /// A patient on Ana's team, and four people who are not on it.
    func setUp(_ world: TestWorld) async throws -> (Patient, CareTeamMember, [UserAccount]) {
        let riverside = try await world.organisation()
        let ana = try await world.person("ana@clinic.example", in: riverside)
        let patient = try await world.patient(registeredBy: ana, at: riverside)
        let member = try #require(try await CareTeamMember.query(on: world.database.db()).filter(\.$patient.$id == patient.requireID()).first())
        let colleague = try await world.person("colleague@clinic.example", in: riverside)
        let orgAdmin = try await world.person("admin@clinic.example", in: riverside, role: .administrator)
        let root = try await world.person("root@liaison.example", systemAdministrator: true)
        let former = try await world.person("former@clinic.example", in: riverside)
        try await world.addToTeam(patient, former, as: .consultant, by: ana)
        let formerMembership = try #require(try await CareTeamMember.query(on: world.database.db()).filter(\.$user.$id == former.requireID()).first())
        try await world.patientService.endMember(formerMembership.requireID(), of: patient.requireID(), by: world.caller(ana))
        return (patient, member, [colleague, orgAdmin, root, former])
    }

    @Test func outsidersGet404OnEveryPatientPage() async throws {
        try await withApp { world in
            let (patient, member, outsiders) = try await setUp(world)
            let before = try await world.auditEntries(for: patient).count
            for outsider in outsiders {
                let browser = world.browser()
                try await browser.signIn(outsider.email)
                for (method, path, fields) in Self.pageRoutes(patient.id!.uuidString.lowercased(), member: member.id!.uuidString.lowercased()) {
                    let answer = method == .get ? try await browser.get(path) : try await browser.post(path, fields)
                    #expect(answer.status == .notFound, "\(outsider.email) \(method) \(path) → \(answer.status)")
                    #expect(!answer.body.contains("Rivera"))
                }
            }
            // Nothing was changed or read on their behalf; every attempt is on the record as refused.
            let after = try await world.auditEntries(for: patient).dropFirst(before)
            #expect(!after.isEmpty)
            #expect(after.allSatisfy { $0.action == AuditAction.accessRefused.rawValue })
            #expect(Set(after.compactMap(\.actorID)) == Set(outsiders.compactMap(\.id)))
            // The organisation's administrators see who tried, with a patient reference and no name.
            let admin = world.browser()
            try await admin.signIn("admin@clinic.example")
            let organisation = try #require(try await Organisation.query(on: world.database.db()).first())
            let report = try await admin.get(SiteURL.emergencyReport(organisation: organisation.id!).path)
            #expect(report.body.contains("Refused attempts"))
            #expect(report.body.contains(String(patient.id!.uuidString.prefix(8)).lowercased()))
            #expect(!report.body.contains("No refused attempts."))
            #expect(!report.body.contains("Rivera"))
            #expect(try await Note.query(on: world.database.db()).count() == 0)
        }
    }

    @Test func outsidersGet404OnEveryPatientEndpoint() async throws {
        try await withApp { world in
            let (patient, member, outsiders) = try await setUp(world)
            for outsider in outsiders {
                let api = try await world.apiToken(for: outsider)
                for (method, path, json) in Self.apiRoutes(patient.id!.uuidString.lowercased(), member: member.id!.uuidString.lowercased()) {
                    let answer = try await api.call(method, path, json: json)
                    #expect(answer.status == .notFound, "\(outsider.email) \(method) \(path) → \(answer.status)")
                    #expect(!answer.body.contains("Rivera"))
                }
            }
        }
    }

    @Test func guessedIdentifiersLookExactlyLikeForbiddenOnes() async throws {
        try await withApp { world in
            let (patient, member, outsiders) = try await setUp(world)
            let browser = world.browser()
            try await browser.signIn(outsiders[0].email)
            let api = try await world.apiToken(for: outsiders[0])
            for guess in [UUID().uuidString.lowercased(), "1", "../admin", "00000000-0000-0000-0000-000000000000"] {
                for (method, path, fields) in Self.pageRoutes(guess, member: member.id!.uuidString.lowercased()) {
                    let answer = method == .get ? try await browser.get(path) : try await browser.post(path, fields)
                    #expect(answer.status == .notFound, "\(method) \(path)")
                }
                for (method, path, json) in Self.apiRoutes(guess, member: UUID().uuidString) {
                    #expect(try await api.call(method, path, json: json).status == .notFound, "\(method) \(path)")
                }
            }
            // The real record's answer has the same shape as a guess's.
            let real = try await api.call(.get, "/api/v1/patients/\(patient.id!.uuidString.lowercased())")
            let guess = try await api.call(.get, "/api/v1/patients/\(UUID().uuidString.lowercased())")
            #expect(real.status == guess.status)
            #expect(try real.json()["detail"] as? String == guess.json()["detail"] as? String)
        }
    }

    @Test func teamMemberReadsTheRecordAndEveryReadIsAudited() async throws {
        try await withApp { world in
            let (patient, _, _) = try await setUp(world)
            let browser = world.browser()
            try await browser.signIn("ana@clinic.example")
            let page = try await browser.get("/patients/\(patient.id!.uuidString.lowercased())")
            #expect(page.status == .ok)
            #expect(page.body.contains("Sam Rivera"))
            #expect(page.body.contains("Formerly:"))
            _ = try await browser.get("/patients/\(patient.id!.uuidString.lowercased())")
            let reads = try await world.auditEntries(for: patient).filter { $0.action == "patient.read" }
            #expect(reads.count == 2)
            #expect(reads.allSatisfy { $0.requestID != "" && $0.purpose == "treatment" })
        }
    }

    @Test func myPatientsListsOnlyTheCallersCurrentPatients() async throws {
        try await withApp { world in
            _ = try await setUp(world)
            let ana = try #require(try await UserAccount.query(on: world.database.db()).filter(\.$email == "ana@clinic.example").first())
            let anaList = try await world.apiToken(for: ana).call(.get, "/api/v1/patients")
            #expect(anaList.body.contains("Rivera"))
            let former = try #require(try await UserAccount.query(on: world.database.db()).filter(\.$email == "former@clinic.example").first())
            let formerList = try await world.apiToken(for: former).call(.get, "/api/v1/patients")
            #expect(formerList.status == .ok)
            #expect(!formerList.body.contains("Rivera"))
        }
    }
}
