import Foundation

/// MSA-1: what the receiver did with a message (original acknowledgement mode).
public enum HL7AckCode: String, Sendable {
    /// Accepted and processed.
    case accepted = "AA"
    /// Accepted but could not be processed: the content was wrong or something failed here.
    case error = "AE"
    /// Refused as a whole: the wrong type, event, version or processing mode for this interface.
    case rejected = "AR"
}

/// HL7 table 0357 (message error condition codes), for ERR-3 of a negative acknowledgement, so
/// the hospital's interface engine can route the failure without reading our prose.
public enum HL7ErrorCode: String, Sendable, CaseIterable {
    case segmentSequenceError = "100"
    case requiredFieldMissing = "101"
    case dataTypeError = "102"
    case tableValueNotFound = "103"
    case unsupportedMessageType = "200"
    case unsupportedEventCode = "201"
    case unsupportedProcessingID = "202"
    case unsupportedVersionID = "203"
    case unknownKeyIdentifier = "204"
    case duplicateKeyIdentifier = "205"
    case applicationRecordLocked = "206"
    case applicationInternalError = "207"

    /// The table's own wording for the code.
    public var text: String {
        switch self {
        case .segmentSequenceError: "Segment sequence error"
        case .requiredFieldMissing: "Required field missing"
        case .dataTypeError: "Data type error"
        case .tableValueNotFound: "Table value not found"
        case .unsupportedMessageType: "Unsupported message type"
        case .unsupportedEventCode: "Unsupported event code"
        case .unsupportedProcessingID: "Unsupported processing id"
        case .unsupportedVersionID: "Unsupported version id"
        case .unknownKeyIdentifier: "Unknown key identifier"
        case .duplicateKeyIdentifier: "Duplicate key identifier"
        case .applicationRecordLocked: "Application record locked"
        case .applicationInternalError: "Application internal error"
        }
    }
}

extension HL7ParseError {
    /// The table 0357 code for the ERR segment of the reply.
    public var errorCode: HL7ErrorCode {
        switch self {
        case .empty, .missingHeader, .badSegmentID: .segmentSequenceError
        case .badEncodingCharacters: .dataTypeError
        case .tooManySegments, .tooManyFields, .fieldTooComplex, .tooManyValues: .applicationInternalError
        }
    }
}

/// Builds the ACK Liaison sends back for every message a hospital feed delivers, so the sender
/// knows whether to move on, fix the message, or retry.
public enum HL7Acknowledgement {
    /// MSH-3 of every reply: the application that received the message.
    public static let receivingApplication = "LIAISON"
    /// The version a reply claims when the message it answers could not be read.
    public static let fallbackVersion = "2.5.1"

    /// The reply to `message` (or, when it could not be parsed, `nil` — then the standard encoding,
    /// version 2.5.1, and the control id found by a lenient scan of the raw text's MSH-10, else
    /// empty).
    ///
    /// It uses the message's encoding characters; MSH-3/4 are the receiver (`LIAISON` /
    /// `receivingFacility`) and MSH-5/6 the original sender (MSH-3/4 of the message); MSH-7 `at`;
    /// MSH-9 `ACK^<trigger>^ACK`; MSH-10 `controlID`; MSH-11 the message's processing ID when it is
    /// P, T or D, else P; MSH-12 the message's version. Then `MSA|code|original MSH-10|text`, and
    /// for AE and AR an ERR segment (version 2.5 style) with `errorCode` in ERR-3, severity E in
    /// ERR-4 and `text` in ERR-8. Every segment ends in a carriage return. `text` is cut to the
    /// lengths the standard allows (80 characters in MSA-3, 250 in ERR-8).
    public static func reply(
        to message: HL7Message?, raw: String, code: HL7AckCode, text: String, controlID: String, receivingFacility: String,
        at: Date, errorCode: HL7ErrorCode = .applicationInternalError
    ) -> String {
        let encoding = message?.encoding ?? .standard
        let header = message?.segment("MSH")
        func escaped(_ value: some StringProtocol) -> String { HL7Escape.encode(String(value), encoding) }

        let version = header.map { $0.field(12).value }.flatMap { $0.isEmpty ? nil : $0 } ?? fallbackVersion
        let originalID = header.map { $0.field(10).value } ?? self.controlID(scanning: raw)
        let trigger = header.map { $0.field(9).component(2) }.flatMap { $0.isEmpty ? nil : $0 }
            ?? message?.segment("EVN")?.field(1).value ?? ""
        let processing = header.map { $0.field(11).value }.flatMap { ["P", "T", "D"].contains($0) ? $0 : nil } ?? "P"
        let component = String(encoding.component)

        var segments = [[
            "MSH", encoding.encodingCharacters, receivingApplication, escaped(receivingFacility),
            header?.field(3).encoded(encoding) ?? "", header?.field(4).encoded(encoding) ?? "",
            HL7Time.format(at), "", ["ACK", escaped(trigger), "ACK"].joined(separator: component),
            escaped(controlID), processing, escaped(version),
        ]]
        segments.append(["MSA", code.rawValue, escaped(originalID), escaped(text.prefix(80))])
        if code != .accepted {
            let condition = [errorCode.rawValue, escaped(errorCode.text), "HL70357"].joined(separator: component)
            segments.append(["ERR", "", "", condition, "E", "", "", "", escaped(text.prefix(250))])
        }
        return segments.map { $0.joined(separator: String(encoding.field)) + "\r" }.joined()
    }

    /// MSH-10 read leniently from text that did not parse: the first MSH's tenth field, cut at the
    /// component separator MSH-2 declares, kept to printable ASCII and 199 characters; "" when
    /// there is no such field.
    public static func controlID(scanning raw: String) -> String {
        guard let start = raw.range(of: "MSH") else { return "" }
        let line = raw[start.upperBound...].prefix { !$0.isNewline }
        guard let separator = line.first else { return "" }
        let fields = line.dropFirst().split(separator: separator, omittingEmptySubsequences: false)
        guard fields.count > 8 else { return "" }
        var id = fields[8]
        if let component = fields[0].first { id = id.prefix { $0 != component } }
        let printable = id.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }
        return String(String.UnicodeScalarView(printable.prefix(199)))
    }
}
