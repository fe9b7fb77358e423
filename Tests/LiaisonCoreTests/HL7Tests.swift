import Foundation
import Testing
@testable import LiaisonCore

@Suite struct HL7ParsingTests {
    @Test func theClassicAdmitSplitsIntoSegmentsFieldsRepetitionsAndComponents() throws {
        let message = try HL7Message.parse(HL7Samples.admit)
        #expect(message.encoding == .standard)
        #expect(message.segments.map(\.id) == ["MSH", "EVN", "PID", "NK1", "PV1"])
        let header = try #require(message.segment("MSH"))
        #expect(header.field(1).value == "|")
        #expect(header.field(2).value == #"^~\&"#)
        #expect(header.field(3).value == "ADT1")
        #expect(header.field(5).value == "GHH LAB, INC.")
        #expect(header.field(9).component(1) == "ADT")
        #expect(header.field(9).component(2) == "A01")
        #expect(header.field(9).component(3) == "ADT_A01")
        #expect(header.field(10).value == "MSG00001")
        #expect(header.field(12).value == "2.5.1")

        let patient = try #require(message.segment("PID"))
        let identifiers = patient.field(3)
        #expect(identifiers.repetitions.count == 2)
        #expect(identifiers.component(1, repetition: 1) == "123456789")
        #expect(identifiers.component(5, repetition: 1) == "SS")
        #expect(patient.field(5).component(2) == "ALEX")
        #expect(message.segment("NK1")?.field(3).component(2) == "SPOUSE")
    }

    @Test func absentFieldsComponentsAndRepetitionsReadAsEmpty() throws {
        let patient = try #require(try HL7Message.parse(HL7Samples.admit).segment("PID"))
        #expect(patient.field(2).isEmpty)
        #expect(patient.field(0).isEmpty)
        #expect(patient.field(99).isEmpty)
        #expect(patient.field(99).value == "")
        #expect(patient.field(3).component(9) == "")
        #expect(patient.field(3).component(1, repetition: 5) == "")
        #expect(!patient.field(3).isEmpty)
        #expect(HL7Field(repetitions: [[[""], ["", ""]], [[""]]]).isEmpty)
    }

    @Test func segmentsMayEndInCarriageReturnsLineFeedsOrBothWithBlankLinesIgnored() throws {
        let lines = [HL7Samples.header(), "EVN|A01", "PID|1||42^^^GHH^MR"]
        for text in [lines.joined(separator: "\r"), lines.joined(separator: "\n"), lines.joined(separator: "\r\n") + "\r\n",
                     "\n\r\n" + lines.joined(separator: "\r\r\n  \n") + "\r\r"] {
            let message = try HL7Message.parse(text)
            #expect(message.segments.map(\.id) == ["MSH", "EVN", "PID"])
            #expect(message.segment("PID")?.field(3).value == "42")
        }
    }

    @Test func subcomponentsAndRepeatedSegmentsAreReachable() throws {
        let message = try HL7Message.parse(HL7Samples.message(
            HL7Samples.header(), "PID|1||77^^^GHH&1.2.3&ISO^MR", "NK1|1|ONE", "NK1|2|TWO"))
        let identifier = try #require(message.segment("PID")).field(3)
        #expect(identifier.component(4) == "GHH")
        #expect(identifier.subcomponent(2, of: 4) == "1.2.3")
        #expect(identifier.subcomponent(3, of: 4) == "ISO")
        #expect(identifier.subcomponent(4, of: 4) == "")
        #expect(message.segments("NK1").map { $0.field(2).value } == ["ONE", "TWO"])
        #expect(message.segment("NK1")?.field(2).value == "ONE")
        #expect(message.segment("ZZZ") == nil)
        #expect(message.segments("OBX").isEmpty)
    }

