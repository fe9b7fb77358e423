import Foundation

/// Where a second-opinion consultation stands.
public enum ConsultationState: String, Sendable, Codable, CaseIterable, Labelled {
    case requested, accepted, scheduled
    case drafted = "report-drafted"
    case released = "report-released"
    case closed, declined, cancelled, expired

    public var label: String {
        switch self {
        case .requested: "Requested"
        case .accepted: "Accepted"
        case .scheduled: "Scheduled"
        case .drafted: "Report being written"
        case .released: "Report released"
        case .closed: "Closed"
        case .declined: "Declined"
        case .cancelled: "Cancelled"
        case .expired: "Expired without an answer"
        }
    }

    /// The report is there for the patient and the treating team (never a draft).
    public var reportReleased: Bool { self == .released || self == .closed }

    /// Nothing more happens.
    public var isFinished: Bool { [.closed, .declined, .cancelled, .expired].contains(self) }
}

/// What someone does to a consultation.
public enum ConsultationAction: String, Sendable, Codable, CaseIterable, Labelled {
    case accept, decline, schedule
    case draft = "save-draft"
    case release, close, cancel, expire

    public var label: String {
        switch self {
        case .accept: "Accept the consultation"
        case .decline: "Decline"
        case .schedule: "Record the appointment"
        case .draft: "Save the report as a draft"
        case .release: "Release the report"
        case .close: "Close the consultation"
        case .cancel: "Cancel the request"
        case .expire: "Expire"
        }
    }
}

/// Who is acting: the consultant, the patient's treating team (or the patient who asked), or
/// Liaison itself (expiry).
public enum ConsultationSide: String, Sendable, Equatable {
    case consultant, requester, system
}

/// Why an action was refused, with what would be allowed instead.
public struct ConsultationTransitionError: Error, Sendable, Equatable, CustomStringConvertible, TransitionRefusal {
    public let state: ConsultationState
    public let action: ConsultationAction
    public let allowed: [ConsultationAction]
    public let reason: String

    public var description: String { reason }
    public var stateName: String { state.rawValue }
    public var stateLabel: String { state.label }
    public var allowedActions: [(name: String, label: String)] { allowed.map { ($0.rawValue, $0.label) } }
}

/// The consultation's rules: requested → accepted or declined → scheduled → report drafted →
/// report released → closed; the requester may cancel until the report is released; an
/// unanswered request expires.
public enum ConsultationStateMachine {
    private struct Rule {
        let from: Set<ConsultationState>
        let to: ConsultationState
        let sides: Set<ConsultationSide>
    }

    private static let rules: [ConsultationAction: Rule] = [
        .accept: Rule(from: [.requested], to: .accepted, sides: [.consultant]),
        .decline: Rule(from: [.requested], to: .declined, sides: [.consultant]),
        .schedule: Rule(from: [.accepted, .scheduled], to: .scheduled, sides: [.consultant]),
        .draft: Rule(from: [.scheduled, .drafted], to: .drafted, sides: [.consultant]),
        .release: Rule(from: [.drafted], to: .released, sides: [.consultant]),
        .close: Rule(from: [.released], to: .closed, sides: [.consultant, .requester]),
        .cancel: Rule(from: [.requested, .accepted, .scheduled, .drafted], to: .cancelled, sides: [.requester]),
        .expire: Rule(from: [.requested], to: .expired, sides: [.system]),
    ]

    public static func apply(_ action: ConsultationAction, to state: ConsultationState, by side: ConsultationSide) throws(ConsultationTransitionError) -> ConsultationState {
        let rule = rules[action]!
        guard rule.from.contains(state) else {
            throw ConsultationTransitionError(
                state: state, action: action, allowed: allowedActions(in: state, for: side),
                reason: "A consultation that is \(state.label.lowercased()) cannot take this step: \(action.label.lowercased()).")
        }
        guard rule.sides.contains(side) else {
            let who = rule.sides.contains(.consultant) ? "the consultant" : rule.sides.contains(.requester) ? "the patient or their treating team" : "Liaison itself"
            throw ConsultationTransitionError(
                state: state, action: action, allowed: allowedActions(in: state, for: side), reason: "Only \(who) can \(action.label.lowercased()).")
        }
        return rule.to
    }

    /// What `side` may do now, in a stable order.
    public static func allowedActions(in state: ConsultationState, for side: ConsultationSide) -> [ConsultationAction] {
        ConsultationAction.allCases.filter { rules[$0]!.sides.contains(side) && rules[$0]!.from.contains(state) }
    }
}

