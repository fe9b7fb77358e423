import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import LiaisonTestSupport
import Testing
@testable import LiaisonServer

/// Email about notices follows each person's choice: at once, after quiet hours unless urgent,
/// a daily summary, or never. The test clock starts at 03:00 in New York.
@Suite struct NoticeEmailTests {
    static let newYork = TimeZone(identifier: "America/New_York")!

    func choose(_ world: TestWorld, _ user: UserAccount, _ preferences: NoticePreferences) async throws {
        try await NoticePreferenceQueries.save(preferences, for: user.id!, at: world.clock.now(), on: world.database.db())
    }

    func emails(_ world: TestWorld, to address: String) async throws -> [OutboxMessage] {
        try await OutboxMessage.query(on: world.database.db()).filter(\.$recipient == address).all()
    }

    @Test func aRoutineReferralWaitsForTheEndOfQuietHoursAndAnUrgentOneDoesNot() async throws {
        try await withApp { world in
            let (patient, haddad, lindqvist) = try await ReferralLoopTests().setUp(world)
            try await choose(world, lindqvist, NoticePreferences(quietFrom: 21, quietUntil: 7, timeZone: Self.newYork))
            _ = try await world.referral(patient, from: haddad, to: lindqvist)
            let routine = try #require(try await emails(world, to: lindqvist.email).first)
            #expect(routine.nextAttemptAt == world.clock.now().addingTimeInterval(4 * 3600), "07:00 in New York")
            // Not delivered before its time.
            #expect(try await OutboxQueries.claim(limit: 5, at: world.clock.now(), leaseUntil: world.clock.now(), on: world.database.db()).isEmpty)

            _ = try await world.referral(patient, from: haddad, to: lindqvist, urgency: .emergent)
            let urgent = try await emails(world, to: lindqvist.email).filter { $0.nextAttemptAt == nil }
            #expect(urgent.count == 1, "urgent notices ignore quiet hours")
            #expect(try await world.notifications(for: lindqvist).count == 2, "in the app, both at once")
        }
    }

    @Test func neverMeansNoEmailButTheNoticeIsThere() async throws {
        try await withApp { world in
            let (patient, haddad, lindqvist) = try await ReferralLoopTests().setUp(world)
            try await choose(world, lindqvist, NoticePreferences(email: .never, timeZone: Self.newYork))
            _ = try await world.referral(patient, from: haddad, to: lindqvist, urgency: .emergent)
            #expect(try await emails(world, to: lindqvist.email).isEmpty)
            #expect(try await world.notifications(for: lindqvist).count == 1)
        }
    }

    @Test func aDailySummaryCountsWhatCameInOnceAtTheChosenHourNamingNoPatient() async throws {
        try await withApp { world in
            let (patient, haddad, lindqvist) = try await ReferralLoopTests().setUp(world)
            try await choose(world, lindqvist, NoticePreferences(email: .daily, digestHour: 8, timeZone: Self.newYork))
            _ = try await world.referral(patient, from: haddad, to: lindqvist)
            _ = try await world.services.conversations.start(.init(to: lindqvist.email, patientID: nil, body: "Coffee?"), by: world.caller(haddad))
            #expect(try await emails(world, to: lindqvist.email).isEmpty, "no email per notice")

            // 03:00: yesterday's 08:00 summary is due (the first one covers the day before).
            #expect(try await world.services.digests.sendDue() == 1)
            #expect(try await world.services.digests.sendDue() == 0, "once")
            let summary = try #require(try await emails(world, to: lindqvist.email).first)
            #expect(summary.subject == "Your day in Liaison")
            #expect(summary.body.contains("1 notice: https://liaison.test/notifications"))
            #expect(summary.body.contains("1 unread message: https://liaison.test/messages"))
            #expect(!summary.body.contains("Sam") && !summary.body.contains("Rivera"))

            // The next one is at 08:00 New York; several servers at once send it once.
            world.clock.advance(by: 5 * 3600 + 60)
            _ = try await world.referral(patient, from: haddad, to: lindqvist)
            let sent = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { try await world.services.digests.sendDue() } }
                return try await group.reduce(0, +)
            }
            #expect(sent == 1)
            #expect(try await emails(world, to: lindqvist.email).count == 2)
            // Nothing new: no summary at all the day after.
            world.clock.advance(by: 86400)
            #expect(try await world.services.digests.sendDue() == 0)
        }
    }

    @Test func peopleChooseOnTheirSettingsPageAndInTheAPI() async throws {
        try await withApp { world in
            let clinic = try await world.organisation()
            let ana = try await world.person("ana@clinic.example", in: clinic)
            let browser = world.browser()
            try await browser.signIn(ana.email)
            let page = try await browser.get("/notifications/settings")
            #expect(page.status == .ok)
            #expect(page.body.contains("America/New_York"), "the organisation's time zone until they choose")
            #expect(try await browser.get("/notifications").body.contains("/notifications/settings"))

            let wrong = try await browser.post("/notifications/settings", [("email", "daily"), ("digestHour", "8"), ("quietFrom", "21"), ("quietUntil", ""), ("timeZone", "Mars/Olympus")])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.body.contains("Give both ends of quiet hours"))
            #expect(wrong.body.contains("Mars/Olympus"), "what was typed is kept")
            #expect(try await NoticePreference.query(on: world.database.db()).count() == 0)

            let saved = try await browser.post("/notifications/settings", [("email", "daily"), ("digestHour", "17"), ("quietFrom", "21"), ("quietUntil", "7"), ("timeZone", "Europe/Dublin")])
            #expect(saved.location == "/notifications")
            let api = try await world.apiToken(for: ana)
            let stored = try await api.call(.get, "/api/v1/me/notice-preferences").json()
            #expect(stored["email"] as? String == "daily")
            #expect(stored["digestHour"] as? Int == 17)
            #expect(stored["timeZone"] as? String == "Europe/Dublin")
            let changed = try await api.call(.put, "/api/v1/me/notice-preferences", json: #"{"email":"immediately","digestHour":8,"timeZone":"UTC"}"#)
            #expect(changed.status == .ok)
            #expect(try changed.json()["quietFrom"] == nil)
            #expect(try await api.call(.put, "/api/v1/me/notice-preferences", json: #"{"email":"hourly","timeZone":"UTC"}"#).status == .unprocessableContent)
            #expect(try await NoticePreference.query(on: world.database.db()).count() == 1)
        }
    }
}
