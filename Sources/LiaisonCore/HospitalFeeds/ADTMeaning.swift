import Foundation

/// What an ADT message asks of Liaison: record a care event, update the one for its visit, or
/// cancel one (a hospital's A11/A13 undoes an admission, visit or discharge sent in error).
public enum ADTMeaning: Sendable, Equatable {
    case record(CareEventKind)
    case update
    case cancel([CareEventKind])
}

extension ADTMessage {
    public var meaning: ADTMeaning {
        switch trigger {
        case .admit: .record(.admission)
        // A registration is an emergency visit when the patient class says so (PV1-2 "E").
        case .register: .record(patientClass == "E" ? .emergencyVisit : .other)
        case .discharge: .record(.discharge)
        case .transfer: .record(.unitTransfer)
        case .update: .update
        case .cancelAdmit: .cancel([.admission, .emergencyVisit, .other])
        case .cancelDischarge: .cancel([.discharge])
        }
    }

    /// When it happened: the discharge time of a discharge, the admit time of an admission, else
    /// the event's time.
    public var occurredTime: HL7Time? {
        switch trigger {
        case .discharge: dischargeTime ?? eventTime
        case .admit: admitTime ?? eventTime
        default: eventTime
        }
    }

    /// What the team reads of it: where the patient is, in words, and the message it came from.
    public var summary: String {
        let place = location.map(\.description).flatMap { $0.isEmpty ? nil : $0 }
        let what: String
        switch trigger {
        case .admit: what = "Admitted\(place.map { " to \($0)" } ?? "")."
        case .register: what = patientClass == "E" ? "Registered in the emergency department\(place.map { " (\($0))" } ?? "")." : "Registered\(place.map { " at \($0)" } ?? "")."
        case .discharge: what = "Discharged\(place.map { " from \($0)" } ?? "")\(dischargeDisposition.isEmpty ? "" : " (disposition \(dischargeDisposition))")."
        case .transfer:
            let from = priorLocation.map(\.description).flatMap { $0.isEmpty ? nil : $0 }
            what = "Moved\(from.map { " from \($0)" } ?? "")\(place.map { " to \($0)" } ?? "")."
        case .update: what = "Details updated\(place.map { ": now at \($0)" } ?? "")."
        case .cancelAdmit, .cancelDischarge: what = "Cancelled by the hospital."
        }
        return "\(what) (HL7 ADT^\(trigger.rawValue), message \(controlID))"
    }
}
