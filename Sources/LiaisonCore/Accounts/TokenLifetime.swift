import Foundation

/// How long the single-use links sent by email stay valid, and whether one still is.
public enum TokenLifetime {
    public static let invitation: TimeInterval = 7 * 24 * 3600
    public static let passwordReset: TimeInterval = 60 * 60
    public static let session: TimeInterval = 12 * 3600

    public enum State: Equatable, Sendable {
        case usable
        case expired
        case alreadyUsed
    }

    public static func state(expiresAt: Date, usedAt: Date?, now: Date) -> State {
        if usedAt != nil { return .alreadyUsed }
        return now < expiresAt ? .usable : .expired
    }
}
