import Foundation

/// The ADT (admit, discharge, transfer) events Liaison follows: enough to tell a care team that
/// their patient went into hospital, moved, or came home, and to take it back when the hospital
/// cancels one.
public enum ADTTrigger: String, Sendable, CaseIterable {
    case admit = "A01"
    case transfer = "A02"
    case discharge = "A03"
    case register = "A04"
    case update = "A08"
    case cancelAdmit = "A11"
    case cancelDischarge = "A13"
}

/// One patient identifier from PID-3 (a CX): the value, whose numbering it is, and what kind
/// (MR for a medical record number, for instance).
public struct HL7Identifier: Sendable, Equatable {
    public let value: String
    /// CX-4's first subcomponent: the organisation whose numbering this is.
    public let assigningAuthority: String
    /// CX-5, from HL7 table 0203 ("MR", "PI", "SS" …).
    public let typeCode: String

    public init(value: String, assigningAuthority: String, typeCode: String) {
        self.value = value
        self.assigningAuthority = assigningAuthority
        self.typeCode = typeCode
    }
}

/// Where in a hospital a patient is (a PL): ward or unit, room, bed and facility.
public struct HL7Location: Sendable, Equatable, CustomStringConvertible {
    public let pointOfCare, room, bed, facility: String

    public init(pointOfCare: String, room: String, bed: String, facility: String) {
        self.pointOfCare = pointOfCare
        self.room = room
        self.bed = bed
        self.facility = facility
    }

    /// The location from a PL field, or nil when it names nowhere.
    init?(_ field: HL7Field) {
        self.init(pointOfCare: field.text(1), room: field.text(2), bed: field.text(3), facility: field.text(4))
        if [pointOfCare, room, bed, facility].allSatisfy(\.isEmpty) { return nil }
    }

    /// "Ward 4B, room 12, bed 2, St Elsewhere", leaving out the parts the hospital did not send.
    public var description: String {
        [pointOfCare, room.isEmpty ? "" : "room \(room)", bed.isEmpty ? "" : "bed \(bed)", facility]
            .filter { !$0.isEmpty }.joined(separator: ", ")
    }
}

/// Why a parsed message is not an ADT event Liaison can take. The `reason` is one plain
/// sentence for the ACK, and `errorCode` the HL7 table 0357 code for its ERR segment.
public enum ADTError: Error, Sendable, Equatable {
    case notADT(String)
    case unsupportedTrigger(String)
    case unsupportedVersion(String)
    /// A required field, named as "MSH-10 (message control ID)".
    case missingField(String)
    /// A required segment, by id.
    case missingSegment(String)

    public var reason: String {
        switch self {
        case .notADT(let type): "Message type \(Self.quoted(type)) is not ADT; this interface accepts only ADT messages."
        case .unsupportedTrigger(let event): "ADT event \(Self.quoted(event)) is not supported."
        case .unsupportedVersion(let version): "HL7 version \(Self.quoted(version)) is not supported."
        case .missingField(let field): "Required field \(field) is empty."
        case .missingSegment(let id): "Required segment \(id) is missing."
        }
    }

    /// A message of the wrong kind is rejected outright (AR); one with missing content is an error (AE).
    public var ackCode: HL7AckCode {
        switch self {
        case .notADT, .unsupportedTrigger, .unsupportedVersion: .rejected
        case .missingField, .missingSegment: .error
        }
    }

    public var errorCode: HL7ErrorCode {
        switch self {
        case .notADT: .unsupportedMessageType
        case .unsupportedTrigger: .unsupportedEventCode
        case .unsupportedVersion: .unsupportedVersionID
        case .missingField: .requiredFieldMissing
        case .missingSegment: .segmentSequenceError
        }
    }

    /// The sender's value, shortened and kept printable so a reply never carries garbage.
    private static func quoted(_ value: String) -> String {
        let printable = String(value.unicodeScalars.filter { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }.prefix(20))
        return "\"\(printable)\""
    }
}

/// The facts of one ADT message that matter to a care team: who the patient is, what happened,
/// when, and where they are. Reading is strict about what identifies the message and the patient
/// and lenient about the rest, since hospital feeds vary.
public struct ADTMessage: Sendable {
    public static let supportedVersions: Set<String> = ["2.3", "2.3.1", "2.4", "2.5", "2.5.1"]

