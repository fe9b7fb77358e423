import Foundation
import Hummingbird

/// A decoded `application/x-www-form-urlencoded` body or query string.
///
/// Keeps repeated keys (checkbox groups) and refuses bytes that are not UTF-8 rather than guessing.
struct FormData: Sendable {
    private(set) var pairs: [(String, String)] = []

    init(pairs: [(String, String)]) {
        self.pairs = pairs
    }

    init(encoded text: Substring) throws(AppError) {
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try Self.decode(pieces[0])
            let value = pieces.count > 1 ? try Self.decode(pieces[1]) : ""
            pairs.append((key, value))
        }
    }

    private static func decode(_ text: Substring) throws(AppError) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        guard let decoded = spaced.removingPercentEncoding else {
            throw .badRequest("The form could not be read: it contains text that is not valid UTF-8 or is badly encoded.")
        }
        return decoded
    }

    /// The last value given for `key`.
    subscript(_ key: String) -> String? {
        pairs.last { $0.0 == key }?.1
    }

    /// Every value given for `key`, in order.
    func all(_ key: String) -> [String] {
        pairs.filter { $0.0 == key }.map(\.1)
    }

    /// A checkbox: present and not "off"/"false".
    func flag(_ key: String) -> Bool {
        guard let value = self[key] else { return false }
        return !["", "0", "off", "false", "no"].contains(value.lowercased())
    }

    /// Values whose key starts with `prefix`, keyed by the rest (e.g. `openings.psychotherapy`).
    func group(_ prefix: String) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in pairs where key.hasPrefix(prefix) {
            result[String(key.dropFirst(prefix.count))] = value
        }
        return result
    }

    var dictionary: [String: String] {
        Dictionary(pairs, uniquingKeysWith: { _, last in last })
    }
}

extension Request {
    /// Reads the body as a form. Bodies that are not forms, too large or not UTF-8 get a clear 4xx.
    mutating func form(context: some RequestContext) async throws -> FormData {
        let type = headers[.contentType] ?? ""
        guard type.lowercased().hasPrefix("application/x-www-form-urlencoded") else {
            throw AppError.unsupportedMediaType(expected: "application/x-www-form-urlencoded")
        }
        let buffer = try await collectBody(upTo: context.maxUploadSize)
        guard let text = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes),
              text.utf8.elementsEqual(buffer.readableBytesView)
        else {
            throw AppError.badRequest("The form could not be read: it is not valid UTF-8.")
        }
        return try FormData(encoded: Substring(text))
    }

    /// The query string as form data.
    var queryForm: FormData {
        get throws(AppError) { try FormData(encoded: Substring(uri.query ?? "")) }
    }
}
