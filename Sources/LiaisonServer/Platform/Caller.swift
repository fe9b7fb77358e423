import Foundation
import LiaisonCore

/// Who is asking, and the request id their audit entries carry.
struct Caller: Sendable {
    let identity: Identity
    let requestID: String

    var userID: UUID { identity.userID }
}