    @Test func escapedDelimitersStayInsideTheirValue() throws {
        let message = try HL7Message.parse(HL7Samples.message(
            HL7Samples.header(), #"NTE|1||Line one\.br\Tom \T\ Jerry \S\ co \F\ 5 \R\ 6 \E\ done"#, #"PID|1||9^^^A\S\B^MR"#))
        #expect(message.segment("NTE")?.field(3).value == "Line one\nTom & Jerry ^ co | 5 ~ 6 \\ done")
        #expect(message.segment("NTE")?.field(3).repetitions.count == 1)
        #expect(message.segment("PID")?.field(3).component(4) == "A^B")
        #expect(message.segment("PID")?.field(3).component(5) == "MR")
    }

    @Test func aMessageMayChooseItsOwnDelimiters() throws {
        let message = try HL7Message.parse("MSH!*@/%!ADT1!GHH!!!20240101!!ADT*A01!C1!P!2.5\rPID!1!!A1*x*y*GHH%1.2*MR@B2****SS")
        #expect(message.encoding == HL7Encoding(field: "!", component: "*", repetition: "@", escape: "/", subcomponent: "%"))
        #expect(message.encoding.encodingCharacters == "*@/%")
        let header = try #require(message.segment("MSH"))
        #expect(header.field(1).value == "!")
        #expect(header.field(9).component(2) == "A01")
        let identifiers = try #require(message.segment("PID")).field(3)
        #expect(identifiers.subcomponent(2, of: 4) == "1.2")
        #expect(identifiers.component(1, repetition: 1) == "B2")
        #expect(identifiers.component(5, repetition: 1) == "SS")
    }

    @Test func version27TruncationCharacterIsAcceptedAndKept() throws {
        let message = try HL7Message.parse(#"MSH|^~\&#|ADT1|GHH|||20240101||ADT^A01|C1|P|2.7"# + "\r" + #"NTE|1||a\P\b"#)
        #expect(message.encoding.truncation == "#")
        #expect(message.encoding.encodingCharacters == #"^~\&#"#)
        #expect(message.segment("MSH")?.field(2).value == #"^~\&#"#)
        #expect(message.segment("NTE")?.field(3).value == "a#b")
    }

    @Test func aLeadingByteOrderMarkIsIgnored() throws {
        #expect(try HL7Message.parse("\u{FEFF}" + HL7Samples.admit).segments.count == 5)
    }

    @Test func anEncodedFieldParsesBackToTheSameField() throws {
        let field = HL7Field(repetitions: [[["a|b", "c&d"], ["e^f\\g"]], [["h~i\nj"]]])
        let message = try HL7Message.parse(HL7Samples.header() + "\rZZ1|" + field.encoded(.standard))
        #expect(message.segment("ZZ1")?.field(1) == field)
    }
}

@Suite struct HL7MalformedInputTests {
    static let header = HL7Samples.header()

    @Test(arguments: [
        ("", HL7ParseError.empty),
        ("\r\n \r\n\t", .empty),
        ("PID|1||42", .missingHeader),
        ("  MSH|^~\\&|A", .missingHeader),
        ("msh|^~\\&|A", .missingHeader),
        ("MSH", .badEncodingCharacters),
        ("MSH|", .badEncodingCharacters),
        ("MSH|^~\\|A", .badEncodingCharacters),
        ("MSH|^~\\&xy|A", .badEncodingCharacters),
        ("MSH|^~\\&#$|A", .badEncodingCharacters),
        ("MSH|^^\\&|A", .badEncodingCharacters),
        ("MSH|^~|&|A", .badEncodingCharacters),
        ("MSHA^~\\&A", .badEncodingCharacters),
        ("MSH|^~1&|A", .badEncodingCharacters),
        ("MSH| ~\\&|A", .badEncodingCharacters),
        ("MSH\u{0}^~\\&\u{0}A", .badEncodingCharacters),
        ("MSH|^~\\é|A", .badEncodingCharacters),
        (header + "\rpid|1", .badSegmentID(segment: 2)),
        (header + "\rEVN|A01\rPI|1", .badSegmentID(segment: 3)),
        (header + "\rPIDX|1", .badSegmentID(segment: 2)),
        (header + "\rP-D|1", .badSegmentID(segment: 2)),
        (header + "\r|1", .badSegmentID(segment: 2)),
    ])
    func isRefusedWithAReason(text: String, error: HL7ParseError) {
        #expect(throws: error) { try HL7Message.parse(text) }
        #expect(error.reason.hasSuffix("."))
    }

    @Test func binaryGarbageIsRefusedNotCrashedOn() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0...300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(throws: HL7ParseError.self) { try HL7Message.parse(String(decoding: bytes, as: UTF8.self)) }
        }
        let noise = Array("MSH|^~\\&|".utf8) + (0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
        _ = try? HL7Message.parse(String(decoding: noise, as: UTF8.self))
    }

    @Test func tooManySegmentsIsRefused() throws {
        let lines = [Self.header] + Array(repeating: "ZZZ|1", count: HL7Message.maxSegments)
        #expect(throws: HL7ParseError.tooManySegments(limit: HL7Message.maxSegments)) {
            try HL7Message.parse(lines.joined(separator: "\r"))
        }
        #expect(try HL7Message.parse(lines.dropLast().joined(separator: "\r")).segments.count == HL7Message.maxSegments)
    }

    @Test func absurdFieldsAreRefused() throws {
        let repetitions = String(repeating: "~", count: HL7Message.maxRepetitions)
        #expect(throws: HL7ParseError.fieldTooComplex(segment: "PID", field: 3)) {
            try HL7Message.parse(Self.header + "\rPID|1||" + repetitions)
        }
        let allowed = try HL7Message.parse(Self.header + "\rPID|1||" + repetitions.dropLast())
        #expect(allowed.segment("PID")?.field(3).repetitions.count == HL7Message.maxRepetitions)
        #expect(throws: HL7ParseError.fieldTooComplex(segment: "PID", field: 5)) {
            try HL7Message.parse(Self.header + "\rPID|1||||" + String(repeating: "^", count: 100_000))
        }
        #expect(throws: HL7ParseError.tooManyFields(segment: "ZZZ")) {
            try HL7Message.parse(Self.header + "\rZZZ" + String(repeating: "|", count: HL7Message.maxFieldsPerSegment + 1))
        }
        let segment = "ZZZ|" + repetitions.dropLast()
        #expect(throws: HL7ParseError.tooManyValues(limit: HL7Message.maxValues)) {
            try HL7Message.parse(([Self.header] + Array(repeating: segment, count: 300)).joined(separator: "\r"))
        }
    }
}

