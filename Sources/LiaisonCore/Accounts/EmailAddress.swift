import Foundation

/// A normalised email address: trimmed, lower-cased, with one `@` and a dotted domain.
public struct EmailAddress: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public init?(_ raw: String) {
        let candidate = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = candidate.split(separator: "@", omittingEmptySubsequences: false)
        guard candidate.count <= 254, parts.count == 2,
              !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !candidate.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" })
        else { return nil }
        value = candidate
    }

    public var description: String { value }
}

