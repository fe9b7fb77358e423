import Foundation

/// The problems found in a person's input, each tied to the field it concerns.
///
/// Order is kept so a form lists problems in the order its fields appear.
public struct ValidationErrors: Error, Sendable, Equatable {
    public struct Problem: Sendable, Equatable, Codable {
        public let field: String
        public let message: String
    }

    public private(set) var problems: [Problem] = []

    public init() {}

    /// One problem with one field.
    public init(_ field: String, _ message: String) {
        add(field, message)
    }

    public var isEmpty: Bool { problems.isEmpty }

    public mutating func add(_ field: String, _ message: String) {
        problems.append(Problem(field: field, message: message))
    }

    /// The first message for `field`, if any.
    public func message(for field: String) -> String? {
        problems.first { $0.field == field }?.message
    }

    /// Throws `self` when any problem was recorded.
    public func throwIfAny() throws(ValidationErrors) {
        if !isEmpty { throw self }
    }
}

/// Small checks shared by every validator, so messages read the same everywhere.
public struct FieldChecker {
    public var errors = ValidationErrors()

    public init() {}

    /// Trims `value` and checks it is present (when `required`) and at most `maxLength` characters.
    @discardableResult
    public mutating func text(
        _ value: String?, field: String, label: String, required: Bool = false, maxLength: Int
    ) -> String {
        let trimmed = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            if required { errors.add(field, "\(label) is required.") }
        } else if Self.hasControlCharacters(trimmed) {
            errors.add(field, "\(label) contains control characters (such as NUL); only text, new lines and tabs can be stored.")
        } else if trimmed.count > maxLength {
            errors.add(field, "\(label) must be at most \(maxLength) characters (it has \(trimmed.count)).")
        }
        return trimmed
    }

    /// NUL and the other C0 control characters (and DEL), except tab, line feed and carriage return.
    public static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { ($0.value < 0x20 && ![0x09, 0x0A, 0x0D].contains($0.value)) || $0.value == 0x7F }
    }

    /// Decodes a raw value of an enumeration, with a message naming the allowed values.
    public mutating func choice<T: RawRepresentable & CaseIterable>(
        _ value: String?, field: String, label: String, as type: T.Type
    ) -> T? where T.RawValue == String {
        let trimmed = (value ?? "").trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty {
            errors.add(field, "\(label) is required.")
            return nil
        }
        guard let result = T(rawValue: trimmed) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            errors.add(field, "\(label) must be one of: \(allowed).")
            return nil
        }
        return result
    }

    /// Splits a comma- or newline-separated list, trimming items and dropping empty and repeated ones.
    public mutating func list(
        _ value: String?, field: String, label: String, maxItems: Int = 20, maxItemLength: Int = 80
    ) -> [String] {
        let separators = CharacterSet(charactersIn: ",\n;")
        var seen = Set<String>()
        var items: [String] = []
        for raw in (value ?? "").components(separatedBy: separators) {
            let item = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !item.isEmpty, seen.insert(item.lowercased()).inserted else { continue }
            items.append(item)
        }
        if items.count > maxItems {
            errors.add(field, "\(label): at most \(maxItems) entries, please.")
        } else if let long = items.first(where: { $0.count > maxItemLength }) {
            errors.add(field, "\(label): \"\(long.prefix(20))…\" is longer than \(maxItemLength) characters.")
        }
        return items
    }
}