    /// MSH-10, echoed in the acknowledgement.
    public let controlID: String
    /// MSH-3.1
    public let sendingApplication: String
    /// MSH-4.1: the hospital, which with the identifiers' authorities says whose numbering they use.
    public let sendingFacility: String
    /// MSH-12.1
    public let version: String
    public let trigger: ADTTrigger
    /// MSH-7
    public let messageTime: HL7Time?
    /// When it happened: EVN-6 (event occurred), else EVN-2 (recorded), else MSH-7.
    public let eventTime: HL7Time?
    /// Every PID-3 repetition with a value; never empty.
    public let patientIdentifiers: [HL7Identifier]
    /// PV1-2 ("E" emergency, "I" inpatient, "O" outpatient …), "" if absent.
    public let patientClass: String
    /// PV1-3
    public let location: HL7Location?
    /// PV1-6: where a transferred (A02) patient came from.
    public let priorLocation: HL7Location?
    /// PV1-19.1, "" if absent.
    public let visitNumber: String
    /// PV1-44
    public let admitTime: HL7Time?
    /// PV1-45
    public let dischargeTime: HL7Time?
    /// PV1-36, from HL7 table 0112 ("01" home, …), "" if absent.
    public let dischargeDisposition: String

    /// Reads an ADT message's facts. MSH-9 must say ADT with a supported event (taken from MSH-9.2,
    /// or EVN-1 where version 2.3 senders put it), MSH-12 a supported version, and MSH-10, MSH-4
    /// and at least one PID-3 identifier must be there. Unparseable timestamps read as nil.
    public static func read(_ message: HL7Message) throws(ADTError) -> ADTMessage {
        let header = message.segment("MSH") ?? HL7Segment(id: "MSH", fields: [])
        let event = message.segment("EVN") ?? HL7Segment(id: "EVN", fields: [])
        let type = header.field(9)
        guard !type.value.isEmpty else { throw .missingField("MSH-9 (message type)") }
        guard type.value == "ADT" else { throw .notADT(type.value) }
        let version = header.field(12).value
        guard !version.isEmpty else { throw .missingField("MSH-12 (version ID)") }
        guard supportedVersions.contains(version) else { throw .unsupportedVersion(version) }
        let triggerCode = type.component(2).isEmpty ? event.field(1).value : type.component(2)
        guard !triggerCode.isEmpty else { throw .missingField("MSH-9.2 (trigger event)") }
        guard let trigger = ADTTrigger(rawValue: triggerCode) else { throw .unsupportedTrigger(triggerCode) }
        let controlID = header.field(10).value
        guard !controlID.isEmpty else { throw .missingField("MSH-10 (message control ID)") }
        let sendingFacility = header.field(4).value
        guard !sendingFacility.isEmpty else { throw .missingField("MSH-4 (sending facility)") }
        guard let patient = message.segment("PID") else { throw .missingSegment("PID") }
        let identifiers = patient.field(3).repetitions.indices.compactMap { identifier(patient.field(3), repetition: $0) }
        guard !identifiers.isEmpty else { throw .missingField("PID-3 (patient identifier list)") }

        let visit = message.segment("PV1") ?? HL7Segment(id: "PV1", fields: [])
        let messageTime = HL7Time(header.field(7).value)
        return ADTMessage(
            controlID: controlID,
            sendingApplication: header.field(3).value,
            sendingFacility: sendingFacility,
            version: version,
            trigger: trigger,
            messageTime: messageTime,
            eventTime: HL7Time(event.field(6).value) ?? HL7Time(event.field(2).value) ?? messageTime,
            patientIdentifiers: identifiers,
            patientClass: visit.field(2).text(1),
            location: HL7Location(visit.field(3)),
            priorLocation: HL7Location(visit.field(6)),
            visitNumber: visit.field(19).text(1),
            admitTime: HL7Time(visit.field(44).value),
            dischargeTime: HL7Time(visit.field(45).value),
            dischargeDisposition: visit.field(36).text(1)
        )
    }

    private static func identifier(_ field: HL7Field, repetition: Int) -> HL7Identifier? {
        let value = field.text(1, repetition: repetition)
        guard !value.isEmpty else { return nil }
        return HL7Identifier(
            value: value, assigningAuthority: field.text(4, repetition: repetition), typeCode: field.text(5, repetition: repetition))
    }
}

extension HL7Field {
    /// A component's text, with HL7's explicit null (`""`, "delete the value") read as nothing,
    /// so it never reaches a care team as a pair of quotation marks.
    func text(_ component: Int, repetition: Int = 0) -> String {
        let text = self.component(component, repetition: repetition)
        return text == "\"\"" ? "" : text
    }
}
