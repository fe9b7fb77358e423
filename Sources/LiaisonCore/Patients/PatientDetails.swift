import Foundation

/// A patient's demographics and contact details, validated.
public struct PatientDetails: Sendable, Equatable {
    public var givenName: String
    public var familyName: String
    public var dateOfBirth: DateOnly
    public var pronouns: String
    public var phone: String
    public var email: String
    public var address: String
    /// The language the patient prefers to be spoken and written to in, as they name it.
    public var preferredLanguage: String

    public init(
        givenName: String, familyName: String, dateOfBirth: DateOnly, pronouns: String = "", phone: String = "", email: String = "", address: String = "",
        preferredLanguage: String = ""
    ) {
        self.givenName = givenName
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
        self.pronouns = pronouns
        self.phone = phone
        self.email = email
        self.address = address
        self.preferredLanguage = preferredLanguage
    }

    /// One field a correction changed, with its value before and after.
    public struct Change: Sendable, Equatable {
        public let field: String
        public let label: String
        public let old: String
        public let new: String

        public init(field: String, label: String, old: String, new: String) {
            self.field = field
            self.label = label
            self.old = old
            self.new = new
        }
    }

    /// What differs from `earlier`, field by field, in the order a form shows them.
    public func changes(from earlier: PatientDetails) -> [Change] {
        let fields: [(String, String, String, String)] = [
            ("givenName", "Given name", earlier.givenName, givenName),
            ("familyName", "Family name", earlier.familyName, familyName),
            ("dateOfBirth", "Date of birth", earlier.dateOfBirth.description, dateOfBirth.description),
            ("pronouns", "Pronouns", earlier.pronouns, pronouns),
            ("phone", "Phone", earlier.phone, phone),
            ("email", "Email", earlier.email, email),
            ("address", "Address", earlier.address, address),
            ("preferredLanguage", "Preferred language", earlier.preferredLanguage, preferredLanguage),
        ]
        return fields.filter { $0.2 != $0.3 }.map { Change(field: $0.0, label: $0.1, old: $0.2, new: $0.3) }
    }

    public var displayName: String { "\(givenName) \(familyName)" }

    /// Lower-cased, accent- and space-insensitive name used to find possible duplicates.
    public var matchKey: String {
        Self.matchKey(givenName: givenName, familyName: familyName, dateOfBirth: dateOfBirth)
    }

    public static func matchKey(givenName: String, familyName: String, dateOfBirth: DateOnly) -> String {
        let fold = { (text: String) in
            text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).filter { $0.isLetter }
        }
        return "\(fold(givenName))|\(fold(familyName))|\(dateOfBirth)"
    }
}

/// A calendar date without a time or zone (dates of birth), written YYYY-MM-DD.
public struct DateOnly: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        guard (1...9999).contains(year), let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
              calendar.dateComponents([.year, .month, .day], from: date) == DateComponents(year: year, month: month, day: day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    public static func < (lhs: DateOnly, rhs: DateOnly) -> Bool { lhs.description < rhs.description }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = DateOnly(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected YYYY-MM-DD"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The instant this day begins in `zone`, plus `hours`.
    public func start(in zone: TimeZone, plusHours hours: Int = 0) -> Date {
        var components = DateComponents(year: year, month: month, day: day, hour: hours)
        components.timeZone = zone
        return Calendar(identifier: .gregorian).date(from: components)!
    }

    /// The date it is in `zone` at `moment`.
    public static func of(_ moment: Date, in zone: TimeZone) -> DateOnly {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day], from: moment)
        return DateOnly(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}

/// The registration form, raw.
public struct PatientDraft: Sendable, Codable, Equatable {
    public var givenName: String?
    public var familyName: String?
    public var dateOfBirth: String?
    public var pronouns: String?
    public var phone: String?
    public var email: String?
    public var address: String?
    public var preferredLanguage: String?

    public init(
        givenName: String? = nil, familyName: String? = nil, dateOfBirth: String? = nil, pronouns: String? = nil, phone: String? = nil, email: String? = nil,
        address: String? = nil, preferredLanguage: String? = nil
    ) {
        self.preferredLanguage = preferredLanguage
        self.givenName = givenName
        self.familyName = familyName
        self.dateOfBirth = dateOfBirth
        self.pronouns = pronouns
        self.phone = phone
        self.email = email
        self.address = address
    }

    /// Validates against `today` (no dates of birth in the future or more than 130 years ago).
    public func validated(today: DateOnly) throws(ValidationErrors) -> PatientDetails {
        var check = FieldChecker()
        let given = check.text(givenName, field: "givenName", label: "Given name", required: true, maxLength: 100)
        let family = check.text(familyName, field: "familyName", label: "Family name", required: true, maxLength: 100)
        let rawBirth = check.text(dateOfBirth, field: "dateOfBirth", label: "Date of birth", required: true, maxLength: 10)
        let birth = DateOnly(rawBirth)
        if !rawBirth.isEmpty {
            if let birth {
                if birth > today {
                    check.errors.add("dateOfBirth", "Date of birth cannot be in the future.")
                } else if birth.year < today.year - 130 {
                    check.errors.add("dateOfBirth", "Date of birth is more than 130 years ago; check the year.")
                }
            } else {
                check.errors.add("dateOfBirth", "Date of birth must be a real date written YYYY-MM-DD, e.g. 1984-03-27.")
            }
        }
        let pronouns = check.text(pronouns, field: "pronouns", label: "Pronouns", maxLength: 40)
        let phone = check.text(phone, field: "phone", label: "Phone", maxLength: 40)
        let email = check.text(email, field: "email", label: "Email", maxLength: 254)
        if !email.isEmpty, EmailAddress(email) == nil {
            check.errors.add("email", "Email does not look like an email address.")
        }
        let address = check.text(address, field: "address", label: "Address", maxLength: 300)
        let language = check.text(preferredLanguage, field: "preferredLanguage", label: "Preferred language", maxLength: 60)
        try check.errors.throwIfAny()
        return PatientDetails(
            givenName: given, familyName: family, dateOfBirth: birth!, pronouns: pronouns, phone: phone, email: email.lowercased(), address: address,
            preferredLanguage: language)
    }

    /// This draft with every field it leaves out (nil) taken from `current`: a correction through
    /// the API names only what it changes.
    public func filling(from current: PatientDetails) -> PatientDraft {
        PatientDraft(
            givenName: givenName ?? current.givenName, familyName: familyName ?? current.familyName,
            dateOfBirth: dateOfBirth ?? current.dateOfBirth.description, pronouns: pronouns ?? current.pronouns, phone: phone ?? current.phone,
            email: email ?? current.email, address: address ?? current.address, preferredLanguage: preferredLanguage ?? current.preferredLanguage)
    }
}
