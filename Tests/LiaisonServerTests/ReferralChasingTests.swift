import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import LiaisonTestSupport
import Testing
@testable import LiaisonServer

/// Overdue detection, reminders, escalation and expiry, driven by moving the injected clock.
/// The clock starts on Friday 2027-01-15 at 03:00 in New York.
@Suite struct ReferralChasingTests {
    struct Cast {
        let patient: Patient
        let haddad: UserAccount
        let lindqvist: UserAccount
        let chief: UserAccount
    }

    func setUp(_ world: TestWorld) async throws -> Cast {
        let clinic = try await world.organisation("Riverside Clinic", timeZone: "America/New_York")
        let haddad = try await world.person("haddad@clinic.example", name: "Dr. Haddad", in: clinic)
        let lindqvist = try await world.person("lindqvist@clinic.example", name: "Dr. Lindqvist", in: clinic)
        let chief = try await world.person("chief@clinic.example", in: clinic, role: .administrator)
        let patient = try await world.patient(registeredBy: haddad, role: .primaryCare, at: clinic)
        return Cast(patient: patient, haddad: haddad, lindqvist: lindqvist, chief: chief)
    }

    func at(_ text: String) -> TimeInterval {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "America/New_York")
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        return formatter.date(from: text)!.timeIntervalSince1970
    }

    func move(_ clock: TestClock, to text: String) {
        clock.advance(by: at(text) - clock.now().timeIntervalSince1970)
    }

    @Test func routineReferralIsDueAtTheEndOfTheThirdBusinessDayInTheOrganisationsZone() async throws {
        try await withApp { world in
            let cast = try await setUp(world)
            let referral = try await world.referral(cast.patient, from: cast.haddad, to: cast.lindqvist)
            // Friday → Monday, Tuesday, Wednesday.
            #expect(referral.acknowledgementDueAt?.timeIntervalSince1970 == at("2027-01-20T23:59:59"))
            let urgent = try await world.referral(cast.patient, from: cast.haddad, to: cast.lindqvist, urgency: .urgent)
            #expect(urgent.acknowledgementDueAt?.timeIntervalSince1970 == at("2027-01-18T23:59:59"))
        }
    }

    @Test func theOrganisationsOwnTargetsSetTheDueDate() async throws {
        try await withApp { world in
            let cast = try await setUp(world)
            let clinic = try #require(try await Organisation.query(on: world.database.db()).first())
            var targets = clinic.targets
            targets.acknowledgementDays[.routine] = 1
            clinic.apply(targets)
            try await clinic.save(on: world.database.db())
            let referral = try await world.referral(cast.patient, from: cast.haddad, to: cast.lindqvist)
            #expect(referral.acknowledgementDueAt?.timeIntervalSince1970 == at("2027-01-18T23:59:59"))
        }
    }

    @Test func remindersEscalationAndExpiryEachHappenOnce() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            let cast = try await setUp(world)
            let referral = try await world.referral(cast.patient, from: cast.haddad, to: cast.lindqvist)
            #expect(try await world.sweep.run() == .init(expired: 0, reminders: ["due-soon": 0, "overdue": 0, "escalated": 0, "closing-overdue": 0]))

            move(clock, to: "2027-01-20T09:00:00")
            #expect(try await world.sweep.run().reminders["due-soon"] == 1)
            #expect(try await world.sweep.run().reminders["due-soon"] == 0)
            #expect(try await world.notifications(for: cast.lindqvist).last?.contains("is due soon") == true)

            move(clock, to: "2027-01-21T08:00:00")
            let overdue = try await world.sweep.run()
            #expect(overdue.reminders["overdue"] == 1)
            #expect(try await world.notifications(for: cast.lindqvist).last?.contains("is overdue") == true)
            #expect(try await world.notifications(for: cast.haddad).last?.contains("You have not yet heard back") == true)
            let waiting = try await world.apiToken(for: cast.haddad).call(.get, "/api/v1/referrals?box=waiting")
            #expect(waiting.body.contains("\"status\":\"overdue\""))

            // Escalation: two business days after the due day (Thursday, Friday).
            move(clock, to: "2027-01-22T20:00:00")
            #expect(try await world.sweep.run().reminders["escalated"] == 0)
            move(clock, to: "2027-01-23T01:00:00")
            #expect(try await world.sweep.run().reminders["escalated"] == 1)
            #expect(try await world.notifications(for: cast.chief).last?.contains("still unacknowledged") == true)

            // A restarted server (a fresh sweep) sends nothing again.
            let again = try await world.sweep.run()
            #expect(again.reminders.values.allSatisfy { $0 == 0 })
            #expect(try await ReferralReminder.query(on: world.database.db()).count() == 3)

            // Thirty days without an answer: expired, and the referrer is told.
            clock.advance(by: 30 * 86400)
            #expect(try await world.sweep.run().expired == 1)
            #expect(try await Referral.find(referral.id, on: world.database.db())?.state == "expired")
            #expect(try await world.notifications(for: cast.haddad).last?.contains("expired without an answer") == true)
            #expect(try await world.outbox(to: cast.lindqvist.email).count == 3)
            #expect(try await world.sweep.run().expired == 0)
        }
    }

    @Test func worklistsShowTheMostPressingAndCountTheRest() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            let cast = try await setUp(world)
            let limit = ReferralWorklists.limit
            for _ in 0..<(limit + 2) { _ = try await world.referral(cast.patient, from: cast.haddad, to: cast.lindqvist) }
            clock.advance(by: 10 * 86400)
            let fresh = try await world.referral(cast.patient, from: cast.haddad, to: cast.lindqvist)

            let owed = try await world.apiToken(for: cast.lindqvist).call(.get, "/api/v1/referrals?box=owed").json()
            let lines = owed["referrals"] as? [[String: Any]] ?? []
            #expect(lines.count == limit)
            #expect(owed["total"] as? Int == limit + 3)
            #expect(owed["overdue"] as? Int == limit + 2)
            // Overdue first: the one just sent is among those not shown.
            #expect(lines.allSatisfy { $0["status"] as? String == "overdue" })
            #expect(!lines.contains { $0["referralID"] as? String == fresh.id?.uuidString })

            let browser = world.browser()
            try await browser.signIn(cast.lindqvist.email)
            let page = try await browser.get("/referrals")
            #expect(page.body.contains("\(limit + 2) overdue"))
            #expect(page.body.contains("3 more not shown"))
        }
    }

    @Test func acknowledgedReferralIsNotChased() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            let cast = try await setUp(world)
            let referral = try await world.referral(cast.patient, from: cast.haddad, to: cast.lindqvist)
            try await world.referralService.accept(referral.requireID(), note: ["presentingProblem": "a", "plan": "b", "contact": "c"], role: nil, by: world.caller(cast.lindqvist))
            clock.advance(by: 10 * 86400)
            #expect(try await world.sweep.run().reminders.values.allSatisfy { $0 == 0 })
        }
    }

    @Test func closingSummaryIsChasedFourteenDaysAfterDischarge() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            let cast = try await setUp(world)
            let referral = try await world.referral(cast.patient, from: cast.haddad, to: cast.lindqvist)
            let id = try referral.requireID(), recipient = world.caller(cast.lindqvist)
            try await world.referralService.accept(id, note: ["presentingProblem": "a", "plan": "b", "contact": "c"], role: nil, by: recipient)
            try await world.referralService.startCare(id, by: recipient)
            try await world.referralService.discharge(id, by: recipient)
            clock.advance(by: 14 * 86400 - 60)
            #expect(try await world.sweep.run().reminders["closing-overdue"] == 0)
            clock.advance(by: 120)
            #expect(try await world.sweep.run().reminders["closing-overdue"] == 1)
            #expect(try await world.notifications(for: cast.lindqvist).last?.contains("closing summary") == true)
        }
    }

    @Test func emailsAndAdministratorsGetAReferenceAndALinkNeverTheName() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            let cast = try await setUp(world)
            let referral = try await world.referral(cast.patient, from: cast.haddad, to: cast.lindqvist)
            move(clock, to: "2027-01-20T09:00:00")
            try await world.sweep.run()
            move(clock, to: "2027-01-21T08:00:00")
            try await world.sweep.run()
            move(clock, to: "2027-01-23T01:00:00")
            try await world.sweep.run()
            let reference = ReferralReference.short(referral.id!)
            let emails = try await world.outbox(to: cast.lindqvist.email) + world.outbox(to: cast.chief.email)
            #expect(emails.count == 4)
            for email in emails {
                #expect(!email.body.contains("Sam") && !email.body.contains("Rivera"), "\(email.body)")
            }
            #expect(emails.dropFirst().allSatisfy { $0.body.contains(reference) && $0.body.contains("https://liaison.test/referrals/") })
            let escalation = try #require(try await world.notifications(for: cast.chief).last)
            #expect(escalation.contains(reference) && !escalation.contains("Rivera"))
            // The administrators' report lists the overdue referral by its reference.
            let chief = world.browser()
            try await chief.signIn(cast.chief.email)
            let report = try await chief.get(SiteURL.referralReport.path)
            #expect(report.status == .ok)
            #expect(report.body.contains(">\(reference)</td>"))
            #expect(!report.body.contains("Rivera"))

            // From the report the administrator asks the recipient to answer, once a day.
            let chase = SiteURL.referralChase(referral.id!).path
            #expect(report.body.contains(chase))
            let emailedBefore = try await world.outbox(to: cast.lindqvist.email).count
            let asked = try await chief.post(chase, [("organisation", "")])
            #expect(asked.status == .seeOther && asked.location == SiteURL.referralReport.path)
            #expect(try await chief.get(SiteURL.referralReport.path).body.contains("its recipient has been asked to answer it"))
            let reminder = try #require(try await world.notifications(for: cast.lindqvist).last)
            #expect(reminder.contains("asks you to answer Sam Rivera&#39;s referral") || reminder.contains("asks you to answer Sam Rivera's referral"))
            let chaseEmail = try #require(try await world.outbox(to: cast.lindqvist.email).last)
            #expect(chaseEmail.body.contains(reference) && !chaseEmail.body.contains("Rivera"))
            _ = try await chief.post(chase, [])
            #expect(try await chief.get(SiteURL.referralReport.path).body.contains("already chased today"))
            #expect(try await world.outbox(to: cast.lindqvist.email).count == emailedBefore + 1, "one chase a day")
            #expect(try await world.auditEntries(for: cast.patient).filter { $0.action == "referral.chase" }.count == 1)
            // Only the organisation's administrators may chase; anyone else learns nothing.
            let colleague = world.browser()
            try await colleague.signIn(cast.haddad.email)
            #expect(try await colleague.post(chase, []).status == .notFound)
        }
    }

    @Test func anOperatorsSweepAsOfALaterTimeCatchesUpOnceAndOnlyOnce() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            let cast = try await setUp(world)
            for _ in 1...3 { _ = try await world.referral(cast.patient, from: cast.haddad, to: cast.lindqvist) }
            // The servers were down over the due time; the operator sweeps as of the morning after.
            let morning = Date(timeIntervalSince1970: at("2027-01-21T08:00:00"))
            let first = try await ReferralSweep.run(on: world.database, asOf: morning)
            #expect(first.reminders["overdue"] == 3)
            #expect(try await ReferralSweep.run(on: world.database, asOf: morning).reminders["overdue"] == 0)
            #expect(first.description.contains("overdue 3"))
        }
    }

    @Test func aPassLooksOnlyFromWhereTheLastCompletePassLeftOff() async throws {
        // In the past, so that marks follow this clock rather than stopping at the real time.
        let clock = TestClock(Date(timeIntervalSince1970: at("2026-01-15T03:00:00")))
        try await withApp(clock: clock) { world in
            let cast = try await setUp(world)
            let db = world.database.db()
            _ = try await world.referral(cast.patient, from: cast.haddad, to: cast.lindqvist)
            #expect(try await SweepQueries.mark(.overdue, on: db) == nil)
            clock.advance(by: 10 * 86400)
            #expect(try await world.sweep.run().reminders["overdue"] == 1)
            let mark = try #require(try await SweepQueries.mark(.overdue, on: db))
            #expect(abs(mark.timeIntervalSince(clock.now().addingTimeInterval(-SweepQueries.markMargin))) < 0.01)

            // Sent after that pass, so due after its mark: a later pass chases it.
            _ = try await world.referral(cast.patient, from: cast.haddad, to: cast.lindqvist)
            clock.advance(by: 10 * 86400)
            #expect(try await world.sweep.run().reminders["overdue"] == 1)

            // Behind the mark nothing is looked for (no referral gets a due time there: they are
            // set from the moment of sending), so the pass stays short after a day's outage.
            let stray = try await world.referral(cast.patient, from: cast.haddad, to: cast.lindqvist)
            stray.acknowledgementDueAt = mark.addingTimeInterval(-86400)
            try await stray.save(on: db)
            #expect(try await world.sweep.run().reminders["overdue"] == 0)

            // A mark never moves back, and a pass as of a future moment stops short of the real time.
            let latest = try #require(try await SweepQueries.mark(.overdue, on: db))
            try await SweepQueries.passed(.overdue, at: latest.addingTimeInterval(-5 * 86400), on: db)
            #expect(try await SweepQueries.mark(.overdue, on: db) == latest)
            _ = try await ReferralSweep.run(on: world.database, asOf: Date().addingTimeInterval(365 * 86400))
            let capped = try #require(try await SweepQueries.mark(.overdue, on: db))
            #expect(capped > latest)
            #expect(capped <= Date().addingTimeInterval(-SweepQueries.markMargin))
        }
    }

    @Test func aReferralAnsweredAfterTheSweepFoundItIsNotChased() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            let cast = try await setUp(world)
            let referral = try await world.referral(cast.patient, from: cast.haddad, to: cast.lindqvist)
            move(clock, to: "2027-01-21T08:00:00")
            let found = try await SweepQueries.reminderCandidates(.overdue, at: clock.now(), lead: 86400, limit: 10, on: world.database.reader())
            #expect(found.map(\.id) == [referral.id!])
            referral.state = ReferralState.accepted.rawValue
            try await referral.save(on: world.database.db())
            let claimed = try await SweepQueries.claimReminders(.overdue, for: [referral.id!], at: clock.now(), on: world.database.db())
            #expect(claimed == [referral.id!])
            #expect(try await SweepQueries.stillDue(.overdue, claimed, on: world.database.db()).isEmpty)
        }
    }

    @Test func twoServersSweepingAtOnceSendEachReminderOnce() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            let cast = try await setUp(world)
            for _ in 1...5 { _ = try await world.referral(cast.patient, from: cast.haddad, to: cast.lindqvist) }
            move(clock, to: "2027-01-21T08:00:00")
            let other = world.database.location.isPostgres ? try LiaisonDatabase(location: world.database.location, logger: TestDatabase.logger) : world.database
            let second = Services(database: other, clock: clock, baseURL: "https://liaison.test", bcryptCost: 4, logger: TestDatabase.logger).sweep
            do {
                async let a = world.sweep.run()
                async let b = second.run()
                let (first, secondOutcome) = try await (a, b)
                #expect((first.reminders["overdue"] ?? 0) + (secondOutcome.reminders["overdue"] ?? 0) == 5)
            } catch {
                if other !== world.database { await other.shutdown() }
                throw error
            }
            if other !== world.database { await other.shutdown() }
            #expect(try await ReferralReminder.query(on: world.database.db()).filter(\.$kind == "overdue").count() == 5)
        }
    }
}

