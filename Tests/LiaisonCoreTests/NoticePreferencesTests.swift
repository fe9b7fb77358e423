import Foundation
import Testing
@testable import LiaisonCore

@Suite struct NoticePreferencesTests {
    let newYork = TimeZone(identifier: "America/New_York")!

    /// A moment given as New York wall-clock time (November: UTC-5).
    func local(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = newYork
        return calendar.date(from: DateComponents(year: 2026, month: 11, day: day, hour: hour, minute: minute))!
    }

    @Test func quietHoursMayRunPastMidnight() {
        let prefs = NoticePreferences(quietFrom: 21, quietUntil: 7, timeZone: newYork)
        #expect(prefs.isQuiet(at: local(27, 22)))
        #expect(prefs.isQuiet(at: local(28, 3)))
        #expect(!prefs.isQuiet(at: local(28, 7)))
        #expect(!prefs.isQuiet(at: local(27, 20, 59)))
        let lunch = NoticePreferences(quietFrom: 12, quietUntil: 13, timeZone: newYork)
        #expect(lunch.isQuiet(at: local(27, 12, 30)))
        #expect(!lunch.isQuiet(at: local(27, 13)))
        #expect(!NoticePreferences(timeZone: newYork).isQuiet(at: local(27, 3)))
    }

    @Test func aNoticeInQuietHoursWaitsForTheirEndUnlessUrgent() {
        let prefs = NoticePreferences(quietFrom: 21, quietUntil: 7, timeZone: newYork)
        #expect(prefs.sendEmail(at: local(27, 23), urgent: false) == local(28, 7))
        #expect(prefs.sendEmail(at: local(28, 2), urgent: false) == local(28, 7))
        #expect(prefs.sendEmail(at: local(27, 23), urgent: true) == local(27, 23))
        #expect(prefs.sendEmail(at: local(27, 10), urgent: false) == local(27, 10))
        var daily = prefs
        daily.email = .daily
        #expect(daily.sendEmail(at: local(27, 10), urgent: true) == nil, "a daily summary covers it")
        daily.email = .never
        #expect(daily.sendEmail(at: local(27, 10), urgent: false) == nil)
    }

    @Test func theDailySummaryIsDueOnceAfterItsLocalHour() {
        let prefs = NoticePreferences(email: .daily, digestHour: 8, timeZone: newYork)
        #expect(prefs.digestDue(at: local(27, 7, 59), last: local(26, 8)) == nil)
        #expect(prefs.digestDue(at: local(27, 8, 1), last: local(26, 8)) == local(27, 8))
        #expect(prefs.digestDue(at: local(27, 9), last: local(27, 8)) == nil, "once a day")
        #expect(prefs.digestDue(at: local(27, 7), last: nil) == local(26, 8))
        #expect(NoticePreferences(email: .immediately, timeZone: newYork).digestDue(at: local(27, 9), last: nil) == nil)
    }

    @Test func formsAreReadStrictly() throws {
        let prefs = try NoticePreferences.parse(email: "daily", digestHour: "17", quietFrom: "21", quietUntil: "7", timeZone: "Europe/Dublin")
        #expect(prefs == NoticePreferences(email: .daily, digestHour: 17, quietFrom: 21, quietUntil: 7, timeZone: TimeZone(identifier: "Europe/Dublin")!))
        #expect(try NoticePreferences.parse(email: "never", digestHour: "", quietFrom: "", quietUntil: "", timeZone: "UTC").quietFrom == nil)
        for (email, digest, from, until, zone, field) in [
            ("sometimes", "8", "", "", "UTC", "email"), ("daily", "24", "", "", "UTC", "digestHour"), ("daily", "8", "21", "", "UTC", "quietUntil"),
            ("daily", "8", "7", "7", "UTC", "quietUntil"), ("daily", "8", "", "", "Mars/Olympus", "timeZone"), ("daily", "x", "", "", "UTC", "digestHour"),
        ] {
            #expect(throws: ValidationErrors.self, "\(field)") { try NoticePreferences.parse(email: email, digestHour: digest, quietFrom: from, quietUntil: until, timeZone: zone) }
            do { _ = try NoticePreferences.parse(email: email, digestHour: digest, quietFrom: from, quietUntil: until, timeZone: zone) } catch {
                #expect(error.problems.contains { $0.field == field }, "\(field): \(error.problems)")
            }
        }
    }
}
