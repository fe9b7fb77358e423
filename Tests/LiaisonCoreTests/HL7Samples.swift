import Foundation

/// Synthetic HL7 v2 messages in the shape of the standard's own examples. Every name, number and
/// address is made up.
enum HL7Samples {
    /// Segments joined the way hospitals send them: each ending in a carriage return.
    static func message(_ segments: String...) -> String { segments.map { $0 + "\r" }.joined() }

    /// A segment from fields by number, so a test says which field it sets instead of counting bars.
    static func segment(_ id: String, _ fields: [Int: String]) -> String {
        let last = fields.keys.max() ?? 0
        return ([id] + (0..<last).map { fields[$0 + 1] ?? "" }).joined(separator: "|")
    }

    static func header(type: String = "ADT^A01^ADT_A01", control: String = "MSG00001", version: String = "2.5.1") -> String {
        #"MSH|^~\&|ADT1|GOOD HEALTH HOSPITAL|GHH LAB, INC.|GOOD HEALTH HOSPITAL|198808181126|SECURITY|"#
            + "\(type)|\(control)|P|\(version)"
    }

    static let patient =
        #"PID|1||PATID1234^^^GOOD HEALTH HOSPITAL^MR~123456789^^^USSSA^SS||TESTPATIENT^ALEX^Q^III||19610615|M||2106-3|"#
        + #"2222 HOME STREET^^GREENSBORO^NC^27401-1020|GL|(555) 555-2004"#

    /// The classic A01: admitted as an inpatient to bed 01 of room 2012 on unit 2000.
    static let admit = message(
        header(),
        "EVN|A01|198808181123||",
        patient,
        "NK1|1|TESTPATIENT^JORDAN^W|SPO^SPOUSE||||NK^NEXT OF KIN",
        "PV1|1|I|2000^2012^01||||004777^ATTEND^AARON^A|||SUR||||ADM|A0|"
    )

    /// A transfer from the emergency department to a ward, with every time the reader looks at.
    static let transfer = message(
        header(type: "ADT^A02^ADT_A02", control: "XFER-7"),
        segment("EVN", [1: "A02", 2: "20240315143500", 6: "20240315143000-0500"]),
        #"PID|1||MRN-5521^^^St Elsewhere&2.16.840.1.113883.3.9999&ISO^MR"#,
        segment("PV1", [1: "1", 2: "I", 3: "Ward 4B^12^2^St Elsewhere", 6: "ED^^7^St Elsewhere", 19: "V7788^^^St Elsewhere^VN",
                        44: "20240315090000-0500"])
    )

    /// A discharge in version 2.3 style: the event only in EVN-1, no offsets anywhere.
    static let discharge23 = message(
        #"MSH|^~\&|PAS|NORTH GENERAL|LIAISON|CLINIC|20240316101500||ADT|D-1001|P|2.3"#,
        "EVN|A03|20240316101200",
        "PID|1||4455667^^^NORTH GENERAL^MR",
        segment("PV1", [2: "I", 3: "3W^301^A^NORTH GENERAL", 19: "ENC-99", 36: "01", 44: "20240312080000", 45: "20240316100000"])
    )
}
