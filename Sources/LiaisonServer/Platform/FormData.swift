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

    /// A `multipart/form-data` body (a form with a file): each part is a field, a file's content
    /// its value as text. Only text files are taken: a body that is not UTF-8 is refused before.
    init(multipart text: String, boundary: String) throws(AppError) {
        let delimiter = "--" + boundary
        let sections = text.components(separatedBy: delimiter)
        guard sections.count >= 3, sections.last?.hasPrefix("--") == true else {
            throw .badRequest("The form could not be read: its parts are not separated as its Content-Type says.")
        }
        for section in sections.dropFirst().dropLast() {
            guard let split = section.range(of: "\r\n\r\n") else { throw .badRequest("The form could not be read: a part has no headers.") }
            let headers = section[..<split.lowerBound]
            var value = String(section[split.upperBound...])
            // The line break before the next delimiter belongs to the delimiter ("\r\n" is one Character).
            if value.hasSuffix("\r\n") { value.removeLast() }
            guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }),
                  let name = Self.parameter("name", in: disposition)
            else { throw .badRequest("The form could not be read: a part has no name.") }
            pairs.append((name, value))
        }
    }

    /// `name="value"` in a header's parameters.
    private static func parameter(_ key: String, in header: Substring) -> String? {
        for part in header.split(separator: ";").dropFirst() {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pieces.count == 2, pieces[0].lowercased() == key { return pieces[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
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
    /// Reads the body as a form (`multipart/form-data` too, for a form with a file). Bodies that
    /// are not forms, too large or not UTF-8 get a clear 4xx.
    mutating func form(context: some RequestContext) async throws -> FormData {
        let type = headers[.contentType] ?? ""
        if let boundary = Self.multipartBoundary(type) {
            let buffer = try await collectBody(upTo: context.maxUploadSize)
            guard let text = buffer.getString(at: buffer.readerIndex, length: buffer.readableBytes), text.utf8.elementsEqual(buffer.readableBytesView) else {
                throw AppError.badRequest("The form could not be read: the file is not text (UTF-8).")
            }
            return try FormData(multipart: text, boundary: boundary)
        }
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

    /// The boundary of a `multipart/form-data` Content-Type, or nil for any other.
    static func multipartBoundary(_ contentType: String) -> String? {
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for part in contentType.split(separator: ";").dropFirst() {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pieces.count == 2, pieces[0].lowercased() == "boundary", !pieces[1].isEmpty, pieces[1].count <= 70 {
                return pieces[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    /// The query string as form data.
    var queryForm: FormData {
        get throws(AppError) { try FormData(encoded: Substring(uri.query ?? "")) }
    }
}
