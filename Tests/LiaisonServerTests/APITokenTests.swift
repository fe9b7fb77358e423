import FluentKit
import Foundation
import LiaisonData
import Testing
@testable import LiaisonServer

@Suite struct APITokenTests {
    @Test func tokenCreatedOnTheSettingsPageIsShownOnceAndWorks() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example", name: "Ana Silva")
            let browser = world.browser()
            try await browser.signIn("ana@clinic.example")
            let created = try await browser.post("/settings/tokens", [("name", "EHR integration")])
            #expect(created.status == .ok)
            let secret = try #require(created.body.firstMatch(of: /lsn_[A-Za-z0-9_-]{43}/).map { String($0.output) })
            let me = try await APIClient(client: world.client, token: secret).call(.get, "/api/v1/me")
            #expect(me.status == .ok)
            #expect(try me.json()["displayName"] as? String == "Ana Silva")
            let later = try await browser.get("/settings/tokens")
            #expect(later.body.contains("EHR integration"))
            #expect(!later.body.contains(secret))
            // Only a digest is stored.
            #expect(try await APIToken.query(on: world.database.db()).filter(\.$tokenHash == secret).count() == 0)
        }
    }

    @Test func revokedTokenNoLongerWorks() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let created = try await TokenService(database: world.database, clock: world.clock).create(for: ana.requireID(), name: "script")
            let api = APIClient(client: world.client, token: created.secret)
            #expect(try await api.call(.get, "/api/v1/me").status == .ok)
            let browser = world.browser()
            try await browser.signIn("ana@clinic.example")
            let revoked = try await browser.post("/settings/tokens/\(created.token.id!.uuidString.lowercased())/revoke", [])
            #expect(revoked.location == "/settings/tokens")
            let refused = try await api.call(.get, "/api/v1/me")
            #expect(refused.status == .unauthorized)
            #expect(refused.body.contains("unknown or has been revoked"))
        }
    }

    @Test func apiWithoutTokenAnswersWithAProblemDocument() async throws {
        try await withApp { world in
            let answer = try await APIClient(client: world.client, token: nil).call(.get, "/api/v1/clinicians")
            #expect(answer.status == .unauthorized)
            #expect(answer.headers[.contentType] == "application/problem+json")
            #expect(try answer.json()["status"] as? Int == 401)
        }
    }

    @Test func madeUpTokenIsRefused() async throws {
        try await withApp { world in
            let answer = try await APIClient(client: world.client, token: "lsn_made-up").call(.get, "/api/v1/me")
            #expect(answer.status == .unauthorized)
        }
    }

    @Test func nobodyCanRevokeSomeoneElsesToken() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            try await world.person("eve@clinic.example")
            let created = try await TokenService(database: world.database, clock: world.clock).create(for: ana.requireID(), name: "script")
            let eve = world.browser()
            try await eve.signIn("eve@clinic.example")
            #expect(try await eve.post("/settings/tokens/\(created.token.id!.uuidString.lowercased())/revoke", []).status == .notFound)
            #expect(try await APIClient(client: world.client, token: created.secret).call(.get, "/api/v1/me").status == .ok)
        }
    }

    @Test func apiListsCreatesAndRevokesTokens() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let secret = try await TokenService(database: world.database, clock: world.clock).create(for: ana.requireID(), name: "first").secret
            let api = APIClient(client: world.client, token: secret)
            let created = try await api.call(.post, "/api/v1/tokens", json: #"{"name":"second"}"#)
            #expect(created.status == .created)
            let id = try #require((try created.json()["details"] as? [String: Any])?["id"] as? String)
            let blank = try await api.call(.post, "/api/v1/tokens", json: #"{"name":"  "}"#)
            #expect(blank.status == .unprocessableContent)
            #expect(try await api.call(.delete, "/api/v1/tokens/\(id)").status == .noContent)
            let list = try await api.call(.get, "/api/v1/tokens")
            #expect(list.body.contains("\"revokedAt\""))
        }
    }
}
