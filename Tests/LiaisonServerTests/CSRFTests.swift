import FluentKit
import Foundation
import Hummingbird
import LiaisonData
import Testing
@testable import LiaisonServer

@Suite struct CSRFTests {
    @Test func formPostWithoutTokenIsRefusedAndChangesNothing() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            let browser = world.browser()
            let answer = try await browser.post("/sign-in", [("email", "ana@clinic.example"), ("password", TestWorld.password)], csrf: false)
            #expect(answer.status == .forbidden)
            #expect(answer.body.contains("This form has expired or did not come from Liaison"))
            #expect(browser.cookies["liaison_session"] == nil)
            #expect(try await SessionRecord.query(on: world.database.db()).count() == 0)
        }
    }

    @Test func aFormFromAnotherSiteIsRefusedEvenWithTheToken() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            let browser = world.browser()
            _ = try await browser.get("/sign-in")
            let token = try #require(browser.cookies["liaison_csrf"])
            let body = "email=ana%40clinic.example&password=a+long+enough+password&_csrf=\(token)"
            func post(from origin: String?, referer: String? = nil) async throws -> Browser.Page {
                var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                if let origin { headers[.origin] = origin }
                if let referer { headers[.referer] = referer }
                return try await browser.send("/sign-in", method: .post, headers: headers, body: ByteBuffer(string: body))
            }
            #expect(try await post(from: "https://evil.example").status == .forbidden)
            #expect(try await post(from: nil, referer: "https://evil.example/page").status == .forbidden)
            #expect(try await post(from: "null").status == .forbidden)
            #expect(try await SessionRecord.query(on: world.database.db()).count() == 0)
            #expect(try await post(from: "https://liaison.test").status == .seeOther)
        }
    }

    @Test func aTokenPlantedInTheCookieByAnotherSiteIsWorthless() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            let planted = String(repeating: "a", count: 43)
            let body = "email=ana%40clinic.example&password=a+long+enough+password&_csrf=\(planted)"
            let answer = try await world.client.execute(
                uri: "/sign-in", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded", .cookie: "liaison_csrf=\(planted)"], body: ByteBuffer(string: body))
            #expect(answer.status == .forbidden)
            #expect(try await SessionRecord.query(on: world.database.db()).count() == 0)
        }
    }

    @Test func signingInIssuesANewToken() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            let browser = world.browser()
            _ = try await browser.get("/sign-in")
            let before = try #require(browser.cookies["liaison_csrf"])
            try await browser.signIn("ana@clinic.example")
            let after = try #require(browser.cookies["liaison_csrf"])
            #expect(after != before)
            // The new one works; the old one no longer does.
            #expect(try await browser.post("/notifications/read", []).status == .seeOther)
            #expect(try await browser.post("/notifications/read", [("_csrf", before)], csrf: false).status == .forbidden)
        }
    }

    @Test func formPostWithAnotherTokenIsRefused() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example", name: "Ana Silva")
            let browser = world.browser()
            try await browser.signIn("ana@clinic.example")
            let answer = try await browser.post("/profile", [("displayName", "Forged Name"), ("_csrf", "a-token-from-another-site-aaaaaaaaaaaaaaaa")], csrf: false)
            #expect(answer.status == .forbidden)
            let stored = try await UserAccount.find(ana.id, on: world.database.db())
            #expect(stored?.displayName == "Ana Silva")
        }
    }

    @Test func jsonWithSessionCookieNeedsTheHeaderToken() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            let browser = world.browser()
            try await browser.signIn("ana@clinic.example")
            let body = ByteBuffer(string: #"{"name":"script"}"#)
            let without = try await browser.send("/api/v1/tokens", method: .post, headers: [.contentType: "application/json"], body: body)
            #expect(without.status == .forbidden)
            let with = try await browser.send(
                "/api/v1/tokens", method: .post,
                headers: [.contentType: "application/json", .init("X-CSRF-Token")!: browser.cookies["liaison_csrf"]!], body: body)
            #expect(with.status == .created)
        }
    }

    @Test func apiRequestWithoutAnyCredentialsIsUnauthorisedNotForbidden() async throws {
        try await withApp { world in
            let answer = try await APIClient(client: world.client, token: nil).call(.post, "/api/v1/emergency-access", json: "{}")
            #expect(answer.status == .unauthorized)
        }
    }

    @Test func bearerTokenRequestsNeedNoFormToken() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let secret = try await TokenService(database: world.database, clock: world.clock).create(for: ana.requireID(), name: "script").secret
            let answer = try await APIClient(client: world.client, token: secret).call(.post, "/api/v1/tokens", json: #"{"name":"another"}"#)
            #expect(answer.status == .created)
        }
    }
}
