import Foundation
import Testing
@testable import LiaisonCore

@Suite struct ADTMessageTests {
    static func read(_ text: String) throws -> ADTMessage {
        try ADTMessage.read(try HL7Message.parse(text))
    }

    @Test func theClassicAdmitGivesWhoWhatWhenAndWhere() throws {
        let admit = try Self.read(HL7Samples.admit)
        #expect(admit.controlID == "MSG00001")
        #expect(admit.sendingApplication == "ADT1")
        #expect(admit.sendingFacility == "GOOD HEALTH HOSPITAL")
        #expect(admit.version == "2.5.1")
        #expect(admit.trigger == .admit)
        #expect(admit.messageTime == HL7Time("198808181126"))
        #expect(admit.eventTime == HL7Time("198808181123"))
        #expect(admit.patientIdentifiers == [
            HL7Identifier(value: "PATID1234", assigningAuthority: "GOOD HEALTH HOSPITAL", typeCode: "MR"),
            HL7Identifier(value: "123456789", assigningAuthority: "USSSA", typeCode: "SS"),
        ])
        #expect(admit.patientClass == "I")
        #expect(admit.location == HL7Location(pointOfCare: "2000", room: "2012", bed: "01", facility: ""))
        #expect(admit.location?.description == "2000, room 2012, bed 01")
        #expect(admit.priorLocation == nil)
        #expect(admit.visitNumber == "")
        #expect(admit.admitTime == nil)
        #expect(admit.dischargeTime == nil)
        #expect(admit.dischargeDisposition == "")
    }

    @Test func aTransferSaysWhereFromAndPrefersWhenTheEventOccurred() throws {
        let transfer = try Self.read(HL7Samples.transfer)
        #expect(transfer.trigger == .transfer)
        #expect(transfer.eventTime == HL7Time("20240315143000-0500"))
        #expect(transfer.location?.description == "Ward 4B, room 12, bed 2, St Elsewhere")
        #expect(transfer.priorLocation == HL7Location(pointOfCare: "ED", room: "", bed: "7", facility: "St Elsewhere"))
        #expect(transfer.priorLocation?.description == "ED, bed 7, St Elsewhere")
        #expect(transfer.visitNumber == "V7788")
        #expect(transfer.admitTime == HL7Time("20240315090000-0500"))
        #expect(transfer.patientIdentifiers == [HL7Identifier(value: "MRN-5521", assigningAuthority: "St Elsewhere", typeCode: "MR")])
    }

    @Test func aVersion23DischargeCarriesItsEventOnlyInEVN() throws {
        let discharge = try Self.read(HL7Samples.discharge23)
        #expect(discharge.trigger == .discharge)
        #expect(discharge.version == "2.3")
        #expect(discharge.eventTime == HL7Time("20240316101200"))
        #expect(discharge.dischargeTime == HL7Time("20240316100000"))
        #expect(discharge.admitTime == HL7Time("20240312080000"))
        #expect(discharge.dischargeDisposition == "01")
        #expect(discharge.visitNumber == "ENC-99")
    }

    @Test func theHeadersEventWinsOverEVNAndEventTimeFallsBackToTheHeader() throws {
        let update = try Self.read(HL7Samples.message(HL7Samples.header(type: "ADT^A08"), "EVN|A01", "PID|1||42^^^GHH^MR"))
        #expect(update.trigger == .update)
        #expect(update.eventTime == HL7Time("198808181126"))
        #expect(update.location == nil)
        #expect(update.patientClass == "")
    }

    @Test func everySupportedEventIsRead() throws {
        for trigger in ADTTrigger.allCases {
            let text = HL7Samples.message(HL7Samples.header(type: "ADT^\(trigger.rawValue)"), "PID|1||42^^^GHH^MR")
            #expect(try Self.read(text).trigger == trigger)
        }
    }

    @Test func identifiersWithoutAValueAreSkippedAndHL7NullsReadAsNothing() throws {
        let text = HL7Samples.message(
            HL7Samples.header(), #"PID|1||^^^GHH^MR~~77^^^GHH&1.2&ISO^PI~""^^^X^MR"#, #"PV1|1|""|""^^^"""#)
        let message = try Self.read(text)
        #expect(message.patientIdentifiers == [HL7Identifier(value: "77", assigningAuthority: "GHH", typeCode: "PI")])
        #expect(message.patientClass == "")
        #expect(message.location == nil)
    }

    @Test(arguments: [
        (HL7Samples.header(type: "ORU^R01^ORU_R01"), ADTError.notADT("ORU")),
        (HL7Samples.header(type: "ADT^A05"), .unsupportedTrigger("A05")),
        (HL7Samples.header(version: "2.6"), .unsupportedVersion("2.6")),
        (HL7Samples.header(version: "2.2"), .unsupportedVersion("2.2")),
        (HL7Samples.header(version: ""), .missingField("MSH-12 (version ID)")),
        (HL7Samples.header(type: ""), .missingField("MSH-9 (message type)")),
        (HL7Samples.header(type: "ADT"), .missingField("MSH-9.2 (trigger event)")),
        (HL7Samples.header(control: ""), .missingField("MSH-10 (message control ID)")),
        (#"MSH|^~\&|ADT1||||198808181126||ADT^A01|C1|P|2.5"#, .missingField("MSH-4 (sending facility)")),
    ])
    func aMessageLiaisonCannotTakeIsRefusedWithAReason(header: String, error: ADTError) {
        #expect(throws: error) { try Self.read(HL7Samples.message(header, "EVN||20240101", HL7Samples.patient)) }
        #expect(!error.reason.isEmpty)
    }

    @Test func aPatientMustBeIdentified() {
        #expect(throws: ADTError.missingSegment("PID")) { try Self.read(HL7Samples.message(HL7Samples.header(), "EVN|A01")) }
        #expect(throws: ADTError.missingField("PID-3 (patient identifier list)")) {
            try Self.read(HL7Samples.message(HL7Samples.header(), "PID|1|4455^^^GHH|^^^GHH^MR"))
        }
    }

    @Test func wrongKindsAreRejectedAndMissingContentIsAnError() {
        #expect(ADTError.notADT("ORU").ackCode == .rejected)
        #expect(ADTError.unsupportedVersion("2.6").errorCode == .unsupportedVersionID)
        #expect(ADTError.missingField("MSH-10 (message control ID)").ackCode == .error)
        #expect(ADTError.missingField("MSH-10 (message control ID)").reason == "Required field MSH-10 (message control ID) is empty.")
        #expect(ADTError.notADT("OR\u{0}U" + String(repeating: "x", count: 500)).reason.count < 120)
    }
}
