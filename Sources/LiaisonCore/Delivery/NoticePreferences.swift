import Foundation

/// How a person wants to hear about notices (referral steps, reminders, messages) by email.
/// In-app notices and the navigation's counts are always there; single-use links (invitations,
/// password resets) are not notices and always go at once.
public struct NoticePreferences: Sendable, Equatable {
    public enum EmailMode: String, Sendable, CaseIterable, Codable, Labelled {
        /// One email per notice, held through quiet hours unless urgent.
        case immediately
        /// One email a day at `digestHour`, counting what came in.
        case daily
        /// No email for notices.
        case never

        public var label: String {
            switch self {
            case .immediately: "As they happen (held through quiet hours unless urgent)"
            case .daily: "One summary a day"
            case .never: "Never: I read them in Liaison"
            }
        }
    }

    public var email: EmailMode
    /// The local hour (0–23) of the daily summary.
    public var digestHour: Int
    /// Non-urgent email waits from this local hour until `quietUntil` (nil: no quiet hours).
    public var quietFrom: Int?
    public var quietUntil: Int?
    public var timeZone: TimeZone

    public init(email: EmailMode = .immediately, digestHour: Int = 8, quietFrom: Int? = nil, quietUntil: Int? = nil, timeZone: TimeZone = .gmt) {
        self.email = email
        self.digestHour = digestHour
        self.quietFrom = quietFrom
        self.quietUntil = quietUntil
        self.timeZone = timeZone
    }

    /// What everyone has until they choose: every notice at once, no quiet hours.
    public static let standard = NoticePreferences()

    /// Reads the settings form or API input, naming each field that is wrong.
    public static func parse(
        email rawEmail: String?, digestHour rawDigest: String?, quietFrom rawFrom: String?, quietUntil rawUntil: String?, timeZone rawZone: String?
    ) throws(ValidationErrors) -> NoticePreferences {
        var errors = ValidationErrors()
        func hour(_ raw: String?, field: String, label: String) -> Int? {
            let text = (raw ?? "").trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return nil }
            guard let value = Int(text), (0...23).contains(value) else {
                errors.add(field, "\(label) is an hour from 0 to 23.")
                return nil
            }
            return value
        }
        let mode = EmailMode(rawValue: rawEmail ?? "")
        if mode == nil { errors.add("email", "Choose how notices reach you by email.") }
        let digest = hour(rawDigest, field: "digestHour", label: "The hour of the daily summary")
        let from = hour(rawFrom, field: "quietFrom", label: "The start of quiet hours")
        let until = hour(rawUntil, field: "quietUntil", label: "The end of quiet hours")
        if (from == nil) != (until == nil), errors.isEmpty { errors.add("quietUntil", "Give both ends of quiet hours, or neither.") }
        if let from, let until, from == until { errors.add("quietUntil", "Quiet hours must end at a different hour than they start.") }
        let zone = TimeZone(identifier: (rawZone ?? "").trimmingCharacters(in: .whitespaces))
        if zone == nil { errors.add("timeZone", "Choose a time zone such as America/New_York.") }
        try errors.throwIfAny()
        return NoticePreferences(email: mode!, digestHour: digest ?? 8, quietFrom: from, quietUntil: until, timeZone: zone!)
    }

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    /// Whether `moment` falls in quiet hours (which may run past midnight: 21 to 7).
    public func isQuiet(at moment: Date) -> Bool {
        guard let from = quietFrom, let until = quietUntil else { return false }
        let hour = calendar.component(.hour, from: moment)
        return from < until ? (from..<until).contains(hour) : (hour >= from || hour < until)
    }

    /// When an email about a notice made at `now` should go, or nil for none (daily summaries
    /// and "never"): now, or the end of quiet hours for a notice that is not urgent.
    public func sendEmail(at now: Date, urgent: Bool) -> Date? {
        guard email == .immediately else { return nil }
        guard !urgent, isQuiet(at: now), let until = quietUntil else { return now }
        return nextTime(hour: until, after: now)
    }

    /// The first moment at local `hour`:00 after `moment`.
    public func nextTime(hour: Int, after moment: Date) -> Date {
        calendar.nextDate(after: moment, matching: DateComponents(hour: hour, minute: 0, second: 0), matchingPolicy: .nextTime) ?? moment
    }

    /// The daily summary due for someone whose last one was made at `last` (nil: never): the
    /// latest digest hour at or before `now`, if it is after `last`.
    public func digestDue(at now: Date, last: Date?) -> Date? {
        guard email == .daily else { return nil }
        let today = calendar.date(bySettingHour: digestHour, minute: 0, second: 0, of: now) ?? now
        let latest = today <= now ? today : calendar.date(byAdding: .day, value: -1, to: today)!
        if let last, last >= latest { return nil }
        return latest
    }
}