@Suite struct ReferralReportTests {
    @Test func administratorSeesLoopMetricsWithAChart() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            let clinic = try await world.organisation()
            let haddad = try await world.person("haddad@clinic.example", in: clinic)
            let lindqvist = try await world.person("lindqvist@clinic.example", name: "Dr. Lindqvist", in: clinic)
            try await world.person("chief@clinic.example", in: clinic, role: .administrator)
            let patient = try await world.patient(registeredBy: haddad, role: .primaryCare, at: clinic)
            for hours in [2.0, 10.0] {
                let referral = try await world.referral(patient, from: haddad, to: lindqvist)
                clock.advance(by: hours * 3600)
                try await world.referralService.accept(referral.requireID(), note: ["presentingProblem": "a", "plan": "b", "contact": "c"], role: nil, by: world.caller(lindqvist))
            }
            let chief = world.browser()
            try await chief.signIn("chief@clinic.example")
            let page = try await chief.get("/reports/referrals")
            #expect(page.status == .ok)
            #expect(page.body.contains("<svg"))
            #expect(page.body.contains("Dr. Lindqvist"))
            #expect(page.body.contains("<td data-label=\"Referrals\">2</td><td data-label=\"Median time to acknowledge\">2 h</td><td data-label=\"90th percentile\">10 h</td>"))
            let clinician = world.browser()
            try await clinician.signIn("haddad@clinic.example")
            #expect(try await clinician.get("/reports/referrals").status == .forbidden)
        }
    }
}

