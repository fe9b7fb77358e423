import Foundation

/// A day an organisation is closed (a public holiday): due dates counted in business days skip it.
public struct Holiday: Sendable, Hashable, Comparable {
    public let day: DateOnly
    public let name: String

    public init(day: DateOnly, name: String) {
        self.day = day
        self.name = name
    }

    public static func < (lhs: Holiday, rhs: Holiday) -> Bool { lhs.day < rhs.day }
}

/// An organisation's holidays: stored one per line ("2026-12-25 Christmas Day"), added one at a
/// time or loaded from an iCalendar (ICS) file such as a government's list of public holidays.
public enum Holidays {
    /// At most this many are kept per organisation (about ten years of a country's holidays).
    public static let limit = 200
    /// An ICS file larger than this is refused.
    public static let maximumFileBytes = 512 * 1024

    public static func decode(_ stored: String) -> [Holiday] {
        stored.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 1)
            guard let day = parts.first.flatMap({ DateOnly(String($0)) }) else { return nil }
            return Holiday(day: day, name: parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// One line per day, in date order; a day given twice keeps the later name.
    public static func encode(_ holidays: [Holiday]) -> String {
        var byDay: [DateOnly: Holiday] = [:]
        for holiday in holidays { byDay[holiday.day] = holiday }
        return byDay.values.sorted().map { "\($0.day) \($0.name)" }.joined(separator: "\n")
    }

    /// Checks one holiday typed into a form.
    public static func validated(day rawDay: String?, name rawName: String?) throws(ValidationErrors) -> Holiday {
        var check = FieldChecker()
        let dayText = check.text(rawDay, field: "day", label: "Date", required: true, maxLength: 10)
        let name = check.text(rawName, field: "name", label: "Name of the holiday", required: true, maxLength: 80)
        let day = DateOnly(dayText)
        if !dayText.isEmpty, day == nil { check.errors.add("day", "Date must be a real date written YYYY-MM-DD, e.g. 2026-12-25.") }
        try check.errors.throwIfAny()
        return Holiday(day: day!, name: name)
    }

    /// The all-day events of an iCalendar file (RFC 5545): each VEVENT's DTSTART date, each day up
    /// to its DTEND (exclusive) for an event of several days, and its SUMMARY as the name.
    /// Recurrence rules are not expanded: holiday files list each year's dates.
    public static func parseICS(_ text: String) throws(ValidationErrors) -> [Holiday] {
        func refuse(_ message: String) -> ValidationErrors { ValidationErrors("file", message) }
        guard text.utf8.count <= maximumFileBytes else { throw refuse("The file is larger than \(maximumFileBytes / 1024) kB; a holiday calendar is much smaller.") }
        // Unfold: a line that starts with a space or tab continues the one before.
        var lines: [String] = []
        for raw in text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = raw.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += raw.dropFirst()
            } else {
                lines.append(String(raw))
            }
        }
        guard lines.first(where: { !$0.isEmpty })?.uppercased() == "BEGIN:VCALENDAR" else {
            throw refuse("The file is not an iCalendar (ICS) file: it does not begin with BEGIN:VCALENDAR.")
        }
        var holidays: [Holiday] = []
        var start: DateOnly?, end: DateOnly?, summary = "", inEvent = false
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let property = line[..<colon].split(separator: ";").first.map { $0.uppercased() } ?? ""
            let value = String(line[line.index(after: colon)...])
            switch property {
            case "BEGIN" where value.uppercased() == "VEVENT":
                inEvent = true
                start = nil; end = nil; summary = ""
            case "DTSTART" where inEvent: start = date(value)
            case "DTEND" where inEvent: end = date(value)
            case "SUMMARY" where inEvent: summary = unescape(value)
            case "END" where value.uppercased() == "VEVENT":
                inEvent = false
                guard let first = start else { continue }
                let name = String(summary.trimmingCharacters(in: .whitespaces).prefix(80))
                var day = first
                repeat {
                    holidays.append(Holiday(day: day, name: name.isEmpty ? "Holiday" : name))
                    day = day.adding(days: 1)
                } while end.map({ day < $0 }) ?? false && holidays.count <= limit
            default: continue
            }
        }
        guard !holidays.isEmpty else { throw refuse("The file has no events with a date: no holidays were found in it.") }
        guard holidays.count <= limit else { throw refuse("The file has more than \(limit) holiday days; load one year or a few at a time.") }
        return holidays
    }

    /// The date of a DTSTART or DTEND value: YYYYMMDD, or a date-time whose date it takes.
    private static func date(_ value: String) -> DateOnly? {
        let digits = value.prefix(8)
        guard digits.count == 8, digits.allSatisfy(\.isNumber) else { return nil }
        return DateOnly(year: Int(digits.prefix(4))!, month: Int(digits.dropFirst(4).prefix(2))!, day: Int(digits.suffix(2))!)
    }

    private static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\n", with: " ").replacingOccurrences(of: "\\N", with: " ")
            .replacingOccurrences(of: "\\,", with: ",").replacingOccurrences(of: "\\;", with: ";").replacingOccurrences(of: "\\\\", with: "\\")
    }
}

extension DateOnly {
    /// The date `days` later.
    public func adding(days: Int) -> DateOnly {
        DateOnly.of(start(in: .gmt).addingTimeInterval(TimeInterval(days) * 86_400 + 3600), in: .gmt)
    }
}
