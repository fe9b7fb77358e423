import FluentKit
import Foundation
import LiaisonData
import LiaisonTestSupport
import Testing
@testable import LiaisonServer

@Suite struct SignInTests {
    @Test func correctPasswordSignsInAndShowsTheStartPage() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example", name: "Ana Silva")
            let browser = world.browser()
            let answer = try await browser.post("/sign-in", [("email", "Ana@Clinic.example"), ("password", TestWorld.password)])
            #expect(answer.status == .seeOther)
            #expect(answer.location == "/")
            let home = try await browser.get("/")
            #expect(home.status == .ok)
            #expect(home.body.contains("Welcome, Ana Silva"))
        }
    }

    @Test func sessionCookieIsHttpOnlyAndSameSite() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            let browser = world.browser()
            let answer = try await browser.post("/sign-in", [("email", "ana@clinic.example"), ("password", TestWorld.password)])
            let cookie = answer.headers[values: .setCookie].first { $0.hasPrefix("liaison_session=") } ?? ""
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Lax"))
        }
    }

    @Test func wrongPasswordIsRefusedWithAClearMessage() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            let browser = world.browser()
            let answer = try await browser.post("/sign-in", [("email", "ana@clinic.example"), ("password", "not the password")])
            #expect(answer.status == .unauthorized)
            #expect(answer.body.contains("That email and password do not match an account"))
            #expect(answer.body.contains(#"value="ana@clinic.example""#))
            #expect(browser.cookies["liaison_session"] == nil)
        }
    }

    @Test func unknownEmailGetsTheSameAnswerAsAWrongPassword() async throws {
        try await withApp { world in
            let answer = try await world.browser().post("/sign-in", [("email", "nobody@clinic.example"), ("password", "whatever it is")])
            #expect(answer.status == .unauthorized)
            #expect(answer.body.contains("That email and password do not match an account"))
        }
    }

    @Test func fiveFailuresLockTheAccountEvenAgainstTheRightPassword() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            let browser = world.browser()
            for _ in 1...4 {
                let answer = try await browser.post("/sign-in", [("email", "ana@clinic.example"), ("password", "guess guess guess")])
                #expect(answer.body.contains("do not match"))
            }
            let fifth = try await browser.post("/sign-in", [("email", "ana@clinic.example"), ("password", "guess guess guess")])
            #expect(fifth.status == .unauthorized)
            let rightPassword = try await browser.post("/sign-in", [("email", "ana@clinic.example"), ("password", TestWorld.password)])
            #expect(rightPassword.status == .unauthorized)
            #expect(browser.cookies["liaison_session"] == nil)
            #expect(try await UserAccount.query(on: world.database.db()).first()?.lockedUntil != nil)
            // A locked account answers exactly as an unknown address does.
            let unknown = try await world.browser().post("/sign-in", [("email", "nobody@clinic.example"), ("password", "guess guess guess")])
            #expect(Self.message(rightPassword.body) == Self.message(unknown.body))
            #expect(unknown.status == rightPassword.status)
        }
    }

    /// The error text a sign-in page shows.
    static func message(_ body: String) -> String? {
        body.range(of: #"That email[^<]*"#, options: .regularExpression).map { String(body[$0]) }
    }

    @Test func lockExpiresAfterFifteenMinutes() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            try await world.person("ana@clinic.example")
            let browser = world.browser()
            for _ in 1...5 { try await browser.post("/sign-in", [("email", "ana@clinic.example"), ("password", "guess guess guess")]) }
            clock.advance(by: 15 * 60 + 1)
            try await browser.signIn("ana@clinic.example")
            let user = try await UserAccount.query(on: world.database.db()).filter(\.$email == "ana@clinic.example").first()
            #expect(user?.failedSignIns == 0)
        }
    }

    @Test func signOutEndsTheSessionOnTheServer() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            let browser = world.browser()
            try await browser.signIn("ana@clinic.example")
            let stolenCookie = browser.cookies["liaison_session"]!
            let answer = try await browser.post("/sign-out", [])
            #expect(answer.location == "/sign-in")
            let replay = try await world.client.execute(uri: "/directory", method: .get, headers: [.cookie: "liaison_session=\(stolenCookie)"])
            #expect(replay.status == .seeOther)
            #expect(replay.headers[.location]?.hasPrefix("/sign-in") == true)
        }
    }

    @Test func sessionsExpire() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            try await world.person("ana@clinic.example")
            let browser = world.browser()
            try await browser.signIn("ana@clinic.example")
            #expect(try await browser.get("/directory").status == .ok)
            clock.advance(by: 12 * 3600 + 1)
            #expect(try await browser.get("/directory").location?.hasPrefix("/sign-in") == true)
            try await browser.signIn("ana@clinic.example")
            #expect(try await SessionRecord.query(on: world.database.db()).count() == 1)
        }
    }

    @Test func pagesNeedSignInAndComeBackAfterwards() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            let browser = world.browser()
            let answer = try await browser.get("/directory?language=Spanish")
            #expect(answer.status == .seeOther)
            #expect(answer.location == "/sign-in?next=%2Fdirectory%3Flanguage%3DSpanish")
            let signIn = try await browser.post("/sign-in", [("email", "ana@clinic.example"), ("password", TestWorld.password), ("next", "/directory?language=Spanish")])
            #expect(signIn.location == "/directory?language=Spanish")
        }
    }

    @Test(arguments: ["https://evil.example/", "//evil.example/", "/\\evil.example", "/%09/evil.example", "/\t/evil.example", "/%2F/evil.example", " /evil"])
    func signInNeverRedirectsOffSite(_ next: String) async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            let answer = try await world.browser().post("/sign-in", [("email", "ana@clinic.example"), ("password", TestWorld.password), ("next", next)])
            #expect(answer.location == "/")
        }
    }

    @Test(arguments: ["/patients", "/referrals/new?discipline=psychologist&q=a%20b", "/"])
    func signInReturnsToAPageOfLiaison(_ next: String) async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            let answer = try await world.browser().post("/sign-in", [("email", "ana@clinic.example"), ("password", TestWorld.password), ("next", next)])
            #expect(answer.location == next)
        }
    }
}
