import Foundation

/// An organisation's working calendar: its time zone, business days and holidays.
public struct BusinessCalendar: Sendable {
    public let timeZone: TimeZone
    public let businessDays: Set<Weekday>
    /// Days it is closed although they fall on a business day.
    public let holidays: Set<DateOnly>
    private let calendar: Calendar

    /// Monday to Friday in GMT: where no organisation's calendar applies.
    public static let standard = BusinessCalendar(timeZone: .gmt, businessDays: Weekday.mondayToFriday)

    public init(timeZone: TimeZone, businessDays: Set<Weekday>, holidays: Set<DateOnly> = []) {
        self.timeZone = timeZone
        self.businessDays = businessDays.isEmpty ? Weekday.mondayToFriday : businessDays
        self.holidays = holidays
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
    }

    public func isBusinessDay(_ moment: Date) -> Bool {
        businessDays.contains(Weekday(rawValue: calendar.component(.weekday, from: moment))!)
            && (holidays.isEmpty || !holidays.contains(DateOnly.of(moment, in: timeZone)))
    }

    /// The last instant of the local day containing `moment`.
    public func endOfDay(_ moment: Date) -> Date {
        let start = calendar.startOfDay(for: moment)
        return calendar.date(byAdding: .day, value: 1, to: start)!.addingTimeInterval(-1)
    }

    /// Business days from the day after `start`'s to `end`'s day, inclusive: how late something
    /// due at `start` is at `end` ("overdue by 2 business days"); 0 when `end` is not later.
    /// Counted on day numbers, not by stepping a calendar day by day: a worklist asks it for
    /// every line it shows.
    public func businessDays(after start: Date, until end: Date) -> Int {
        let first = dayNumber(of: start) + 1, last = dayNumber(of: end)
        guard last >= first else { return 0 }
        let span = last - first + 1, weeks = span / 7
        var count = weeks * businessDays.count
        for day in stride(from: first + weeks * 7, through: last, by: 1) where businessDays.contains(Self.weekday(ofDay: day)) {
            count += 1
        }
        for holiday in holidays {
            let day = Self.dayNumber(year: holiday.year, month: holiday.month, day: holiday.day)
            if day >= first, day <= last, businessDays.contains(Self.weekday(ofDay: day)) { count -= 1 }
        }
        return count
    }

    /// The local day containing `moment`, as days since 1970-01-01.
    private func dayNumber(of moment: Date) -> Int {
        let parts = calendar.dateComponents([.year, .month, .day], from: moment)
        return Self.dayNumber(year: parts.year!, month: parts.month!, day: parts.day!)
    }

    /// Days since 1970-01-01 of a date in the proleptic Gregorian calendar (the civil-from-days
    /// inverse: 400-year eras of 146,097 days, years starting in March so leap days come last).
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// 1970-01-01 was a Thursday.
    static func weekday(ofDay day: Int) -> Weekday {
        Weekday(rawValue: ((day % 7 + 7 + 4) % 7) + 1)!
    }

    /// The end of the `count`th business day after `moment`'s day. With `count` 0: the end of
    /// that day if it is a business day, else the end of the next business day.
    public func endOfBusinessDay(_ count: Int, after moment: Date) -> Date {
        var day = calendar.startOfDay(for: moment)
        var remaining = count
        if remaining == 0 {
            while !isBusinessDay(day) { day = calendar.date(byAdding: .day, value: 1, to: day)! }
            return endOfDay(day)
        }
        while remaining > 0 {
            day = calendar.date(byAdding: .day, value: 1, to: day)!
            if isBusinessDay(day) { remaining -= 1 }
        }
        return endOfDay(day)
    }
}

/// An organisation's service-level targets for closing loops.
public struct ServiceLevelTargets: Sendable, Equatable {
    /// Business days to acknowledge, per urgency (0 = by the end of the same business day).
    public var acknowledgementDays: [Urgency: Int]
    /// Calendar days after discharge to send the closing note.
    public var closingNoteDays: Int
    /// Business days after the acknowledgement was due before the organisation administrator is told.
    public var escalationDays: Int
    /// Days without any answer after which a sent referral expires.
    public var expiryDays: Int
    /// How long before the due time the recipient is reminded.
    public var reminderLead: TimeInterval
    /// Business days a waiting-list offer is held before it lapses and passes on.
    public var offerHoldDays: Int
    /// Days a second-opinion consultant, or a clinician who handed over care, keeps reading the record afterwards.
    public var consultationGraceDays: Int
    /// Weeks in measurement-based care after which less than a 50% improvement calls for a case review.
    public var reviewWeeks: Int
    /// Clock hours the responsible clinician has to acknowledge an urgent care event.
    public var careEventHours: Int

