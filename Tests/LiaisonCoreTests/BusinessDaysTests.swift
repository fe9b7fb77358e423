import Foundation
import Testing
@testable import LiaisonCore

@Suite struct BusinessDaysTests {
    /// The obvious count, a calendar day at a time, to check the arithmetic against.
    private func stepping(_ calendar: BusinessCalendar, after start: Date, until end: Date) -> Int {
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = calendar.timeZone
        var day = gregorian.startOfDay(for: start)
        let last = gregorian.startOfDay(for: end)
        var count = 0
        while day < last {
            day = gregorian.date(byAdding: .day, value: 1, to: day)!
            if calendar.isBusinessDay(day) { count += 1 }
        }
        return count
    }

    @Test func dayNumbersAndWeekdaysAreTheCalendars() {
        #expect(BusinessCalendar.dayNumber(year: 1970, month: 1, day: 1) == 0)
        #expect(BusinessCalendar.dayNumber(year: 2000, month: 3, day: 1) == 11_017)
        #expect(BusinessCalendar.dayNumber(year: 1969, month: 12, day: 31) == -1)
        #expect(BusinessCalendar.weekday(ofDay: 0) == .thursday)
        #expect(BusinessCalendar.weekday(ofDay: -1) == .wednesday)
        // 2027-01-15 is a Friday.
        #expect(BusinessCalendar.weekday(ofDay: BusinessCalendar.dayNumber(year: 2027, month: 1, day: 15)) == .friday)
    }

    @Test func aThursdayDueIsTwoBusinessDaysLateOnMondayAndAHolidayTakesOneAway() throws {
        let zone = try #require(TimeZone(identifier: "America/New_York"))
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = zone
        let due = gregorian.date(from: DateComponents(year: 2027, month: 1, day: 14, hour: 23, minute: 59))!
        let monday = gregorian.date(from: DateComponents(year: 2027, month: 1, day: 18, hour: 9))!
        #expect(BusinessCalendar(timeZone: zone, businessDays: Weekday.mondayToFriday).businessDays(after: due, until: monday) == 2)
        let closed = BusinessCalendar(timeZone: zone, businessDays: Weekday.mondayToFriday, holidays: [DateOnly(year: 2027, month: 1, day: 18)!])
        #expect(closed.businessDays(after: due, until: monday) == 1)
        #expect(closed.businessDays(after: monday, until: due) == 0)
    }

    @Test func countingMatchesSteppingDayByDayAcrossYearsZonesAndHolidays() throws {
        var random = SystemRandomNumberGenerator()
        let zones = ["America/New_York", "Europe/London", "Australia/Sydney", "Pacific/Auckland", "GMT"].compactMap(TimeZone.init(identifier:))
        let weeks: [Set<Weekday>] = [Weekday.mondayToFriday, [.sunday, .monday, .tuesday, .wednesday, .thursday], [.saturday], Set(Weekday.allCases)]
        for _ in 0..<400 {
            let zone = zones.randomElement(using: &random)!
            let holidays = Set((0..<Int.random(in: 0...12, using: &random)).compactMap { _ in
                DateOnly(year: Int.random(in: 2026...2028, using: &random), month: Int.random(in: 1...12, using: &random), day: Int.random(in: 1...28, using: &random))
            })
            let calendar = BusinessCalendar(timeZone: zone, businessDays: weeks.randomElement(using: &random)!, holidays: holidays)
            let start = Date(timeIntervalSince1970: Double.random(in: 1_767_225_600...1_830_297_600, using: &random))
            let end = start.addingTimeInterval(Double.random(in: -5 * 86400...400 * 86400, using: &random))
            #expect(calendar.businessDays(after: start, until: end) == stepping(calendar, after: start, until: end), "\(zone.identifier) \(start) → \(end)")
        }
    }
}
