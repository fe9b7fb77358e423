import Foundation

/// Something that happened to a patient outside the treating team's sight, which the whole team
/// must hear about at once: a visit to the emergency department, an admission, a discharge.
public enum CareEventKind: String, Sendable, Codable, CaseIterable, Labelled {
    case emergencyVisit = "emergency-visit"
    case admission
    case discharge
    /// A move between units of the same hospital stay.
    case unitTransfer = "unit-transfer"
    case crisisContact = "crisis-contact"
    case missedAppointment = "missed-appointment"
    case medicationChange = "medication-change"
    case death
    case other

    public var label: String {
        switch self {
        case .emergencyVisit: "Emergency department visit"
        case .admission: "Admitted to hospital"
        case .discharge: "Discharged from hospital"
        case .unitTransfer: "Moved to another unit"
        case .crisisContact: "Crisis contact"
        case .missedAppointment: "Missed appointment"
        case .medicationChange: "Medication changed elsewhere"
        case .death: "Death"
        case .other: "Other event"
        }
    }

    /// The kinds the responsible clinician must acknowledge within the organisation's hours,
    /// around the clock, or the rest of the team and then the administrators are told.
    public var isUrgent: Bool {
        switch self {
        case .emergencyVisit, .admission, .crisisContact: true
        default: false
        }
    }

    /// Admissions and discharges carry the facility's visit number.
    public var hasVisit: Bool {
        switch self {
        case .emergencyVisit, .admission, .discharge, .unitTransfer: true
        default: false
        }
    }

    /// What the patient reads in the portal (nil: not shown there).
    public var portalWords: String? {
        switch self {
        case .emergencyVisit: "Your visit to the emergency department"
        case .admission: "Your admission to hospital"
        case .discharge: "Your discharge from hospital"
        case .unitTransfer: "Your move to another unit"
        case .crisisContact: "Your contact with a crisis service"
        case .missedAppointment: "A missed appointment"
        case .medicationChange: "A change to your medication"
        case .other: "An event in your care"
        case .death: nil
        }
    }
}

/// Who told Liaison about an event.
public enum CareEventSource: String, Sendable, Codable, CaseIterable, Labelled {
    /// A clinician, on the team or with emergency access.
    case person
    /// Another system through the JSON API.
    case api
    /// A hospital's ADT feed.
    case feed

    public var label: String {
        switch self {
        case .person: "Recorded by a clinician"
        case .api: "Sent by another system"
        case .feed: "From the hospital's feed"
        }
    }
}

/// When the steps owed on an event fall due.
public enum CareEventRules {
    /// Hours the responsible clinician has to acknowledge an urgent event, unless the
    /// organisation says otherwise.
    public static let defaultAcknowledgeHours = 4
    public static let acknowledgeHoursRange = 1...72
    /// A visit is owed within this many days of a discharge.
    public static let dischargeFollowUpDays = 7

    /// When an unacknowledged urgent event goes to the rest of the team, and then to the
    /// administrators: each a full window after the last. Clock hours, not business days: a
    /// patient in the emergency department does not wait for Monday. Nil for other kinds.
    public static func escalations(for kind: CareEventKind, recordedAt: Date, hours: Int) -> (team: Date, administrators: Date)? {
        guard kind.isUrgent else { return nil }
        let window = TimeInterval(hours) * 3600
        return (recordedAt.addingTimeInterval(window), recordedAt.addingTimeInterval(2 * window))
    }

    /// When the visit after a discharge is due; nil for other kinds. Counted from the discharge
    /// itself: one reported late is honestly late, and shows as overdue.
    public static func followUpDue(for kind: CareEventKind, occurredAt: Date) -> Date? {
        guard kind == .discharge else { return nil }
        return occurredAt.addingTimeInterval(TimeInterval(dischargeFollowUpDays) * 86400)
    }

    /// How far ahead of now an event's time may be (clocks differ a little); later is a mistake.
    public static let futureTolerance: TimeInterval = 15 * 60
}

extension CareEventRules {
    /// Reads when an event happened: a full ISO 8601 time with its offset (the API), or a
    /// `datetime-local` value ("2026-11-27T14:30", a form) read in `zone`. Nil when it is neither.
    public static func time(_ text: String, in zone: TimeZone) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let instant = try? Date(trimmed, strategy: .iso8601) { return instant }
        let parts = trimmed.split(whereSeparator: { "-T:".contains($0) }).map { Int($0) }
        guard trimmed.count >= 16, (5...6).contains(parts.count), !parts.contains(nil) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let numbers = parts.map { $0! }
        let components = DateComponents(
            year: numbers[0], month: numbers[1], day: numbers[2], hour: numbers[3], minute: numbers[4], second: numbers.count > 5 ? numbers[5] : 0)
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }
}
