import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Who is asking, and the request id their audit entries carry.
struct Caller: Sendable {
    let identity: Identity
    let requestID: String

    var userID: UUID { identity.userID }
}

extension AppRequestContext {
    /// The signed-in person as a `Caller` for services that audit.
    func caller() throws -> Caller {
        Caller(identity: try requireIdentity(), requestID: id)
    }
}

/// Writes audit entries for one service, with its clock.
struct Auditor: Sendable {
    let clock: any Clock

    func record(_ action: String, patient: UUID?, subject: String, purpose: String = "treatment", by caller: Caller, on db: any Database) async throws {
        try await AuditLog.append(
            .init(actorID: caller.userID, action: action, patientID: patient, subject: subject, purpose: purpose, requestID: caller.requestID),
            at: clock.now(), on: db)
    }
}
