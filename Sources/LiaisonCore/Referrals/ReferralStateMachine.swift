import Foundation

/// Where a referral is in its loop.
public enum ReferralState: String, Sendable, Codable, CaseIterable, Labelled {
    case draft, sent, received, accepted, declined
    case scheduled = "first-appointment-scheduled"
    case inCare = "in-care"
    case closed, cancelled, expired

    public var label: String {
        switch self {
        case .draft: "Draft"
        case .sent: "Sent"
        case .received: "Received"
        case .accepted: "Accepted"
        case .declined: "Declined"
        case .scheduled: "First appointment scheduled"
        case .inCare: "In care"
        case .closed: "Closed"
        case .cancelled: "Cancelled"
        case .expired: "Expired"
        }
    }

    /// The loop is finished: nothing more is owed by anyone.
    public var isFinished: Bool { [.declined, .closed, .cancelled, .expired].contains(self) }

    /// The recipient owes the acknowledgement note.
    public var awaitsAcknowledgement: Bool { self == .sent || self == .received }
}

/// Something someone does to a referral.
public enum ReferralAction: String, Sendable, Codable, CaseIterable, Labelled {
    case send, receive, accept, decline, schedule
    case startCare = "start-care"
    case discharge, close, cancel, expire
    case progress

    public var label: String {
        switch self {
        case .send: "Send"
        case .receive: "Mark received"
        case .accept: "Accept with acknowledgement note"
        case .decline: "Decline"
        case .schedule: "Record first appointment"
        case .startCare: "Record first visit (in care)"
        case .discharge: "Record discharge"
        case .close: "Close with closing note"
        case .cancel: "Cancel"
        case .expire: "Expire"
        case .progress: "Progress update"
        }
    }
}

/// A referral's state as the patient reads it in their portal: who has it and what happens
/// next, in a sentence, without the loop's vocabulary.
public enum PatientReferralStatus {
    /// - Parameters:
    ///   - recipient: the clinician, or "the <organisation> intake team".
    ///   - firstAppointment: the day of the first appointment, already written for people.
    public static func words(_ state: ReferralState, recipient: String, firstAppointment: String?) -> String {
        switch state {
        case .draft: "Being written by your team."
        case .sent, .received: "Sent to \(recipient); waiting for their answer."
        case .accepted: "\(recipient) has accepted and will contact you about a first appointment."
        case .scheduled: "\(recipient) has accepted; first appointment \(firstAppointment ?? "to be confirmed")."
        case .inCare: "You are seeing \(recipient)."
        case .closed: "Finished: \(recipient) has written to your clinician about how it went."
        case .declined: "\(recipient) could not take this referral; your team has been told and will look for someone else."
        case .cancelled: "Your team cancelled this referral."
        case .expired: "No answer came from \(recipient); your team has been told and can refer you elsewhere."
        }
    }
}

/// Which side of the loop a person is on.
public enum ReferralSide: String, Sendable, Equatable {
    case referrer, recipient, system
}

/// Why an action was refused, with what would be allowed instead.
public struct ReferralTransitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let state: ReferralState
    public let action: ReferralAction
    public let allowed: [ReferralAction]
    public let reason: String

    public var description: String { reason }
}

/// The referral loop's rules: which action moves which state, and whose action it is.
public enum ReferralStateMachine {
    private struct Rule {
        let from: Set<ReferralState>
        let to: ReferralState?
        let side: ReferralSide
    }

    /// `to == nil` means the action records something without changing state.
    private static let rules: [ReferralAction: Rule] = [
        .send: Rule(from: [.draft], to: .sent, side: .referrer),
        .receive: Rule(from: [.sent], to: .received, side: .recipient),
        .accept: Rule(from: [.sent, .received], to: .accepted, side: .recipient),
        .decline: Rule(from: [.sent, .received], to: .declined, side: .recipient),
        .schedule: Rule(from: [.accepted], to: .scheduled, side: .recipient),
        .startCare: Rule(from: [.accepted, .scheduled], to: .inCare, side: .recipient),
        .progress: Rule(from: [.accepted, .scheduled, .inCare], to: nil, side: .recipient),
        .discharge: Rule(from: [.inCare], to: nil, side: .recipient),
        .close: Rule(from: [.accepted, .scheduled, .inCare], to: .closed, side: .recipient),
        .cancel: Rule(from: [.draft, .sent, .received, .accepted, .scheduled], to: .cancelled, side: .referrer),
        .expire: Rule(from: [.sent, .received], to: .expired, side: .system),
    ]

    /// The state after `action`, or an error naming the current state and what is allowed.
    public static func apply(_ action: ReferralAction, to state: ReferralState, by side: ReferralSide) throws(ReferralTransitionError) -> ReferralState {
        let rule = rules[action]!
        guard rule.from.contains(state) else {
            throw ReferralTransitionError(
                state: state, action: action, allowed: allowedActions(in: state, for: side),
                reason: "A referral that is \(state.label.lowercased()) cannot be \(pastTense(action)).")
        }
        guard rule.side == side else {
            let who = switch rule.side {
            case .referrer: "the referring clinician"
            case .recipient: "the receiving clinician"
            case .system: "Liaison itself"
            }
            throw ReferralTransitionError(
                state: state, action: action, allowed: allowedActions(in: state, for: side),
                reason: "Only \(who) can \(action.label.lowercased()).")
        }
        return rule.to ?? state
    }

    /// What `side` may do now, in a stable order.
    public static func allowedActions(in state: ReferralState, for side: ReferralSide) -> [ReferralAction] {
        ReferralAction.allCases.filter { action in
            let rule = rules[action]!
            return rule.side == side && rule.from.contains(state)
        }
    }

    /// What the other side may do now and `side` may not, each with the reason: shown beside
    /// `side`'s own actions, so nobody wonders where "Close" went.
    public static func unavailableActions(in state: ReferralState, for side: ReferralSide) -> [(action: ReferralAction, reason: String)] {
        ReferralAction.allCases.compactMap { action -> (action: ReferralAction, reason: String)? in
            let rule = rules[action]!
            guard rule.from.contains(state), rule.side != side, rule.side != .system, action != .receive else { return nil }
            do throws(ReferralTransitionError) {
                _ = try apply(action, to: state, by: side)
                return nil
            } catch {
                return (action, error.reason)
            }
        }
    }

    private static func pastTense(_ action: ReferralAction) -> String {
        switch action {
        case .send: "sent"
        case .receive: "marked received"
        case .accept: "accepted"
        case .decline: "declined"
        case .schedule: "scheduled"
        case .startCare: "moved into care"
        case .discharge: "discharged"
        case .close: "closed"
        case .cancel: "cancelled"
        case .expire: "expired"
        case .progress: "given a progress update"
        }
    }
}

/// How quickly a referral needs an answer.
public enum Urgency: String, Sendable, Codable, CaseIterable, Labelled {
    case routine, urgent, emergent

    public var label: String {
        switch self {
        case .routine: "Routine"
        case .urgent: "Urgent"
        case .emergent: "Emergent"
        }
    }
}
