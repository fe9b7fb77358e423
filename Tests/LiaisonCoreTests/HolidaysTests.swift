import Foundation
import LiaisonCore
import Testing

@Suite struct HolidaysTests {
    let newYork = TimeZone(identifier: "America/New_York")!

    func at(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = newYork
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        return formatter.date(from: text)!
    }

    @Test func dueDatesSkipHolidaysAsTheySkipWeekends() {
        let christmas = DateOnly("2026-12-25")!, boxing = DateOnly("2026-12-28")!
        let plain = BusinessCalendar(timeZone: newYork, businessDays: Weekday.mondayToFriday)
        let closed = BusinessCalendar(timeZone: newYork, businessDays: Weekday.mondayToFriday, holidays: [christmas, boxing])
        // Sent Thursday 24 December: three business days are Fri, Mon, Tue, or Tue, Wed, Thu around the two holidays.
        let sent = at("2026-12-24T10:00:00")
        #expect(plain.endOfBusinessDay(3, after: sent) == at("2026-12-29T23:59:59"))
        #expect(closed.endOfBusinessDay(3, after: sent) == at("2026-12-31T23:59:59"))
        // Due the same day, sent on a holiday: the next business day.
        #expect(closed.endOfBusinessDay(0, after: at("2026-12-25T09:00:00")) == at("2026-12-29T23:59:59"))
        #expect(!closed.isBusinessDay(at("2026-12-25T12:00:00")) && closed.isBusinessDay(at("2026-12-24T12:00:00")))
    }

    @Test func storedOnePerLineInDateOrderALaterNameWinning() {
        let stored = Holidays.encode([
            Holiday(day: DateOnly("2027-01-01")!, name: "New Year's Day"), Holiday(day: DateOnly("2026-12-25")!, name: "Christmas"),
            Holiday(day: DateOnly("2026-12-25")!, name: "Christmas Day"),
        ])
        #expect(stored == "2026-12-25 Christmas Day\n2027-01-01 New Year's Day")
        #expect(Holidays.decode(stored).map(\.name) == ["Christmas Day", "New Year's Day"])
        #expect(Holidays.decode("not a date\n\n2026-02-30 nope").isEmpty)
    }

    @Test func anICSFileGivesEachAllDayEventAndEachDayOfALongerOne() throws {
        let file = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Synthetic//Holidays//EN",
            "BEGIN:VEVENT", "UID:1@example", "DTSTART;VALUE=DATE:20261225", "DTEND;VALUE=DATE:20261226", "SUMMARY:Christmas Day", "END:VEVENT",
            "BEGIN:VEVENT", "UID:2@example", "DTSTART;VALUE=DATE:20261231", "DTEND;VALUE=DATE:20270102", "SUMMARY:New Year\\, with the eve", "END:VEVENT",
            "BEGIN:VEVENT", "UID:3@example", "DTSTART:20270118T050000Z", "SUMMARY:Martin Luther King", " Jr. Day", "END:VEVENT",
            "END:VCALENDAR", "",
        ].joined(separator: "\r\n")
        let holidays = try Holidays.parseICS(file)
        #expect(holidays.map(\.day.description) == ["2026-12-25", "2026-12-31", "2027-01-01", "2027-01-18"])
        #expect(holidays.map(\.name) == ["Christmas Day", "New Year, with the eve", "New Year, with the eve", "Martin Luther KingJr. Day"])
    }

    @Test func aFileThatIsNotACalendarOrHasNoDatesIsRefused() {
        #expect(throws: ValidationErrors.self) { try Holidays.parseICS("Date,Name\n2026-12-25,Christmas") }
        #expect(throws: ValidationErrors.self) { try Holidays.parseICS("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n") }
        #expect(throws: ValidationErrors.self) { try Holidays.parseICS(String(repeating: "x", count: Holidays.maximumFileBytes + 1)) }
        #expect(throws: ValidationErrors.self) { try Holidays.validated(day: "2026-13-01", name: "Nope") }
        #expect(throws: ValidationErrors.self) { try Holidays.validated(day: "2026-12-25", name: "") }
    }
}
