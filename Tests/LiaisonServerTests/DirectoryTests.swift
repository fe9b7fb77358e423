import FluentKit
import Foundation
import LiaisonData
import Testing
@testable import LiaisonServer

@Suite struct DirectoryTests {
    /// Four clinicians who differ in every way the directory filters on, plus an unlisted one.
    func populate(_ world: TestWorld) async throws {
        let riverside = try await world.organisation("Riverside Clinic")
        let okafor = try await world.person("okafor@clinic.example", name: "Dr. Adaeze Okafor", in: riverside)
        try await world.profile(for: okafor) {
            $0.discipline = "psychiatrist"; $0.openings = ["medication-management": "2"]; $0.languages = "English, Yoruba"
            $0.insurance = "Medicaid, Aetna"; $0.modality = "in-person"; $0.locations = "Riverside"; $0.about = "Perinatal psychiatry."
        }
        let sato = try await world.person("sato@clinic.example", name: "Dr. Keiko Sato", in: riverside)
        try await world.profile(for: sato) {
            $0.discipline = "psychiatrist"; $0.openings = ["medication-management": "0"]; $0.acceptingNewPatients = false
            $0.languages = "English, Japanese"; $0.modality = "telehealth"; $0.locations = ""
        }
        let delgado = try await world.person("delgado@clinic.example", name: "Rosa Delgado", in: riverside)
        try await world.profile(for: delgado) {
            $0.discipline = "clinical-social-worker"; $0.openings = ["psychotherapy": "5"]; $0.languages = "English, Spanish"
            $0.insurance = "Medicaid"; $0.modality = "both"; $0.locations = "Northgate"
        }
        let feld = try await world.person("feld@clinic.example", name: "Dr. Aaron Feld")
        try await world.profile(for: feld) {
            $0.discipline = "psychologist"; $0.openings = ["psychotherapy": "1"]; $0.languages = "English"
            $0.insurance = "Self-pay"; $0.modality = "in-person"; $0.locations = "Harbour District"
        }
        let hidden = try await world.person("hidden@clinic.example", name: "Dr. Not Listed")
        try await world.profile(for: hidden) { $0.discipline = "psychiatrist"; $0.listedInDirectory = false; $0.openings = ["medication-management": "9"] }
        try await world.person("viewer@clinic.example", in: riverside)
    }

    func names(_ world: TestWorld, _ query: String) async throws -> [String] {
        let answer = try await APIClient(client: world.client, token: try await token(world)).call(.get, "/api/v1/clinicians" + query)
        #expect(answer.status == .ok)
        return (try answer.json()["clinicians"] as? [[String: Any]] ?? []).compactMap { $0["displayName"] as? String }
    }

    func token(_ world: TestWorld) async throws -> String {
        let viewer = try #require(try await UserAccount.query(on: world.database.db()).filter(\.$email == "viewer@clinic.example").first())
        return try await TokenService(database: world.database, clock: world.clock).create(for: viewer.requireID(), name: "t").secret
    }

    @Test func everyoneListedIsShownThoseWithOpeningsFirst() async throws {
        try await withApp { world in
            try await populate(world)
            #expect(try await names(world, "") == ["Dr. Aaron Feld", "Dr. Adaeze Okafor", "Rosa Delgado", "Dr. Keiko Sato"])
        }
    }

    @Test(arguments: [
        ("?discipline=psychiatrist", ["Dr. Adaeze Okafor", "Dr. Keiko Sato"]),
        ("?service=psychotherapy", ["Dr. Aaron Feld", "Rosa Delgado"]),
        ("?service=medication-management&openings=true", ["Dr. Adaeze Okafor"]),
        ("?openings=true", ["Dr. Aaron Feld", "Dr. Adaeze Okafor", "Rosa Delgado"]),
        ("?language=spanish", ["Rosa Delgado"]),
        ("?language=Span", []),
        ("?insurance=medicaid", ["Dr. Adaeze Okafor", "Rosa Delgado"]),
        ("?modality=telehealth", ["Rosa Delgado", "Dr. Keiko Sato"]),
        ("?modality=in-person&discipline=psychologist", ["Dr. Aaron Feld"]),
        ("?location=north", ["Rosa Delgado"]),
        ("?q=perinatal", ["Dr. Adaeze Okafor"]),
        ("?q=100%25", []),
        ("?language=%25", ["Dr. Aaron Feld", "Dr. Adaeze Okafor", "Rosa Delgado", "Dr. Keiko Sato"]),
    ])
    func filtersNarrowTheList(query: String, expected: [String]) async throws {
        try await withApp { world in
            try await populate(world)
            #expect(try await names(world, query) == expected)
        }
    }

