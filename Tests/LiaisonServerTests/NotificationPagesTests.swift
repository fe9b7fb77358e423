import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import LiaisonTestSupport
import Testing
@testable import LiaisonServer

@Suite struct NotificationPagesTests {
    @Test func followingANoticeMarksItReadAndLeadsToIt() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let bo = try await world.person("bo@clinic.example")
            try await world.database.write { db in
                try await world.services.notifier.notify([ana.requireID(), bo.requireID()], patient: nil, kind: .careTeamAdded, message: "You were added", link: "/patients", on: db)
            }
            let browser = world.browser()
            try await browser.signIn(ana.email)
            let page = try await browser.get("/notifications")
            let mine = try await Notification.query(on: world.database.db()).filter(\.$user.$id == ana.requireID()).first()!
            let path = "/notifications/\(mine.id!.uuidString.lowercased())"
            #expect(page.body.contains("href=\"\(path)\""))
            #expect(page.body.contains("<strong>new</strong>"))
            #expect(try await browser.get(path).location == "/patients")
            #expect(try await Notification.find(mine.id, on: world.database.db())?.readAt != nil)
            #expect(!(try await browser.get("/notifications").body.contains("<strong>new</strong>")))
            // Someone else's notice is not found, and stays unread.
            let theirs = try await Notification.query(on: world.database.db()).filter(\.$user.$id == bo.requireID()).first()!
            #expect(try await browser.get("/notifications/\(theirs.id!.uuidString.lowercased())").status == .notFound)
            #expect(try await Notification.find(theirs.id, on: world.database.db())?.readAt == nil)
        }
    }

    @Test func whatPeopleWroteKeepsItsLineBreaks() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let patient = try await world.patient(registeredBy: ana)
            let browser = world.browser()
            try await browser.signIn(ana.email)
            let path = "/patients/\(patient.id!.uuidString.lowercased())"
            _ = try await browser.post(path + "/notes", [("kind", "team"), ("body", "First line.\nSecond line.")])
            #expect(try await browser.get(path).body.contains("<p class=\"written\">First line.\nSecond line.</p>"))
        }
    }
}

@Suite struct SmallPromisesTests {
    @Test func administratorsFindTheReportInTheNavigationAndPatientsFindHelpInACrisis() async throws {
        try await withApp { world in
            let clinic = try await world.organisation()
            try await world.person("chief@clinic.example", in: clinic, role: .administrator)
            let ana = try await world.person("ana@clinic.example", in: clinic)
            let chief = world.browser()
            try await chief.signIn("chief@clinic.example")
            #expect(try await chief.get("/").body.contains("href=\"/reports/referrals\""))
            let clinician = world.browser()
            try await clinician.signIn(ana.email)
            #expect(!(try await clinician.get("/").body.contains("href=\"/reports/referrals\"")))

            let patient = try await world.patient(registeredBy: ana)
            try await world.services.portal.invite(patient.requireID(), email: "sam@example.org", by: world.caller(ana))
            let link = try #require(try await world.linkInLatestEmail(to: "sam@example.org"))
            let sam = world.browser()
            _ = try await sam.post(link, [("password", "a long enough password"), ("passwordConfirmation", "a long enough password")])
            try await sam.signIn("sam@example.org")
            let portal = try await sam.get("/portal")
            #expect(portal.body.contains("If you are in crisis"))
            #expect(portal.body.contains("988"))
        }
    }
}
