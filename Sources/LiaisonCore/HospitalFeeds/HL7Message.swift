import Foundation

/// Why an HL7 v2 message could not be read at all. Each case's `reason` is one plain sentence
/// that can go back to the sender in an ACK (it never echoes the sender's bytes).
public enum HL7ParseError: Error, Sendable, Equatable {
    case empty
    case missingHeader
    case badEncodingCharacters
    /// The 1-based position of the segment whose id is not three upper-case letters or digits.
    case badSegmentID(segment: Int)
    case tooManySegments(limit: Int)
    case tooManyFields(segment: String)
    case fieldTooComplex(segment: String, field: Int)
    case tooManyValues(limit: Int)

    public var reason: String {
        switch self {
        case .empty: "The message is empty."
        case .missingHeader: "The message does not start with an MSH segment."
        case .badEncodingCharacters: "MSH-1 and MSH-2 do not hold valid, distinct encoding characters."
        case .badSegmentID(let number): "Segment \(number) does not start with a three-character upper-case segment ID."
        case .tooManySegments(let limit): "The message has more than \(limit) segments."
        case .tooManyFields(let id): "A \(id) segment has too many fields."
        case .fieldTooComplex(let id, let field): "\(id)-\(field) has too many repetitions, components or subcomponents."
        case .tooManyValues(let limit): "The message holds more than \(limit) values."
        }
    }
}

/// One HL7 version 2 message, split into segments, fields, repetitions, components and
/// subcomponents, with escape sequences already decoded. Parsing knows nothing about message
/// types, so a feed listener can acknowledge anything it can parse and reject the rest.
public struct HL7Message: Sendable {
    public let encoding: HL7Encoding
    public let segments: [HL7Segment]

    /// Ceilings that keep a hostile or corrupt message from costing unbounded memory or time;
    /// real ADT messages sit far below every one of them.
    public static let maxSegments = 10_000
    public static let maxFieldsPerSegment = 500
    public static let maxRepetitions = 1_000
    public static let maxComponents = 100
    public static let maxValues = 250_000

    public init(encoding: HL7Encoding, segments: [HL7Segment]) {
        self.encoding = encoding
        self.segments = segments
    }

    /// The first segment with `id`, if any.
    public func segment(_ id: String) -> HL7Segment? { segments.first { $0.id == id } }

    /// Every segment with `id`, in message order.
    public func segments(_ id: String) -> [HL7Segment] { segments.filter { $0.id == id } }

    /// Reads `text`: segments end in CR (LF and CR LF are accepted too, blank lines ignored); the
    /// first must be MSH, whose MSH-1 and MSH-2 give the encoding characters for the rest.
    public static func parse(_ text: String) throws(HL7ParseError) -> HL7Message {
        var bytes = ArraySlice(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let lines = try segmentLines(bytes)
        guard let header = lines.first else { throw .empty }
        guard header.starts(with: Array("MSH".utf8)) else { throw .missingHeader }
        guard let encoding = HL7Encoding(header: header) else { throw .badEncodingCharacters }
        var splitter = HL7Splitter(encoding: encoding)
        var segments: [HL7Segment] = []
        segments.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated() {
            segments.append(try splitter.segment(line, number: index + 1))
        }
        return HL7Message(encoding: encoding, segments: segments)
    }

    private static func segmentLines(_ bytes: ArraySlice<UInt8>) throws(HL7ParseError) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        for line in bytes.split(whereSeparator: { $0 == 0x0D || $0 == 0x0A }) {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            guard lines.count < maxSegments else { throw .tooManySegments(limit: maxSegments) }
            lines.append(line)
        }
        return lines
    }
}

/// Splits segment lines with one message's encoding characters, counting values as it goes.
private struct HL7Splitter {
    let encoding: HL7Encoding
    let field, repetition, component, subcomponent, escape: UInt8
    var values = 0

    init(encoding: HL7Encoding) {
        self.encoding = encoding
        field = encoding.field.asciiValue ?? 0
        repetition = encoding.repetition.asciiValue ?? 0
        component = encoding.component.asciiValue ?? 0
        subcomponent = encoding.subcomponent.asciiValue ?? 0
        escape = encoding.escape.asciiValue ?? 0
    }

    mutating func segment(_ line: ArraySlice<UInt8>, number: Int) throws(HL7ParseError) -> HL7Segment {
        let idBytes = line.prefix { $0 != field }
        guard idBytes.count == 3, idBytes.allSatisfy({ (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) }) else {
            throw .badSegmentID(segment: number)
        }
        let id = String(decoding: idBytes, as: UTF8.self)
        var rest = line.dropFirst(3)
        var fields: [HL7Field] = []
        if id == "MSH" {
            // MSH-1 is the field separator itself and MSH-2 the encoding characters, taken as they stand.
            rest = rest.dropFirst()
            let characters = rest.prefix { $0 != field }
            fields = [HL7Field(String(decoding: [field], as: UTF8.self)), HL7Field(String(decoding: characters, as: UTF8.self))]
            rest = rest.dropFirst(characters.count)
        }
        guard !rest.isEmpty else { return HL7Segment(id: id, fields: fields) }
        guard let pieces = split(rest.dropFirst(), by: field, limit: HL7Message.maxFieldsPerSegment) else {
            throw .tooManyFields(segment: id)
        }
        for piece in pieces {
            fields.append(try self.field(piece, segment: id, number: fields.count + 1))
        }
        return HL7Segment(id: id, fields: fields)
    }

