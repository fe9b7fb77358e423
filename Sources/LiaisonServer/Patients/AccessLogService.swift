import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Who looked at or changed a patient's record: for the team and for the patient.
struct AccessLogService: Sendable {
    let database: LiaisonDatabase
    let access: PatientAccessService
    let auditor: Auditor

    struct Line: Sendable {
        let at: Date
        let who: String
        let action: String
        let purpose: String
        /// The whole line in plain words, for the patient.
        let sentence: String
    }

    func log(of patientID: UUID, by caller: Caller, limit: Int = 200) async throws -> (Patient, [Line]) {
        try await database.write { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .accessLog, on: db)
            let entries = try await AuditEntry.query(on: db).filter(\.$patientID == patientID).sort(\.$sequence, .descending).limit(limit).all()
            let actorIDs = Set(entries.compactMap(\.actorID))
            let names = Dictionary(uniqueKeysWithValues: try await UserAccount.query(on: db).filter(\.$id ~~ actorIDs).all().map { ($0.id!, $0.displayName) })
            try await auditor.record(.accessLogRead, patient: patientID, subject: "access-log:\(patientID)", by: caller, on: db)
            let patientUser = authorized.patient.portalUserID
            let lines = entries.map {
                let who = $0.actorID.flatMap { names[$0] } ?? "Liaison"
                return Line(
                    at: $0.occurredAt, who: who, action: AuditAction.words(for: $0.action), purpose: $0.purpose,
                    sentence: AuditAction.sentence(who: $0.actorID != nil && $0.actorID == patientUser ? nil : who, action: $0.action, purpose: $0.purpose))
            }
            return (authorized.patient, lines)
        }
    }
}