/// What is not working, as the person asking says it.
public enum ConsultationReason: String, Sendable, Codable, CaseIterable, Labelled {
    case notImproving = "not-improving"
    case sideEffects = "side-effects"
    case diagnosis
    case relationship
    case other

    public var label: String {
        switch self {
        case .notImproving: "Not improving"
        case .sideEffects: "Side effects"
        case .diagnosis: "Disagreement about the diagnosis"
        case .relationship: "The treatment relationship"
        case .other: "Something else"
        }
    }
}

/// A request for a second opinion, checked.
public struct ConsultationRequest: Sendable, Equatable {
    public let reasons: [ConsultationReason]
    public let concerns: String

    public static let maximumConcernsLength = 2000

    public static func validated(reasons raw: [String], concerns rawConcerns: String?) throws(ValidationErrors) -> ConsultationRequest {
        var check = FieldChecker()
        var reasons: [ConsultationReason] = []
        for name in raw where !name.isEmpty {
            guard let reason = ConsultationReason(rawValue: name) else {
                check.errors.add("reasons", "\"\(name.prefix(40))\" is not one of the reasons offered.")
                continue
            }
            if !reasons.contains(reason) { reasons.append(reason) }
        }
        if reasons.isEmpty, check.errors.isEmpty { check.errors.add("reasons", "Choose at least one thing that is not working.") }
        let concerns = check.text(rawConcerns, field: "concerns", label: "What is not working", required: true, maxLength: maximumConcernsLength)
        try check.errors.throwIfAny()
        return ConsultationRequest(reasons: ConsultationReason.allCases.filter(reasons.contains), concerns: concerns)
    }
}

/// How a consultant's stance on transfers is put to the person booking, from their intake policy.
public enum ConsultantStance {
    public static func words(_ policy: TransferPolicy) -> String {
        switch policy {
        case .accepts: "May take you on as a patient afterwards, if you both wish."
        case .declines, .secondOpinionsOnly: "Will not take you on as a patient afterwards: a one-time consultation, with a written report for you and your psychiatrist."
        }
    }
}

/// After the report, the treating psychiatrist may ask the consultant for a call: a small loop of
/// its own (asked → times offered → done), tracked so neither side has to remember it.
public enum CallState: String, Sendable, Codable, CaseIterable, Labelled {
    case none
    case asked
    case offered
    case done

    public var label: String {
        switch self {
        case .none: "No call asked for"
        case .asked: "Call asked for"
        case .offered: "Times offered"
        case .done: "Call held"
        }
    }
}

public enum CallStep: String, Sendable, Codable, CaseIterable, Labelled {
    case ask = "ask-for-call"
    case offer = "offer-times"
    case done = "call-done"

    public var label: String {
        switch self {
        case .ask: "Ask the consultant for a call"
        case .offer: "Offer times for the call"
        case .done: "Mark the call held"
        }
    }
}

/// Why a call step was refused, with what is allowed instead.
public struct CallTransitionError: Error, Sendable, Equatable, TransitionRefusal {
    public let state: CallState
    public let allowed: [CallStep]
    public let reason: String

    public var stateName: String { state.rawValue }
    public var stateLabel: String { state.label }
    public var allowedActions: [(name: String, label: String)] { allowed.map { ($0.rawValue, $0.label) } }
}

public enum CallLoop {
    /// The treating side asks once the report is out (or again after a call); the consultant
    /// offers times; either marks it held.
    public static func apply(_ step: CallStep, to state: CallState, reportReleased: Bool, consultant: Bool) throws(CallTransitionError) -> CallState {
        let allowed = allowedSteps(in: state, reportReleased: reportReleased, consultant: consultant)
        guard allowed.contains(step) else {
            throw CallTransitionError(
                state: state, allowed: allowed,
                reason: reportReleased ? "With the call \(state.label.lowercased()), this step is not yours to take now." : "A call can be asked for once the report is released.")
        }
        switch step {
        case .ask: return .asked
        case .offer: return .offered
        case .done: return .done
        }
    }

    public static func allowedSteps(in state: CallState, reportReleased: Bool, consultant: Bool) -> [CallStep] {
        guard reportReleased else { return [] }
        switch (state, consultant) {
        case (.none, false), (.done, false): return [.ask]
        case (.asked, true): return [.offer, .done]
        case (.offered, _): return [.done]
        case (.asked, false): return []
        default: return []
        }
    }
}
