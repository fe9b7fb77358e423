import Foundation

/// The delimiters one HL7 v2 message declares in MSH-1 and MSH-2. Most senders use the standard
/// `|^~\&`, but any may choose others, and the reply has to use the same ones.
public struct HL7Encoding: Sendable, Equatable {
    public var field, component, repetition, escape, subcomponent: Character
    /// The truncation character (MSH-2's fifth character, version 2.7 and later), when declared.
    public var truncation: Character?

    public init(
        field: Character, component: Character, repetition: Character, escape: Character, subcomponent: Character,
        truncation: Character? = nil
    ) {
        self.field = field
        self.component = component
        self.repetition = repetition
        self.escape = escape
        self.subcomponent = subcomponent
        self.truncation = truncation
    }

    /// `|^~\&`
    public static let standard = HL7Encoding(field: "|", component: "^", repetition: "~", escape: "\\", subcomponent: "&")

    /// MSH-2 as it is written: component, repetition, escape and subcomponent characters, then
    /// the truncation character when there is one.
    public var encodingCharacters: String {
        String([component, repetition, escape, subcomponent] + (truncation.map { [$0] } ?? []))
    }

    /// Reads MSH-1 and MSH-2 from the start of a header segment ("MSH|^~\&|…"). MSH-2 holds four
    /// characters, or five from version 2.7. Each delimiter must be a distinct printable ASCII
    /// character other than a letter, digit or space, or fields could not be told apart.
    init?(header: ArraySlice<UInt8>) {
        let afterID = header.dropFirst(3)
        guard let separator = afterID.first else { return nil }
        let characters = afterID.dropFirst().prefix { $0 != separator }
        let all = [separator] + characters
        guard characters.count == 4 || characters.count == 5, Set(all).count == all.count, all.allSatisfy(Self.canDelimit) else {
            return nil
        }
        let delimiter = all.map { Character(Unicode.Scalar($0)) }
        self.init(
            field: delimiter[0], component: delimiter[1], repetition: delimiter[2], escape: delimiter[3], subcomponent: delimiter[4],
            truncation: delimiter.count == 6 ? delimiter[5] : nil
        )
    }

    /// Printable ASCII punctuation: not a letter, digit, space or control character.
    private static func canDelimit(_ byte: UInt8) -> Bool {
        (0x21...0x7E).contains(byte) && !(0x30...0x39).contains(byte) && !(0x41...0x5A).contains(byte) && !(0x61...0x7A).contains(byte)
    }
}

/// HL7 escape sequences, which let text carry the message's own delimiters (`\F\` for the field
/// separator, `\S\` component, `\T\` subcomponent, `\R\` repetition, `\E\` escape, `\P\`
/// truncation), raw bytes (`\X…\`) and line breaks (`\.br\`).
public enum HL7Escape {
    /// `text` with its escape sequences replaced by what they stand for. Hexadecimal data is read
    /// as UTF-8 when it is valid UTF-8 and as Latin-1 otherwise. Highlighting (`\H\`, `\N\`) is
    /// dropped. Anything else — an unknown or unterminated sequence — is kept as it was written,
    /// since dropping text a clinician may need is worse than showing a stray backslash.
    public static func decode(_ text: some StringProtocol, _ encoding: HL7Encoding) -> String {
        let scalars = Array(text.unicodeScalars)
        let escape = encoding.escape.unicodeScalars.first
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(scalars.count)
        var index = 0
        while index < scalars.count {
            if scalars[index] == escape, let close = scalars[(index + 1)...].firstIndex(of: scalars[index]),
               let meaning = meaning(of: scalars[(index + 1)..<close], encoding) {
                result.append(contentsOf: meaning.unicodeScalars)
                index = close + 1
            } else {
                result.append(scalars[index])
                index += 1
            }
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: result)
        return text
    }

    /// `text` made safe to place in a field: every delimiter escaped, and line breaks (CR, LF or
    /// CR LF, which would otherwise end the segment) written as `\.br\`.
    public static func encode(_ text: String, _ encoding: HL7Encoding) -> String {
        let e = String(encoding.escape)
        let pairs: [(Character, String)] = [
            (encoding.escape, "E"), (encoding.field, "F"), (encoding.component, "S"),
            (encoding.subcomponent, "T"), (encoding.repetition, "R"),
        ] + (encoding.truncation.map { [($0, "P")] } ?? [])
        let replacements = Dictionary(pairs.map { ($0, e + $1 + e) }) { first, _ in first }
        var result = ""
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            defer { previousWasCR = scalar == "\r" }
            if scalar == "\n" && previousWasCR { continue }
            if scalar == "\r" || scalar == "\n" {
                result += "\(e).br\(e)"
            } else if let replacement = replacements[Character(scalar)] {
                result += replacement
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func meaning(of sequence: ArraySlice<Unicode.Scalar>, _ encoding: HL7Encoding) -> String? {
        if sequence.count == 1 {
            switch sequence[sequence.startIndex] {
            case "F": return String(encoding.field)
            case "S": return String(encoding.component)
            case "T": return String(encoding.subcomponent)
            case "R": return String(encoding.repetition)
            case "E": return String(encoding.escape)
            case "P": return encoding.truncation.map { String($0) }
            case "H", "N": return ""
            default: return nil
            }
        }
        if sequence.first == "X" { return hexadecimal(sequence.dropFirst()) }
        if sequence.elementsEqual(".br".unicodeScalars) || sequence.elementsEqual(".sp".unicodeScalars) { return "\n" }
        return nil
    }

    private static func hexadecimal(_ digits: ArraySlice<Unicode.Scalar>) -> String? {
        guard !digits.isEmpty, digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        for pair in stride(from: digits.startIndex, to: digits.endIndex, by: 2) {
            guard let high = hexValue(digits[pair].value), let low = hexValue(digits[pair + 1].value) else { return nil }
            bytes.append(high << 4 | low)
        }
        // Decoding replaces invalid UTF-8, so a lossless round trip means the bytes were UTF-8.
        let text = String(decoding: bytes, as: UTF8.self)
        if text.utf8.elementsEqual(bytes) { return text }
        return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    private static func hexValue(_ digit: UInt32) -> UInt8? {
        switch digit {
        case 0x30...0x39: UInt8(digit - 0x30)
        case 0x41...0x46: UInt8(digit - 0x41 + 10)
        case 0x61...0x66: UInt8(digit - 0x61 + 10)
        default: nil
        }
    }
}
