import FluentKit
import Foundation
import LiaisonData
import Testing
@testable import LiaisonServer

@Suite struct RoleTests {
    func path(_ organisation: Organisation, _ rest: String = "") -> String {
        "/organisations/\(organisation.id!.uuidString.lowercased())\(rest)"
    }

    static let targets: [(String, String)] = [
        ("ackRoutineDays", "5"), ("ackUrgentDays", "1"), ("ackEmergentDays", "0"), ("closingNoteDays", "10"), ("escalationDays", "2"), ("expiryDays", "45"), ("offerHoldDays", "3"), ("consultationGraceDays", "7"), ("reviewWeeks", "12"), ("careEventHours", "6"),
    ]
    static let settings: [(String, String)] = [("name", "Renamed"), ("kind", "hospital"), ("timeZone", "Europe/London"), ("businessDays", "2"), ("businessDays", "3")] + targets

    @Test func clinicianCannotReachTheAdministrationPages() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example", in: try await world.organisation())
            let ana = world.browser()
            try await ana.signIn("ana@clinic.example")
            let page = try await ana.get("/admin")
            #expect(page.status == .forbidden)
            #expect(page.body.contains("Your role does not allow this"))
            let create = try await ana.post("/admin/organisations", Self.settings)
            #expect(create.status == .forbidden)
            #expect(try await Organisation.query(on: world.database.db()).count() == 1)
        }
    }

    @Test func clinicianCannotChangeTheirOwnOrganisationsSettings() async throws {
        try await withApp { world in
            let riverside = try await world.organisation()
            try await world.person("ana@clinic.example", in: riverside)
            let ana = world.browser()
            try await ana.signIn("ana@clinic.example")
            #expect(try await ana.get(path(riverside)).status == .ok)
            #expect(try await ana.get(path(riverside, "/settings")).status == .forbidden)
            #expect(try await ana.post(path(riverside, "/settings"), Self.settings).status == .forbidden)
            #expect(try await Organisation.find(riverside.id, on: world.database.db())?.name == "Riverside Clinic")
        }
    }

    @Test func administratorCannotReachAnotherOrganisation() async throws {
        try await withApp { world in
            let riverside = try await world.organisation()
            let harbour = try await world.organisation("Harbour Practice")
            try await world.person("admin@clinic.example", in: riverside, role: .administrator)
            let admin = world.browser()
            try await admin.signIn("admin@clinic.example")
            #expect(try await admin.get(path(harbour)).status == .forbidden)
            #expect(try await admin.get(path(harbour, "/settings")).status == .forbidden)
            #expect(try await admin.post(path(harbour, "/settings"), Self.settings).status == .forbidden)
            #expect(try await Organisation.find(harbour.id, on: world.database.db())?.name == "Harbour Practice")
        }
    }

    @Test func administratorChangesSettingsOfTheirOrganisation() async throws {
        try await withApp { world in
            let riverside = try await world.organisation()
            try await world.person("admin@clinic.example", in: riverside, role: .administrator)
            let admin = world.browser()
            try await admin.signIn("admin@clinic.example")
            let saved = try await admin.post(path(riverside, "/settings"), Self.settings)
            #expect(saved.status == .seeOther)
            let stored = try #require(try await Organisation.find(riverside.id, on: world.database.db()))
            #expect(stored.name == "Renamed")
            #expect(stored.timeZone == "Europe/London")
            #expect(stored.businessDays == "23")
            #expect(stored.targets.acknowledgementDays[.routine] == 5)
            #expect(stored.targets.expiryDays == 45)
            #expect(stored.targets.offerHoldDays == 3)
            #expect(stored.targets.consultationGraceDays == 7)
            #expect(stored.targets.reviewWeeks == 12)
            #expect(stored.targets.careEventHours == 6)
            #expect(stored.crisisText == nil, "the standard crisis text unless the organisation writes its own")
            let own = try await admin.post(path(riverside, "/settings"), Self.settings + [("crisisText", "Call the Riverside crisis line, 555 0100, day or night.")])
            #expect(own.status == .seeOther)
            #expect(try await Organisation.find(riverside.id, on: world.database.db())?.crisisText == "Call the Riverside crisis line, 555 0100, day or night.")
            #expect(try await admin.get(path(riverside, "/settings")).body.contains(">Call the Riverside crisis line, 555 0100, day or night.</textarea>"),
                    "the settings page shows the crisis text to change")
        }
    }

    @Test func invalidSettingsAreExplainedAndNotSaved() async throws {
        try await withApp { world in
            let riverside = try await world.organisation()
            try await world.person("admin@clinic.example", in: riverside, role: .administrator)
            let admin = world.browser()
            try await admin.signIn("admin@clinic.example")
            let answer = try await admin.post(path(riverside, "/settings"), [("name", "X"), ("kind", "hospital"), ("timeZone", "Mars/Olympus")] + Self.targets.map { $0.0 == "ackUrgentDays" ? ($0.0, "11") : $0 })
            #expect(answer.status == .unprocessableContent)
            #expect(answer.body.contains("is not a time zone"))
            #expect(answer.body.contains("Choose at least one business day."))
            #expect(answer.body.contains("Business days to acknowledge an urgent referral must be a whole number from 0 to 10."))
            #expect(try await Organisation.find(riverside.id, on: world.database.db())?.timeZone == "America/New_York")
        }
    }

    @Test func systemAdministratorCreatesAnOrganisation() async throws {
        try await withApp { world in
            try await world.person("root@liaison.example", systemAdministrator: true)
            let root = world.browser()
            try await root.signIn("root@liaison.example")
            #expect(try await root.get("/admin").status == .ok)
            let created = try await root.post("/admin/organisations", Self.settings)
            #expect(created.status == .seeOther)
            #expect(try await Organisation.query(on: world.database.db()).filter(\.$name == "Renamed").count() == 1)
        }
    }

    @Test func lastAdministratorCannotBeDemoted() async throws {
        try await withApp { world in
            let riverside = try await world.organisation()
            let admin = try await world.person("admin@clinic.example", in: riverside, role: .administrator)
            let membership = try #require(try await Membership.query(on: world.database.db()).filter(\.$user.$id == admin.requireID()).first())
            let browser = world.browser()
            try await browser.signIn("admin@clinic.example")
            let answer = try await browser.post(path(riverside, "/members/\(membership.id!.uuidString.lowercased())/role"), [("role", "clinician")])
            #expect(answer.status == .conflict)
            #expect(answer.body.contains("only administrator"))
        }
    }

    @Test func administratorPromotesAClinician() async throws {
        try await withApp { world in
            let riverside = try await world.organisation()
            try await world.person("admin@clinic.example", in: riverside, role: .administrator)
            let ana = try await world.person("ana@clinic.example", in: riverside)
            let membership = try #require(try await Membership.query(on: world.database.db()).filter(\.$user.$id == ana.requireID()).first())
            let browser = world.browser()
            try await browser.signIn("admin@clinic.example")
            let answer = try await browser.post(path(riverside, "/members/\(membership.id!.uuidString.lowercased())/role"), [("role", "administrator")])
            #expect(answer.status == .seeOther)
            #expect(try await Membership.find(membership.id, on: world.database.db())?.role == "administrator")
        }
    }

    @Test func apiShowsAnOrganisationOnlyToItsMembers() async throws {
        try await withApp { world in
            let riverside = try await world.organisation()
            let ana = try await world.person("ana@clinic.example", in: riverside)
            let eve = try await world.person("eve@clinic.example")
            let tokens = TokenService(database: world.database, clock: world.clock)
            let anaAPI = APIClient(client: world.client, token: try await tokens.create(for: ana.requireID(), name: "t").secret)
            let eveAPI = APIClient(client: world.client, token: try await tokens.create(for: eve.requireID(), name: "t").secret)
            let path = "/api/v1/organisations/\(riverside.id!.uuidString.lowercased())"
            #expect(try await anaAPI.call(.get, path).status == .ok)
            #expect(try await eveAPI.call(.get, path).status == .forbidden)
        }
    }
}
