import Foundation

/// An HL7 v2 timestamp (TS/DTM): `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`, kept at the
/// precision the sender gave. Hospitals often leave the offset off, meaning their own local
/// time, so turning one into an instant needs the sending hospital's time zone.
public struct HL7Time: Sendable, Equatable {
    /// How much of the timestamp the sender gave; the parts beyond it read as their first value.
    public enum Precision: Int, Sendable, Comparable {
        case year, month, day, hour, minute, second, fraction

        public static func < (lhs: Precision, rhs: Precision) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public let year, month, day, hour, minute, second: Int
    /// The fraction of the second, in nanoseconds (HL7 gives at most four digits).
    public let nanosecond: Int
    public let precision: Precision
    /// Seconds east of UTC, when the timestamp gave an offset.
    public let utcOffset: Int?

    /// Parses `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`; nil for anything else, including a
    /// month, day, hour, minute, second or offset out of range.
    public init?(_ text: String) {
        var digits = Substring(text)
        var offset: Int?
        if let sign = digits.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = digits[digits.index(after: sign)...]
            guard zone.count == 4, let hours = Self.number(zone.prefix(2)), let minutes = Self.number(zone.suffix(2)),
                  hours <= 14, minutes <= 59
            else { return nil }
            offset = (digits[sign] == "-" ? -1 : 1) * (hours * 3600 + minutes * 60)
            digits = digits[..<sign]
        }
        var fraction = 0
        var fractionDigits = 0
        if let dot = digits.firstIndex(of: ".") {
            let decimals = digits[digits.index(after: dot)...]
            guard digits.distance(from: digits.startIndex, to: dot) == 14, (1...4).contains(decimals.count),
                  let value = Self.number(decimals)
            else { return nil }
            fraction = value
            fractionDigits = decimals.count
            digits = digits[..<dot]
        }
        guard [4, 6, 8, 10, 12, 14].contains(digits.count) else { return nil }
        var parts: [Int] = []
        var rest = digits
        for width in [4, 2, 2, 2, 2, 2] where !rest.isEmpty {
            guard let part = Self.number(rest.prefix(width)) else { return nil }
            parts.append(part)
            rest = rest.dropFirst(width)
        }
        let year = parts[0]
        let month = parts.count > 1 ? parts[1] : 1
        let day = parts.count > 2 ? parts[2] : 1
        let hour = parts.count > 3 ? parts[3] : 0
        let minute = parts.count > 4 ? parts[4] : 0
        let second = parts.count > 5 ? parts[5] : 0
        guard year >= 1, (1...12).contains(month), (1...Self.daysIn(month, of: year)).contains(day),
              hour <= 23, minute <= 59, second <= 59
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
        nanosecond = fraction * [0, 100_000_000, 10_000_000, 1_000_000, 100_000][fractionDigits]
        precision = fractionDigits > 0 ? .fraction : Precision(rawValue: parts.count - 1)!
        utcOffset = offset
    }

    /// The instant, reading a time without an offset in `timeZone` (the sending hospital's zone).
    /// A local time that a daylight-saving change skips or repeats resolves as `Calendar` does.
    public func date(in timeZone: TimeZone) -> Date {
        var calendar = Self.utc
        if utcOffset == nil { calendar.timeZone = timeZone }
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        // The components were validated, so the calendar always has an answer.
        let wallClock = calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
        return wallClock.addingTimeInterval(TimeInterval(nanosecond) / 1e9 - TimeInterval(utcOffset ?? 0))
    }

    /// `date` as "yyyyMMddHHmmss+0000" in UTC, the form Liaison writes in MSH-7 of its replies.
    public static func format(_ date: Date) -> String {
        let parts = utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let fields = [(parts.year, 4), (parts.month, 2), (parts.day, 2), (parts.hour, 2), (parts.minute, 2), (parts.second, 2)]
        return fields.map { value, width in
            let digits = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }.joined() + "+0000"
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        return calendar
    }()

    /// The value of a run of ASCII digits; nil if anything else is in it.
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        return Int(text)
    }

    private static func daysIn(_ month: Int, of year: Int) -> Int {
        switch month {
        case 2: year.isMultiple(of: 4) && (!year.isMultiple(of: 100) || year.isMultiple(of: 400)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
