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
        try await record([action], patient: patient, subject: subject, purpose: purpose, by: caller, on: db)
    }

    /// Several steps of one request on the same subject, appended in order with one lock of the chain.
    func record(_ actions: [String], patient: UUID?, subject: String, purpose: String = "treatment", by caller: Caller, on db: any Database) async throws {
        try await AuditLog.append(
            actions.map { .init(actorID: caller.userID, action: $0, patientID: patient, subject: subject, purpose: purpose, requestID: caller.requestID) },
            at: clock.now(), on: db)
    }

    /// Records a read in a transaction of its own. Callers read first (on a reader) and disclose
    /// nothing until this returns: no record leaves the server without its audit entry.
    func recordRead(_ action: String, patient: UUID?, subject: String, purpose: String = "treatment", by caller: Caller, in database: LiaisonDatabase) async throws {
        try await database.db().transaction { db in
            try await record(action, patient: patient, subject: subject, purpose: purpose, by: caller, on: db)
        }
    }
}
