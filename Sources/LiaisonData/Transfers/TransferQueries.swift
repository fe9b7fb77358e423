import FluentKit
import Foundation
import LiaisonCore
import SQLKit

/// Every statement about transfers of care.
public enum TransferQueries {
    /// The transfer locked until the transaction ends (`FOR UPDATE` on PostgreSQL; SQLite has one
    /// writer), with its patient, people and organisation loaded: every step takes it this way
    /// before consulting the state machine.
    public static func lockForChange(_ id: UUID, on db: any Database) async throws -> Transfer? {
        guard let transfer = try await db.sql.models(Transfer.self, "SELECT * FROM transfers WHERE id = \(bind: id)\(forUpdate(db))").first else { return nil }
        try await load([transfer], on: db)
        return transfer
    }

    /// One transfer with its patient, people and organisation.
    public static func transfer(_ id: UUID, on db: any Database) async throws -> Transfer? {
        guard let transfer = try await Transfer.find(id, on: db) else { return nil }
        try await load([transfer], on: db)
        return transfer
    }

    /// A patient's transfers, newest first.
    public static func transfers(ofPatient patientID: UUID, on db: any Database) async throws -> [Transfer] {
        let found = try await Transfer.query(on: db).filter(\.$patient.$id == patientID).sort(\.$createdAt, .descending).all()
        try await load(found, on: db)
        return found
    }

    /// The transfers a clinician takes over, hands over or asked for, newest first.
    public static func transfers(of userID: UUID, on db: any Database) async throws -> [Transfer] {
        let found = try await Transfer.query(on: db)
            .group(.or) { $0.filter(\.$incoming.$id == userID).filter(\.$outgoing.$id == userID).filter(\.$requester.$id == userID) }
            .sort(\.$createdAt, .descending).limit(200).all()
        try await load(found, on: db)
        return found
    }

    /// The transfer under way for this patient and role, if any (requested or accepted).
    public static func open(patient patientID: UUID, role: TransferRole, on db: any Database) async throws -> Transfer? {
        try await Transfer.query(on: db).filter(\.$patient.$id == patientID).filter(\.$role == role.rawValue)
            .filter(\.$state ~~ TransferState.allCases.filter(\.isOpen).map(\.rawValue)).first()
    }

    /// Requests nobody answered before they expired, up to `limit`.
    public static func expiryCandidates(at now: Date, limit: Int, on db: any Database) async throws -> [Transfer] {
        let found = try await Transfer.query(on: db).filter(\.$state == TransferState.requested.rawValue).filter(\.$expiresAt <= now)
            .sort(\.$expiresAt).limit(limit).all()
        try await load(found, on: db)
        return found
    }

    /// Moves those still requested to expired, in one statement: two servers sweeping at once
    /// expire each once. Returns the ids this call expired.
    public static func expire(_ ids: [UUID], reason: String, at now: Date, on db: any Database) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        return Set(try await db.sql.ids("""
            UPDATE transfers SET state = \(bind: TransferState.expired.rawValue), ended_reason = \(bind: reason), updated_at = \(bind: now)
            WHERE id IN (\(binds: ids)) AND state = \(bind: TransferState.requested.rawValue) RETURNING id
            """))
    }

    /// What the sweep chases, each claimed in one statement so that two servers sweeping at once
    /// send it once.
    public enum Chase: Sendable, CaseIterable {
        /// The incoming clinician's answer is due soon.
        case answerDueSoon
        /// The handoff summary is due soon.
        case handoffDueSoon
        /// The handoff summary is well past due: the outgoing clinician's administrators hear of it.
        case handoffEscalated
    }

    /// Claims the transfers `chase` applies to at `now` (`lead` ahead for the "due soon" ones),
    /// loaded. Returns those claimed by this call.
    public static func claim(_ chase: Chase, lead: TimeInterval, at now: Date, on db: any Database) async throws -> [Transfer] {
        let soon = now.addingTimeInterval(lead)
        let owed: SQLQueryString = "handoff_written_at IS NULL AND state IN (\(bind: TransferState.accepted.rawValue), \(bind: TransferState.completed.rawValue))"
        let statement: SQLQueryString = switch chase {
        case .answerDueSoon:
            "UPDATE transfers SET reminded_at = \(bind: now) WHERE state = \(bind: TransferState.requested.rawValue) AND reminded_at IS NULL AND answer_due_at <= \(bind: soon) RETURNING id"
        case .handoffDueSoon:
            "UPDATE transfers SET handoff_reminded_at = \(bind: now) WHERE \(owed) AND handoff_reminded_at IS NULL AND handoff_due_at <= \(bind: soon) RETURNING id"
        case .handoffEscalated:
            "UPDATE transfers SET handoff_escalated_at = \(bind: now) WHERE \(owed) AND handoff_escalated_at IS NULL AND handoff_escalate_at <= \(bind: now) RETURNING id"
        }
        let ids = try await db.sql.ids(statement)
        guard !ids.isEmpty else { return [] }
        let found = try await Transfer.query(on: db).filter(\.$id ~~ ids).all()
        try await load(found, on: db)
        return found
    }

    /// Patients, people and organisations for `transfers`, a query each.
    private static func load(_ transfers: [Transfer], on db: any Database) async throws {
        guard !transfers.isEmpty else { return }
        let users = try await db.sql.users(transfers.flatMap { [$0.$outgoing.id, $0.$incoming.id, $0.$requester.id] })
        let patients = try await Patient.query(on: db).filter(\.$id ~~ Set(transfers.map(\.$patient.id))).all()
        let organisations = try await db.sql.organisations(transfers.compactMap(\.$organisation.id))
        for transfer in transfers {
            transfer.$outgoing.value = users[transfer.$outgoing.id]
            transfer.$incoming.value = users[transfer.$incoming.id]
            transfer.$requester.value = users[transfer.$requester.id]
            transfer.$patient.value = patients.first { $0.id == transfer.$patient.id }
            transfer.$organisation.value = .some(transfer.$organisation.id.flatMap { organisations[$0] })
        }
    }
}
