import Foundation
import Testing
@testable import LiaisonCore

@Suite struct HL7AcknowledgementTests {
    static let at = Date(timeIntervalSince1970: 1_710_513_000)

    static func reply(
        to text: String, code: HL7AckCode = .accepted, text message: String = "Received.", errorCode: HL7ErrorCode = .applicationInternalError
    ) -> String {
        HL7Acknowledgement.reply(
            to: try? HL7Message.parse(text), raw: text, code: code, text: message, controlID: "LIA-1", receivingFacility: "Riverside Clinic",
            at: at, errorCode: errorCode)
    }

    @Test func anAcceptedAdmitIsAnsweredFromUsToTheSender() throws {
        let text = Self.reply(to: HL7Samples.admit)
        #expect(text.hasPrefix(#"MSH|^~\&|LIAISON|Riverside Clinic|ADT1|GOOD HEALTH HOSPITAL|"#))
        #expect(text.hasSuffix("\r"))
        let ack = try HL7Message.parse(text)
        #expect(ack.segments.map(\.id) == ["MSH", "MSA"])
        let header = try #require(ack.segment("MSH"))
        #expect(header.field(7).value == HL7Time.format(Self.at))
        #expect(header.field(9).repetitions == [[["ACK"], ["A01"], ["ACK"]]])
        #expect(header.field(10).value == "LIA-1")
        #expect(header.field(11).value == "P")
        #expect(header.field(12).value == "2.5.1")
        let msa = try #require(ack.segment("MSA"))
        #expect(msa.field(1).value == "AA")
        #expect(msa.field(2).value == "MSG00001")
        #expect(msa.field(3).value == "Received.")
    }

    @Test func aRefusalCarriesItsReasonEscapedInMSAAndERR() throws {
        let reason = #"PID-3 | "^~\&" is odd"# + "\nsee above"
        let ack = try HL7Message.parse(Self.reply(to: HL7Samples.admit, code: .error, text: reason, errorCode: .requiredFieldMissing))
        #expect(ack.segments.map(\.id) == ["MSH", "MSA", "ERR"])
        #expect(ack.segment("MSA")?.field(1).value == "AE")
        #expect(ack.segment("MSA")?.field(3).value == reason)
        let err = try #require(ack.segment("ERR"))
        #expect(err.field(3).repetitions == [[["101"], ["Required field missing"], ["HL70357"]]])
        #expect(err.field(4).value == "E")
        #expect(err.field(8).value == reason)
    }

    @Test func anADTRejectionNamesTheTableCode() throws {
        let error = ADTError.notADT("ORU")
        let raw = HL7Samples.message(HL7Samples.header(type: "ORU^R01"), HL7Samples.patient)
        let ack = try HL7Message.parse(Self.reply(to: raw, code: error.ackCode, text: error.reason, errorCode: error.errorCode))
        #expect(ack.segment("MSA")?.field(1).value == "AR")
        #expect(ack.segment("ERR")?.field(3).value == "200")
        #expect(ack.segment("MSH")?.field(9).component(2) == "R01")
    }

    @Test func theSendersOwnDelimitersComponentsAndProcessingModeAreKept() throws {
        let raw = HL7Samples.message(
            #"MSH|*~\&#|PAS*1.2.3*ISO|NORTH GENERAL*2.16.840.1.113883.3.9999*ISO|||20240316101500||ADT*A03*ADT_A03|D-7|T|2.7"#,
            "PID|1||4455667***NORTH GENERAL*MR")
        let text = Self.reply(to: raw, code: .rejected, text: "Version 2.7 * is not supported.")
        #expect(text.hasPrefix(#"MSH|*~\&#|LIAISON|Riverside Clinic|PAS*1.2.3*ISO|NORTH GENERAL*2.16.840.1.113883.3.9999*ISO|"#))
        let ack = try HL7Message.parse(text)
        #expect(ack.encoding == HL7Encoding(field: "|", component: "*", repetition: "~", escape: "\\", subcomponent: "&", truncation: "#"))
        let header = try #require(ack.segment("MSH"))
        #expect(header.field(6).component(2) == "2.16.840.1.113883.3.9999")
        #expect(header.field(9).component(2) == "A03")
        #expect(header.field(11).value == "T")
        #expect(header.field(12).value == "2.7")
        #expect(ack.segment("MSA")?.field(3).value == "Version 2.7 * is not supported.")
        #expect(ack.segment("MSA")?.field(2).value == "D-7")
    }

    @Test func aDifferentFieldSeparatorIsKeptToo() throws {
        let text = Self.reply(to: "MSH!*@/%!ADT1!GHH!!!20240101!!ADT*A01!C1!P!2.5\rPID!1!!A1")
        #expect(text.hasPrefix("MSH!*@/%!LIAISON!"))
        #expect(try HL7Message.parse(text).segment("MSA")?.field(2).value == "C1")
    }

    @Test func aVersion23MessagesEventComesFromEVN() throws {
        let ack = try HL7Message.parse(Self.reply(to: HL7Samples.discharge23))
        #expect(ack.segment("MSH")?.field(9).repetitions == [[["ACK"], ["A03"], ["ACK"]]])
        #expect(ack.segment("MSH")?.field(12).value == "2.3")
    }

    @Test func anUnparseableMessageIsStillAnsweredWithItsControlIDWhenOneCanBeFound() throws {
        let raw = HL7Samples.message(HL7Samples.header(control: "CTRL42^x"), "pid|1")
        let ack = try HL7Message.parse(Self.reply(to: raw, code: .error, text: HL7ParseError.badSegmentID(segment: 2).reason))
        #expect(ack.encoding == .standard)
        #expect(ack.segment("MSH")?.field(5).isEmpty == true)
        #expect(ack.segment("MSH")?.field(12).value == "2.5.1")
        #expect(ack.segment("MSH")?.field(9).repetitions == [[["ACK"], [""], ["ACK"]]])
        #expect(ack.segment("MSA")?.field(2).value == "CTRL42")
        #expect(ack.segment("MSA")?.field(3).value == "Segment 2 does not start with a three-character upper-case segment ID.")

        let garbage = try HL7Message.parse(Self.reply(to: "\u{1}\u{2}binary", code: .rejected, text: "Not HL7."))
        #expect(garbage.segment("MSA")?.field(2).value == "")
        #expect(garbage.segment("ERR") != nil)
    }

    @Test func theLenientScanFindsMSH10OrNothing() {
        #expect(HL7Acknowledgement.controlID(scanning: "noise MSH|^~\\&|A|B|C|D|2024||ADT^A01|ABC\u{7}123^9|P|2.5\npid") == "ABC123")
        #expect(HL7Acknowledgement.controlID(scanning: "MSH#^~\\&#A#B#C#D#2024##ADT^A01#Z9#P") == "Z9")
        #expect(HL7Acknowledgement.controlID(scanning: "MSH|^~\\&|A|B|C|D|2024||ADT^A01\r|X|Y") == "")
        #expect(HL7Acknowledgement.controlID(scanning: "PID|1") == "")
        #expect(HL7Acknowledgement.controlID(scanning: "MSH|^~\\&|A|B|C|D|2024||ADT|" + String(repeating: "9", count: 500)).count == 199)
    }

    @Test func longTextIsCutToWhatTheFieldsAllow() throws {
        let ack = try HL7Message.parse(Self.reply(to: HL7Samples.admit, code: .error, text: String(repeating: "x", count: 400)))
        #expect(ack.segment("MSA")?.field(3).value.count == 80)
        #expect(ack.segment("ERR")?.field(8).value.count == 250)
    }
}
