import Foundation

/// The kind of organisation, as people describe it.
public enum OrganisationKind: String, Sendable, Codable, CaseIterable {
    case privatePractice = "private-practice"
    case communityClinic = "community-clinic"
    case primaryCareGroup = "primary-care-group"
    case hospital
    case other

    public var label: String {
        switch self {
        case .privatePractice: "Private practice"
        case .communityClinic: "Community mental-health clinic"
        case .primaryCareGroup: "Primary-care group"
        case .hospital: "Hospital"
        case .other: "Other"
        }
    }
}

/// A day of the week, numbered as `Calendar` numbers them (Sunday = 1).
public enum Weekday: Int, Sendable, Codable, CaseIterable, Comparable {
    case sunday = 1, monday, tuesday, wednesday, thursday, friday, saturday

    public var label: String {
        ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"][rawValue - 1]
    }

    /// The standard working week.
    public static let mondayToFriday: Set<Weekday> = [.monday, .tuesday, .wednesday, .thursday, .friday]

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Stored as a compact string such as "23456".
    public static func encode(_ days: Set<Weekday>) -> String {
        days.sorted().map { String($0.rawValue) }.joined()
    }

    public static func decode(_ text: String) -> Set<Weekday> {
        Set(text.compactMap { $0.wholeNumberValue.flatMap(Weekday.init(rawValue:)) })
    }
}

/// An organisation's name and working calendar, validated.
public struct OrganisationSettings: Sendable, Equatable {
    public var name: String
    public var kind: OrganisationKind
    public var timeZone: TimeZone
    public var businessDays: Set<Weekday>

    public init(name: String, kind: OrganisationKind, timeZone: TimeZone, businessDays: Set<Weekday>) {
        self.name = name
        self.kind = kind
        self.timeZone = timeZone
        self.businessDays = businessDays
    }
}

/// The settings as typed into the form.
public struct OrganisationSettingsDraft: Sendable, Codable, Equatable {
    public var name: String?
    public var kind: String?
    public var timeZone: String?
    public var businessDays: [String]

    public init(name: String? = nil, kind: String? = nil, timeZone: String? = nil, businessDays: [String] = []) {
        self.name = name
        self.kind = kind
        self.timeZone = timeZone
        self.businessDays = businessDays
    }

    public func validated() throws(ValidationErrors) -> OrganisationSettings {
        var check = FieldChecker()
        let name = check.text(name, field: "name", label: "Name", required: true, maxLength: 160)
        let kind = check.choice(kind, field: "kind", label: "Kind", as: OrganisationKind.self)
        let zoneName = check.text(timeZone, field: "timeZone", label: "Time zone", required: true, maxLength: 64)
        let zone = TimeZone(identifier: zoneName)
        if !zoneName.isEmpty, zone == nil {
            check.errors.add("timeZone", "\"\(zoneName.prefix(64))\" is not a time zone; use a name such as Europe/London or America/Chicago.")
        }
        var days = Set<Weekday>()
        for raw in businessDays {
            if let number = Int(raw), let day = Weekday(rawValue: number) { days.insert(day) } else {
                check.errors.add("businessDays", "\"\(raw.prefix(20))\" is not a day of the week.")
            }
        }
        if days.isEmpty, check.errors.message(for: "businessDays") == nil {
            check.errors.add("businessDays", "Choose at least one business day.")
        }
        try check.errors.throwIfAny()
        return OrganisationSettings(name: name, kind: kind!, timeZone: zone!, businessDays: days)
    }
}

/// What an organisation asks of its members beyond the installation's rules.
public struct OrganisationSafeguards: Sendable, Equatable {
    /// Only members with a clinical licence recorded (credentials on their profile) may use emergency access.
    public var emergencyNeedsLicence: Bool
    /// Every member signs in with a second factor, not only administrators.
    public var requireTwoFactor: Bool

    public init(emergencyNeedsLicence: Bool = false, requireTwoFactor: Bool = false) {
        self.emergencyNeedsLicence = emergencyNeedsLicence
        self.requireTwoFactor = requireTwoFactor
    }
}