    @Test func unlistedClinicianIsNeitherFoundNorOpenable() async throws {
        try await withApp { world in
            try await populate(world)
            let hidden = try #require(try await UserAccount.query(on: world.database.db()).filter(\.$email == "hidden@clinic.example").first())
            let browser = world.browser()
            try await browser.signIn("viewer@clinic.example")
            #expect(try await browser.get("/clinicians/\(hidden.id!.uuidString.lowercased())").status == .notFound)
            let api = APIClient(client: world.client, token: try await token(world))
            #expect(try await api.call(.get, "/api/v1/clinicians/\(hidden.id!.uuidString.lowercased())").status == .notFound)
            #expect(try await api.call(.get, "/api/v1/clinicians/not-a-uuid").status == .notFound)
        }
    }

    @Test func directoryPageShowsFiltersAndResults() async throws {
        try await withApp { world in
            try await populate(world)
            let browser = world.browser()
            try await browser.signIn("viewer@clinic.example")
            let page = try await browser.get("/directory?discipline=psychiatrist&openings=true")
            #expect(page.status == .ok)
            #expect(page.body.contains("1 clinician match"))
            #expect(page.body.contains("Dr. Adaeze Okafor"))
            #expect(page.body.contains("Taking new patients"))
            #expect(!page.body.contains("Dr. Keiko Sato"))
            #expect(page.body.contains(#"<option value="psychiatrist" selected>"#))
        }
    }

    @Test func detailsAClinicianLeftBlankAreLeftOut() async throws {
        try await withApp { world in
            try await populate(world)
            let sato = try #require(try await UserAccount.query(on: world.database.db()).filter(\.$email == "sato@clinic.example").first())
            let browser = world.browser()
            try await browser.signIn("viewer@clinic.example")
            let page = try await browser.get("/clinicians/\(sato.id!.uuidString.lowercased())")
            #expect(page.status == .ok)
            #expect(page.body.contains("Medication management: <strong>no openings</strong>"))
            #expect(!page.body.contains("<dt>Locations</dt>"))
            #expect(!page.body.contains("<dt>Insurance</dt>"))
            #expect(!page.body.contains("<dt>Phone</dt>"))
        }
    }

    @Test func unknownFilterValueIsExplained() async throws {
        try await withApp { world in
            try await populate(world)
            let browser = world.browser()
            try await browser.signIn("viewer@clinic.example")
            let page = try await browser.get("/directory?discipline=wizard")
            #expect(page.status == .badRequest)
            #expect(page.body.contains("Discipline must be one of"))
            let api = try await APIClient(client: world.client, token: try await token(world)).call(.get, "/api/v1/clinicians?service=astrology")
            #expect(api.status == .unprocessableContent)
            #expect(api.body.contains("Service must be one of"))
        }
    }

    @Test func pagesOfTwentyFive() async throws {
        try await withApp { world in
            for index in 1...27 {
                let person = try await world.person("c\(index)@clinic.example", name: String(format: "Clinician %02d", index))
                try await world.profile(for: person)
            }
            try await world.person("viewer@clinic.example")
            let api = APIClient(client: world.client, token: try await token(world))
            let second = try await api.call(.get, "/api/v1/clinicians?page=2").json()
            #expect(second["total"] as? Int == 27)
            #expect((second["clinicians"] as? [Any])?.count == 2)
        }
    }
}
