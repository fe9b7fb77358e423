/// What any state machine says when an action is not allowed in the current state: why, the
/// state, and what may be done instead. The server answers every one the same way (409, with the
/// state and the allowed actions), so a new state machine only conforms its error to this.
public protocol TransitionRefusal: Error, Sendable {
    var reason: String { get }
    /// The state's stored name and its label for people.
    var stateName: String { get }
    var stateLabel: String { get }
    /// What may be done now, by stored name and label.
    var allowedActions: [(name: String, label: String)] { get }
}

extension ReferralTransitionError: TransitionRefusal {
    public var stateName: String { state.rawValue }
    public var stateLabel: String { state.label }
    public var allowedActions: [(name: String, label: String)] { allowed.map { ($0.rawValue, $0.label) } }
}
