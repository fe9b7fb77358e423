import Foundation

/// When repeated failed sign-ins lock an account, and for how long.
public struct LockoutPolicy: Sendable {
    public var maximumFailures: Int
    public var lockDuration: TimeInterval

    public init(maximumFailures: Int = 5, lockDuration: TimeInterval = 15 * 60) {
        self.maximumFailures = maximumFailures
        self.lockDuration = lockDuration
    }

    /// The state of an account's sign-in attempts.
    public struct Attempts: Sendable, Equatable {
        public var consecutiveFailures: Int
        public var lockedUntil: Date?

        public init(consecutiveFailures: Int, lockedUntil: Date?) {
            self.consecutiveFailures = consecutiveFailures
            self.lockedUntil = lockedUntil
        }
    }

    public func isLocked(_ attempts: Attempts, at now: Date) -> Bool {
        if let until = attempts.lockedUntil { return until > now }
        return false
    }

    /// The attempts after one more failure: the account locks when failures reach the maximum.
    public func afterFailure(_ attempts: Attempts, at now: Date) -> Attempts {
        // A lock that has run out starts a fresh count.
        let previous = attempts.lockedUntil.map { $0 <= now } == true ? 0 : attempts.consecutiveFailures
        let failures = previous + 1
        if failures >= maximumFailures {
            return Attempts(consecutiveFailures: failures, lockedUntil: now.addingTimeInterval(lockDuration))
        }
        return Attempts(consecutiveFailures: failures, lockedUntil: nil)
    }

    /// Successful sign-in clears the count.
    public func afterSuccess() -> Attempts {
        Attempts(consecutiveFailures: 0, lockedUntil: nil)
    }
}
