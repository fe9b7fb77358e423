import Foundation

/// The roles a patient can change clinician for.
public enum TransferRole: String, Sendable, Codable, CaseIterable, Labelled {
    case prescriber
    case therapist

    public var label: String {
        switch self {
        case .prescriber: "Prescriber (psychiatrist)"
        case .therapist: "Therapist"
        }
    }

    /// The role the incoming clinician takes on the care team.
    public var careTeamRole: CareTeamRole {
        switch self {
        case .prescriber: .prescriber
        case .therapist: .therapist
        }
    }

    /// The service matching looks for.
    public var service: ClinicalService {
        switch self {
        case .prescriber: .medicationManagement
        case .therapist: .psychotherapy
        }
    }

    /// "prescriber", "therapist": as a sentence says it.
    public var noun: String { rawValue }
}

/// Where a transfer of care stands.
public enum TransferState: String, Sendable, Codable, CaseIterable, Labelled {
    case requested, accepted, completed, declined, cancelled, expired

    public var label: String {
        switch self {
        case .requested: "Requested"
        case .accepted: "Accepted: waiting for the first visit"
        case .completed: "Completed: care has passed"
        case .declined: "Declined"
        case .cancelled: "Cancelled"
        case .expired: "Expired without an answer"
        }
    }

    /// Nothing more happens to the transfer itself (a handoff summary may still be owed after completion).
    public var isFinished: Bool { [.completed, .declined, .cancelled, .expired].contains(self) }

    /// Still under way: at most one per patient and role.
    public var isOpen: Bool { self == .requested || self == .accepted }
}

/// What someone does to a transfer.
public enum TransferAction: String, Sendable, Codable, CaseIterable, Labelled {
    case accept, decline
    case handoff = "write-handoff"
    case firstVisit = "record-first-visit"
    case cancel, expire

    public var label: String {
        switch self {
        case .accept: "Accept the transfer"
        case .decline: "Decline"
        case .handoff: "Send the handoff summary"
        case .firstVisit: "Record the first visit"
        case .cancel: "Cancel the request"
        case .expire: "Expire"
        }
    }
}

/// Who is acting: the clinician taking over, the clinician handing over, whoever asked (the
/// patient, or the clinician who made the request), or Liaison itself (expiry). One person may be
/// on two sides (an outgoing clinician who asked for the change).
public enum TransferSide: String, Sendable, Hashable {
    case incoming, outgoing, requester, system
}

/// Why a step was refused, with what would be allowed instead.
public struct TransferTransitionError: Error, Sendable, Equatable, CustomStringConvertible, TransitionRefusal {
    public let state: TransferState
    public let action: TransferAction
    public let allowed: [TransferAction]
    public let reason: String

    public var description: String { reason }
    public var stateName: String { state.rawValue }
    public var stateLabel: String { state.label }
    public var allowedActions: [(name: String, label: String)] { allowed.map { ($0.rawValue, $0.label) } }
}

/// The transfer's rules: requested → accepted or declined (or expired unanswered) → completed at
/// the first visit with the new clinician. The patient or whoever asked may cancel until then. The
/// outgoing clinician owes one handoff summary from acceptance, before or after the first visit.
public enum TransferStateMachine {
    private struct Rule {
        let from: Set<TransferState>
        let to: TransferState?
        let sides: Set<TransferSide>
    }

    private static let rules: [TransferAction: Rule] = [
        .accept: Rule(from: [.requested], to: .accepted, sides: [.incoming]),
        .decline: Rule(from: [.requested], to: .declined, sides: [.incoming]),
        .handoff: Rule(from: [.accepted, .completed], to: nil, sides: [.outgoing]),
        .firstVisit: Rule(from: [.accepted], to: .completed, sides: [.incoming]),
        .cancel: Rule(from: [.requested, .accepted], to: .cancelled, sides: [.requester]),
        .expire: Rule(from: [.requested], to: .expired, sides: [.system]),
    ]

    /// The state after `action`, or why it is refused. The handoff summary is written once.
    public static func apply(
        _ action: TransferAction, to state: TransferState, handoffWritten: Bool, by sides: Set<TransferSide>
    ) throws(TransferTransitionError) -> TransferState {
        let rule = rules[action]!
        let allowed = allowedActions(in: state, handoffWritten: handoffWritten, for: sides)
        guard rule.from.contains(state) else {
            throw TransferTransitionError(
                state: state, action: action, allowed: allowed,
                reason: "A transfer that is \(state.label.lowercased()) cannot take this step: \(action.label.lowercased()).")
        }
        guard !rule.sides.isDisjoint(with: sides) else {
            let who = switch rule.sides.first! {
            case .incoming: "the clinician taking over"
            case .outgoing: "the clinician handing over"
            case .requester: "the patient or whoever asked for the transfer"
            case .system: "Liaison itself"
            }
            throw TransferTransitionError(state: state, action: action, allowed: allowed, reason: "Only \(who) can \(action.label.lowercased()).")
        }
        if action == .handoff, handoffWritten {
            throw TransferTransitionError(state: state, action: action, allowed: allowed, reason: "The handoff summary has already been sent.")
        }
        return rule.to ?? state
    }

    /// What someone on `sides` may do now, in a stable order.
    public static func allowedActions(in state: TransferState, handoffWritten: Bool, for sides: Set<TransferSide>) -> [TransferAction] {
        TransferAction.allCases.filter {
            let rule = rules[$0]!
            return rule.from.contains(state) && !rule.sides.isDisjoint(with: sides) && !($0 == .handoff && handoffWritten)
        }
    }

    /// Whether the outgoing clinician still owes the summary.
    public static func handoffOwed(in state: TransferState, handoffWritten: Bool) -> Bool {
        !handoffWritten && (state == .accepted || state == .completed)
    }
}

/// A request to change clinician, checked.
public struct TransferRequest: Sendable, Equatable {
    public let role: TransferRole
    public let reason: String

    public static let maximumReasonLength = 2000

    public static func validated(role rawRole: String?, reason rawReason: String?) throws(ValidationErrors) -> TransferRequest {
        var check = FieldChecker()
        let role = check.choice(rawRole, field: "role", label: "The role to change", as: TransferRole.self)
        let reason = check.text(rawReason, field: "reason", label: "Why the change", required: true, maxLength: maximumReasonLength)
        try check.errors.throwIfAny()
        return TransferRequest(role: role!, reason: reason)
    }
}

/// The words the clinician handing over reads: respectful and neutral. Patients may change
/// clinician for many reasons; the message asks for what the next clinician needs and judges no one.
public enum HandoffWords {
    public static func request(patient: String, incoming: String, role: TransferRole, due: String) -> String {
        "\(patient)'s care as \(role.noun) is moving to \(incoming). Thank you for your care so far. Please write a handoff summary (diagnoses, current medications, risks, what has and has not helped) by \(due); you remain their \(role.noun) until their first visit with \(incoming)."
    }
}
