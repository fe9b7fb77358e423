import Foundation

/// When repeated failed sign-ins lock an account, and for how long.
///
/// Tries are counted before the password is checked (each is claimed in the database, one at a
/// time, by `SignInQueries.claimTry`), so many tries at once cannot outrun the limit: the try
/// that reaches `maximumFailures` locks the account, and a success clears the count.
public struct LockoutPolicy: Sendable {
    public var maximumFailures: Int
    public var lockDuration: TimeInterval

    public init(maximumFailures: Int = 5, lockDuration: TimeInterval = 15 * 60) {
        self.maximumFailures = maximumFailures
        self.lockDuration = lockDuration
    }

    /// What a claimed try comes to once the password has been checked.
    public enum Outcome: Sendable, Equatable {
        case signedIn
        case wrongPassword
        /// This was the last try allowed: the account is now locked.
        case nowLocked
    }

    public func outcome(ofTry number: Int, passwordMatches: Bool) -> Outcome {
        if passwordMatches { return .signedIn }
        return number >= maximumFailures ? .nowLocked : .wrongPassword
    }

    /// Until when a lock that starts at `now` lasts.
    public func lockedUntil(from now: Date) -> Date {
        now.addingTimeInterval(lockDuration)
    }
}
