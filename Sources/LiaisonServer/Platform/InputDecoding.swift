import Foundation
import Hummingbird

extension Request {
    /// Reads one `Decodable` input from a JSON body or a form, by Content-Type, so a page and the
    /// API hand their service the same value. In a form a checkbox is a `Bool` (present and not
    /// "off"), repeated keys are a `[String]`, `name.key` fields are a `[String: String]` under
    /// `name`, and an empty or malformed optional value (an unchosen `<select>`) is nil.
    mutating func input<Input: Decodable>(_ type: Input.Type, context: some RequestContext) async throws -> Input {
        let type = headers[.contentType]?.lowercased() ?? ""
        if type.hasPrefix("application/x-www-form-urlencoded") {
            return try await form(context: context).decode(Input.self)
        }
        // No Content-Type is read as JSON (as curl sends it); any other kind is refused.
        guard type.isEmpty || type.hasPrefix("application/json") || type.contains("+json") else {
            throw AppError.unsupportedMediaType(expected: "JSON (Content-Type: application/json) or a form (application/x-www-form-urlencoded)")
        }
        // Decoded here rather than by `Request.decode`, which turns a field of the wrong type into
        // a bare 400: the error middleware names the field (422).
        let body = try await collectBody(upTo: context.maxUploadSize)
        return try JSONDecoder().decode(Input.self, from: Data(body.readableBytesView))
    }
}

/// Decodes a `Decodable` from `FormData` (see `Request.input`).
struct FormDecoder: Decoder {
    let form: FormData
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Fields<Key>(form: form, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([String].self, .init(codingPath: codingPath, debugDescription: "A form is a set of named fields."))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(String.self, .init(codingPath: codingPath, debugDescription: "A form is a set of named fields."))
    }

    private struct Fields<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let form: FormData
        let codingPath: [any CodingKey]
        var allKeys: [Key] { form.pairs.compactMap { Key(stringValue: $0.0) } }

        func contains(_ key: Key) -> Bool {
            form[key.stringValue] != nil || !form.group(key.stringValue + ".").isEmpty
        }

        func decodeNil(forKey key: Key) throws -> Bool { !contains(key) }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { form.flag(key.stringValue) }

        func decode(_ type: String.Type, forKey key: Key) throws -> String {
            guard let value = form[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "The form has no \(key.stringValue) field."))
            }
            return value
        }

        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { form.flag(key.stringValue) }

        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { form[key.stringValue] }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            guard contains(key) else { return nil }
            if T.self == UUID.self { return form[key.stringValue].flatMap(UUID.init(uuidString:)) as? T }
            if T.self == Int.self { return form[key.stringValue].flatMap { Int($0) } as? T }
            return try decode(type, forKey: key)
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            let name = key.stringValue
            switch type {
            case is [String].Type: return form.all(name) as! T
            case is [String: String].Type: return form.group(name + ".") as! T
            case is UUID.Type, is Int.Type:
                guard let value = try decodeIfPresent(type, forKey: key) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: codingPath + [key], debugDescription: "\(name) is not valid."))
                }
                return value
            default:
                throw DecodingError.typeMismatch(type, .init(codingPath: codingPath + [key], debugDescription: "A form field holds text."))
            }
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw DecodingError.typeMismatch(type, .init(codingPath: codingPath + [key], debugDescription: "Forms are flat."))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch([String].self, .init(codingPath: codingPath + [key], debugDescription: "Forms are flat."))
        }

        func superDecoder() throws -> any Decoder { FormDecoder(form: form, codingPath: codingPath) }
        func superDecoder(forKey key: Key) throws -> any Decoder { FormDecoder(form: form, codingPath: codingPath + [key]) }
    }
}

extension FormData {
    /// The form as the same input type the API decodes from JSON.
    func decode<Input: Decodable>(_ type: Input.Type) throws -> Input {
        try Input(from: FormDecoder(form: self))
    }
}
