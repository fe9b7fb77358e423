import Foundation
import LiaisonCore

/// Who is asking, and the request id their audit entries carry.
struct Caller: Sendable {
    private(set) var identity: Identity
    let requestID: String

    /// The same caller after reading `count` messages in this request: the navigation's count,
    /// taken when the request began, is brought up to date.
    func havingRead(_ count: Int) -> Caller {
        var caller = self
        caller.identity.unreadMessages = max(0, identity.unreadMessages - count)
        return caller
    }

    var userID: UUID { identity.userID }
}