    public init(
        acknowledgementDays: [Urgency: Int] = [.routine: 3, .urgent: 1, .emergent: 0], closingNoteDays: Int = 14,
        escalationDays: Int = 2, expiryDays: Int = 30, reminderLead: TimeInterval = 24 * 3600, offerHoldDays: Int = 2, consultationGraceDays: Int = 14,
        reviewWeeks: Int = FlagRules.defaultReviewWeeks, careEventHours: Int = CareEventRules.defaultAcknowledgeHours
    ) {
        self.acknowledgementDays = acknowledgementDays
        self.closingNoteDays = closingNoteDays
        self.escalationDays = escalationDays
        self.expiryDays = expiryDays
        self.reminderLead = reminderLead
        self.offerHoldDays = offerHoldDays
        self.consultationGraceDays = consultationGraceDays
        self.reviewWeeks = reviewWeeks
        self.careEventHours = careEventHours
    }

    public static let standard = ServiceLevelTargets()

    public func acknowledgementDue(sentAt: Date, urgency: Urgency, calendar: BusinessCalendar) -> Date {
        calendar.endOfBusinessDay(acknowledgementDays[urgency] ?? 3, after: sentAt)
    }

    public func escalationAt(due: Date, calendar: BusinessCalendar) -> Date {
        calendar.endOfBusinessDay(escalationDays, after: due)
    }

    public func expiresAt(sentAt: Date) -> Date {
        sentAt.addingTimeInterval(TimeInterval(expiryDays) * 24 * 3600)
    }

    /// When someone whose part ended at `endedAt` stops reading the record: a consultant after
    /// the consultation closes, a clinician after handing over care.
    public func readAccessEnds(after endedAt: Date) -> Date {
        endedAt.addingTimeInterval(TimeInterval(consultationGraceDays) * 24 * 3600)
    }

    public func closingNoteDue(dischargedAt: Date) -> Date {
        dischargedAt.addingTimeInterval(TimeInterval(closingNoteDays) * 24 * 3600)
    }
}

extension ServiceLevelTargets {
    /// The form fields, with their labels and allowed ranges.
    public static let fields: [(key: String, label: String, range: ClosedRange<Int>)] = [
        ("ackRoutineDays", "Business days to acknowledge a routine referral", 0...30),
        ("ackUrgentDays", "Business days to acknowledge an urgent referral", 0...10),
        ("ackEmergentDays", "Business days to acknowledge an emergent referral", 0...2),
        ("closingNoteDays", "Days after discharge for the closing summary", 1...90),
        ("escalationDays", "Business days overdue before administrators are told", 0...30),
        ("expiryDays", "Days without an answer before a referral expires", 1...365),
        ("offerHoldDays", "Business days a waiting-list offer is held before it passes on", 1...10),
        ("consultationGraceDays", "Days a second-opinion consultant, or a clinician who handed over care, keeps reading the record afterwards", 0...90),
        ("reviewWeeks", "Weeks in treatment after which less than a 50% improvement puts the patient on the case-review list", FlagRules.reviewWeeksRange),
        ("careEventHours", "Hours, around the clock, for the responsible clinician to acknowledge an emergency visit, admission or crisis contact before the rest of the team is told", CareEventRules.acknowledgeHoursRange),
    ]

    /// Reads the targets from form fields, naming each bad one.
    public static func parse(_ values: [String: String]) throws(ValidationErrors) -> ServiceLevelTargets {
        var errors = ValidationErrors()
        var numbers: [String: Int] = [:]
        for field in fields {
            let raw = (values[field.key] ?? "").trimmingCharacters(in: .whitespaces)
            guard let number = Int(raw), field.range.contains(number) else {
                errors.add(field.key, "\(field.label) must be a whole number from \(field.range.lowerBound) to \(field.range.upperBound).")
                continue
            }
            numbers[field.key] = number
        }
        try errors.throwIfAny()
        return ServiceLevelTargets(
            acknowledgementDays: [.routine: numbers["ackRoutineDays"]!, .urgent: numbers["ackUrgentDays"]!, .emergent: numbers["ackEmergentDays"]!],
            closingNoteDays: numbers["closingNoteDays"]!, escalationDays: numbers["escalationDays"]!, expiryDays: numbers["expiryDays"]!,
            offerHoldDays: numbers["offerHoldDays"]!, consultationGraceDays: numbers["consultationGraceDays"]!,
            reviewWeeks: numbers["reviewWeeks"]!, careEventHours: numbers["careEventHours"]!)
    }

    /// The targets as form values.
    public var formValues: [String: String] {
        [
            "ackRoutineDays": String(acknowledgementDays[.routine] ?? 3), "ackUrgentDays": String(acknowledgementDays[.urgent] ?? 1),
            "ackEmergentDays": String(acknowledgementDays[.emergent] ?? 0), "closingNoteDays": String(closingNoteDays),
            "escalationDays": String(escalationDays), "expiryDays": String(expiryDays), "offerHoldDays": String(offerHoldDays),
            "consultationGraceDays": String(consultationGraceDays), "reviewWeeks": String(reviewWeeks), "careEventHours": String(careEventHours),
        ]
    }
}

/// Where an owed note stands against its due time.
public enum DueStatus: String, Sendable, Equatable {
    case onTrack = "on-track"
    case dueSoon = "due-soon"
    case overdue

    public static func of(due: Date, now: Date, lead: TimeInterval) -> DueStatus {
        if now > due { return .overdue }
        if due.timeIntervalSince(now) <= lead { return .dueSoon }
        return .onTrack
    }
}