    private mutating func field(_ text: ArraySlice<UInt8>, segment: String, number: Int) throws(HL7ParseError) -> HL7Field {
        let tooComplex = HL7ParseError.fieldTooComplex(segment: segment, field: number)
        guard let repetitions = split(text, by: repetition, limit: HL7Message.maxRepetitions) else { throw tooComplex }
        var result: [[[String]]] = []
        result.reserveCapacity(repetitions.count)
        for repetitionText in repetitions {
            guard let components = split(repetitionText, by: component, limit: HL7Message.maxComponents) else { throw tooComplex }
            var parsed: [[String]] = []
            parsed.reserveCapacity(components.count)
            for componentText in components {
                guard let subcomponents = split(componentText, by: subcomponent, limit: HL7Message.maxComponents) else { throw tooComplex }
                values += subcomponents.count
                guard values <= HL7Message.maxValues else { throw .tooManyValues(limit: HL7Message.maxValues) }
                parsed.append(subcomponents.map(decoded))
            }
            result.append(parsed)
        }
        return HL7Field(repetitions: result)
    }

    private func decoded(_ bytes: ArraySlice<UInt8>) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        return bytes.contains(escape) ? HL7Escape.decode(text, encoding) : text
    }

    /// The pieces of `bytes` between `separator`s, empty ones kept; nil when there are more than `limit`.
    private func split(_ bytes: ArraySlice<UInt8>, by separator: UInt8, limit: Int) -> [ArraySlice<UInt8>]? {
        var pieces: [ArraySlice<UInt8>] = []
        var start = bytes.startIndex
        for index in bytes.indices where bytes[index] == separator {
            guard pieces.count < limit - 1 else { return nil }
            pieces.append(bytes[start..<index])
            start = index + 1
        }
        pieces.append(bytes[start...])
        return pieces
    }
}

/// One segment: its id and its fields in HL7 numbering.
public struct HL7Segment: Sendable {
    public let id: String
    /// The fields, `fields[0]` being field 1 (for MSH, MSH-1: the field separator).
    public let fields: [HL7Field]

    public init(id: String, fields: [HL7Field]) {
        self.id = id
        self.fields = fields
    }

    /// HL7 numbering: for MSH, field(1) is the field separator itself and field(2) the encoding
    /// characters, field(3) is MSH-3 etc. For other segments field(1) is the first field after
    /// the id. An absent field reads as empty, as HL7 treats it.
    public func field(_ number: Int) -> HL7Field {
        fields.indices.contains(number - 1) ? fields[number - 1] : HL7Field()
    }
}

/// One field: its repetitions, each split into components and subcomponents, all unescaped.
public struct HL7Field: Sendable, Equatable {
    /// Repetition → component → subcomponent, all unescaped text.
    public var repetitions: [[[String]]]

    public init(repetitions: [[[String]]] = []) { self.repetitions = repetitions }

    /// A field holding one plain value.
    public init(_ value: String) { self.repetitions = [[[value]]] }

    /// The 1-based component's first subcomponent in the given (0-based) repetition; "" when absent.
    public func component(_ number: Int, repetition: Int = 0) -> String {
        subcomponent(1, of: number, repetition: repetition)
    }

    /// The 1-based subcomponent of the 1-based component; "" when absent.
    public func subcomponent(_ number: Int, of component: Int, repetition: Int = 0) -> String {
        guard repetitions.indices.contains(repetition) else { return "" }
        let components = repetitions[repetition]
        guard components.indices.contains(component - 1) else { return "" }
        let subcomponents = components[component - 1]
        return subcomponents.indices.contains(number - 1) ? subcomponents[number - 1] : ""
    }

    /// The first component of the first repetition: the whole value of a simple field.
    public var value: String { component(1) }

    /// True when the field carries no text at all (absent, or only delimiters).
    public var isEmpty: Bool { repetitions.allSatisfy { $0.allSatisfy { $0.allSatisfy(\.isEmpty) } } }

    /// The field written back out with `encoding`, every value escaped.
    public func encoded(_ encoding: HL7Encoding) -> String {
        repetitions.map { components in
            components.map { subcomponents in
                subcomponents.map { HL7Escape.encode($0, encoding) }.joined(separator: String(encoding.subcomponent))
            }.joined(separator: String(encoding.component))
        }.joined(separator: String(encoding.repetition))
    }
}
