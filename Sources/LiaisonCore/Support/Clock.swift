import Foundation

/// The source of "now" for every rule that depends on time.
///
/// Core rules never read the system clock; callers pass a `Clock` so tests can move time.
public protocol Clock: Sendable {
    func now() -> Date
}

/// The wall clock.
public struct SystemClock: Clock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock stopped at one moment: an operator's sweep "as of" a given time.
public struct FixedClock: Clock {
    public let moment: Date
    public init(_ moment: Date) { self.moment = moment }
    public func now() -> Date { moment }
}