extension ReferralChasingTests {

    @Test func anOverdueLineSaysByHowManyBusinessDaysAndTimesAreInTheReadersZone() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            let cast = try await setUp(world)
            let referral = try await world.referral(cast.patient, from: cast.haddad, to: cast.lindqvist)
            // Due at the end of Wednesday 20 January; on Monday the 25th, three business days have passed.
            move(clock, to: "2027-01-25T10:00:00")
            let recipient = world.browser()
            try await recipient.signIn(cast.lindqvist.email)
            let list = try await recipient.get("/referrals")
            #expect(list.body.contains("Wed, 20 Jan 2027") && list.body.contains("overdue by 3 business days"))
            // Times on the referral are in the reader's zone; one written in the clinic's zone says so.
            let page = SiteURL.referral(referral.id!).path
            // (Times are written with a narrow no-break space before AM/PM.)
            func text(_ path: String) async throws -> String { try await recipient.get(path).body.replacingOccurrences(of: "\u{202F}", with: " ") }
            let inNewYork = try await text(page)
            #expect(inNewYork.contains("Acknowledgement due 20 Jan 2027 at 11:59 PM —"), "the clinic's zone is the reader's by default, and not named")
            let api = try await world.apiToken(for: cast.lindqvist)
            #expect(try await api.call(.put, "/api/v1/me/notice-preferences", json: #"{"email":"immediately","digestHour":8,"timeZone":"Europe/London"}"#).status == .ok)
            let inLondon = try await text(page)
            #expect(inLondon.contains("Acknowledgement due 20 Jan 2027 at 11:59 PM GMT-5"), "a time in another zone names it")
            // The referral arrived at 03:00 in New York: 08:00 in London, written without a zone.
            let notices = try await text("/notifications")
            #expect(notices.contains("15 Jan 2027 at 8:00 AM") && !notices.contains("8:00 AM GMT"), "the reader's own times need no zone")
        }
    }
}
