import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Writes audit entries for one service, with its clock.
struct Auditor: Sendable {
    let clock: any Clock
    /// Seals each entry when the operator configured `LIAISON_AUDIT_KEY`.
    var key: AuditKey? = nil

    func record(_ action: AuditAction, patient: UUID?, subject: String, purpose: String = "treatment", by caller: Caller, on db: any Database) async throws {
        try await record([action], patient: patient, subject: subject, purpose: purpose, by: caller, on: db)
    }

    /// Several steps of one request on the same subject, appended in order with one lock of the chain.
    func record(_ actions: [AuditAction], patient: UUID?, subject: String, purpose: String = "treatment", by caller: Caller, on db: any Database) async throws {
        try await AuditLog.append(
            actions.map {
                .init(actorID: caller.userID, action: $0.rawValue, patientID: patient, subject: subject, purpose: purpose, requestID: caller.requestID)
            },
            at: clock.now(), sealedWith: key, on: db)
    }

    /// A step on a person's account by themselves before they are signed in (a recovery code at
    /// sign-in), or by an operator's command (`actorID` nil).
    func recordAccount(_ action: AuditAction, userID: UUID, by actorID: UUID?, requestID: String, on db: any Database) async throws {
        try await AuditLog.append(
            [.init(actorID: actorID, action: action.rawValue, patientID: nil, subject: "user:\(userID)", purpose: "account", requestID: requestID)],
            at: clock.now(), sealedWith: key, on: db)
    }

    /// Steps the system takes on its own (the sweep), one entry each.
    func recordSystem(
        _ action: AuditAction, _ subjects: [(patient: UUID?, subject: String)], purpose: String, at moment: Date, requestID: String = "sweep", on db: any Database
    ) async throws {
        try await AuditLog.append(
            subjects.map { .init(actorID: nil, action: action.rawValue, patientID: $0.patient, subject: $0.subject, purpose: purpose, requestID: requestID) },
            at: moment, sealedWith: key, on: db)
    }

    /// Records a read in a transaction of its own. Callers read first (on a reader) and disclose
    /// nothing until this returns: no record leaves the server without its audit entry.
    func recordRead(_ action: AuditAction, patient: UUID?, subject: String, purpose: String = "treatment", by caller: Caller, in database: LiaisonDatabase) async throws {
        try await database.write { db in
            try await record(action, patient: patient, subject: subject, purpose: purpose, by: caller, on: db)
        }
    }
}