@Suite struct HL7EscapeTests {
    @Test func delimiterEscapesDecodeToTheDelimiters() {
        #expect(HL7Escape.decode(#"\F\\S\\T\\R\\E\"#, .standard) == #"|^&~\"#)
        #expect(HL7Escape.decode(#"one\.br\two\.sp\three"#, .standard) == "one\ntwo\nthree")
        #expect(HL7Escape.decode(#"\H\bold\N\ plain"#, .standard) == "bold plain")
    }

    @Test func hexadecimalDataIsReadAsUTF8ElseLatin1() {
        #expect(HL7Escape.decode(#"\X41\"#, .standard) == "A")
        #expect(HL7Escape.decode(#"Ren\XC3A9\"#, .standard) == "René")
        #expect(HL7Escape.decode(#"Ren\XE9\"#, .standard) == "René")
        #expect(HL7Escape.decode(#"\x41\"#, .standard) == #"\x41\"#)
    }

    @Test(arguments: [#"\Q\"#, #"C:\path\to"#, #"a\F"#, #"trailing\"#, #"\X4\"#, #"\XZZ\"#, #"\\"#, #"\P\"#])
    func unknownOrUnterminatedEscapesAreKeptAsText(text: String) {
        #expect(HL7Escape.decode(text, .standard) == text)
    }

    @Test func aStrayEscapeDoesNotSwallowTheNextSequence() {
        #expect(HL7Escape.decode(#"a \ b \T\ c"#, .standard) == #"a \ b & c"#)
    }

    @Test func encodingEscapesEveryDelimiterAndLineBreak() {
        #expect(HL7Escape.encode(#"A|B^C&D~E\F"#, .standard) == #"A\F\B\S\C\T\D\R\E\E\F"#)
        #expect(HL7Escape.encode("one\r\ntwo\nthree\rfour", .standard) == #"one\.br\two\.br\three\.br\four"#)
        let truncating = HL7Encoding(field: "|", component: "^", repetition: "~", escape: "\\", subcomponent: "&", truncation: "#")
        #expect(HL7Escape.encode("#1", truncating) == #"\P\1"#)
        #expect(HL7Escape.encode("#1", .standard) == "#1")
    }

    @Test(arguments: [HL7Encoding.standard, HL7Encoding(field: "!", component: "*", repetition: "@", escape: "/", subcomponent: "%")])
    func encodedTextDecodesToItself(encoding: HL7Encoding) {
        for text in ["", "plain", #"|^~\&!*@/%"#, "é — ü 日本", "x/F/y", "a\nb", #"\F\"#, "/E/"] {
            #expect(HL7Escape.decode(HL7Escape.encode(text, encoding), encoding) == text)
        }
    }
}
