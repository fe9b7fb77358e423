import FluentKit
import Foundation
import LiaisonData
import LiaisonTestSupport
import Testing
@testable import LiaisonServer

@Suite struct PasswordResetTests {
    @Test func emailedLinkSetsANewPasswordAndUnlocksTheAccount() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            let browser = world.browser()
            for _ in 1...5 { try await browser.post("/sign-in", [("email", "ana@clinic.example"), ("password", "guess guess guess")]) }
            let asked = try await browser.post("/password/forgot", [("email", "ana@clinic.example")])
            #expect(asked.body.contains("a link to choose a new password is on its way"))
            let link = try #require(try await world.linkInLatestEmail(to: "ana@clinic.example"))
            #expect(try await browser.get(link).status == .ok)
            let reset = try await browser.post(link, [("password", "a brand new password"), ("passwordConfirmation", "a brand new password")])
            #expect(reset.location == "/sign-in")
            try await browser.signIn("ana@clinic.example", password: "a brand new password")
        }
    }

    @Test func aNewLinkVoidsTheOlderOneAndAResetRevokesTokensByDefault() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let api = try await world.apiToken(for: ana)
            try await world.browser().post("/password/forgot", [("email", "ana@clinic.example")])
            let first = try #require(try await world.linkInLatestEmail(to: "ana@clinic.example"))
            try await world.browser().post("/password/forgot", [("email", "ana@clinic.example")])
            let second = try #require(try await world.linkInLatestEmail(to: "ana@clinic.example"))
            #expect(first != second)
            let browser = world.browser()
            #expect(try await browser.get(first).status == .gone)
            // The form's box is ticked: as a browser sends it.
            let reset = try await browser.post(second, [("password", "a brand new password"), ("passwordConfirmation", "a brand new password"), ("revokeTokens", "on")])
            #expect(reset.location == "/sign-in")
            #expect(try await api.call(.get, "/api/v1/me").status == .unauthorized)
        }
    }

    @Test func unknownEmailGetsTheSameAnswerAndNoEmail() async throws {
        try await withApp { world in
            let asked = try await world.browser().post("/password/forgot", [("email", "nobody@clinic.example")])
            #expect(asked.body.contains("a link to choose a new password is on its way"))
            #expect(try await OutboxMessage.query(on: world.database.db()).count() == 0)
        }
    }

    @Test func linkExpiresAfterAnHour() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            try await world.person("ana@clinic.example")
            try await world.browser().post("/password/forgot", [("email", "ana@clinic.example")])
            let link = try #require(try await world.linkInLatestEmail(to: "ana@clinic.example"))
            clock.advance(by: 3601)
            let browser = world.browser()
            #expect(try await browser.get(link).status == .gone)
            let attempt = try await browser.post(link, [("password", "a brand new password"), ("passwordConfirmation", "a brand new password")])
            #expect(attempt.status == .gone)
            try await browser.signIn("ana@clinic.example")
        }
    }

    @Test func mismatchedPasswordsAreExplainedAndTheLinkStillWorks() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            try await world.browser().post("/password/forgot", [("email", "ana@clinic.example")])
            let link = try #require(try await world.linkInLatestEmail(to: "ana@clinic.example"))
            let browser = world.browser()
            let answer = try await browser.post(link, [("password", "a brand new password"), ("passwordConfirmation", "something else entirely")])
            #expect(answer.status == .unprocessableContent)
            #expect(answer.body.contains("The two passwords do not match."))
            #expect(try await browser.get(link).status == .ok)
        }
    }
}
