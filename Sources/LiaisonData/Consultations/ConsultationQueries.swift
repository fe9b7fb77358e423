import FluentKit
import Foundation
import LiaisonCore
import SQLKit

/// Every statement about second-opinion consultations.
public enum ConsultationQueries {
    /// The consultation locked until the transaction ends (`FOR UPDATE` on PostgreSQL; SQLite has
    /// one writer), with its patient, people and organisation loaded: every step takes it this way
    /// before consulting the state machine.
    public static func lockForChange(_ id: UUID, on db: any Database) async throws -> Consultation? {
        let locked = try await db.sql.models(Consultation.self, "SELECT * FROM consultations WHERE id = \(bind: id)\(forUpdate(db))")
        guard let consultation = locked.first else { return nil }
        try await load(consultation, on: db)
        return consultation
    }

    /// One consultation with its patient, people and organisation.
    public static func consultation(_ id: UUID, on db: any Database) async throws -> Consultation? {
        guard let consultation = try await Consultation.find(id, on: db) else { return nil }
        try await load(consultation, on: db)
        return consultation
    }

    private static func load(_ consultation: Consultation, on db: any Database) async throws {
        _ = try await consultation.$patient.get(on: db)
        _ = try await consultation.$consultant.get(on: db)
        _ = try await consultation.$requester.get(on: db)
        _ = try await consultation.$organisation.get(on: db)
    }

    /// A patient's consultations, newest first.
    public static func consultations(ofPatient patientID: UUID, on db: any Database) async throws -> [Consultation] {
        try await Consultation.query(on: db).filter(\.$patient.$id == patientID).with(\.$consultant).with(\.$requester).with(\.$patient)
            .sort(\.$createdAt, .descending).all()
    }

    /// The consultations a person is the consultant of, or asked for as a clinician, newest first.
    public static func consultations(of userID: UUID, on db: any Database) async throws -> [Consultation] {
        try await Consultation.query(on: db).group(.or) { $0.filter(\.$consultant.$id == userID).filter(\.$requester.$id == userID) }
            .with(\.$consultant).with(\.$requester).with(\.$patient).sort(\.$createdAt, .descending).limit(200).all()
    }

    /// Requests nobody answered before they expired, up to `limit`.
    public static func expiryCandidates(at now: Date, limit: Int, on db: any Database) async throws -> [Consultation] {
        try await Consultation.query(on: db).filter(\.$state == ConsultationState.requested.rawValue).filter(\.$expiresAt <= now)
            .with(\.$patient).with(\.$consultant).sort(\.$expiresAt).limit(limit).all()
    }

    /// Requests whose answer is due within `lead` and whose consultant was not yet reminded: each is
    /// claimed in one statement, so two servers sweeping at once remind once. Returns those claimed.
    public static func claimReminders(dueBefore limit: Date, at now: Date, on db: any Database) async throws -> [Consultation] {
        let ids = try await db.sql.ids("""
            UPDATE consultations SET reminded_at = \(bind: now)
            WHERE state = \(bind: ConsultationState.requested.rawValue) AND reminded_at IS NULL AND answer_due_at <= \(bind: limit) RETURNING id
            """)
        guard !ids.isEmpty else { return [] }
        return try await Consultation.query(on: db).filter(\.$id ~~ ids).with(\.$patient).with(\.$consultant).all()
    }

    /// Requests still unanswered past their escalation time, not yet escalated: each claimed in one
    /// statement, so two servers sweeping at once escalate once. Returns those claimed.
    public static func claimEscalations(at now: Date, on db: any Database) async throws -> [Consultation] {
        let ids = try await db.sql.ids("""
            UPDATE consultations SET escalated_at = \(bind: now)
            WHERE state = \(bind: ConsultationState.requested.rawValue) AND escalated_at IS NULL AND escalate_at <= \(bind: now) RETURNING id
            """)
        guard !ids.isEmpty else { return [] }
        return try await Consultation.query(on: db).filter(\.$id ~~ ids).with(\.$consultant).all()
    }

    /// Moves those still requested to expired, in one statement: two servers sweeping at once
    /// expire each once. Returns the ids this call expired.
    public static func expire(_ ids: [UUID], reason: String, at now: Date, on db: any Database) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        return Set(try await db.sql.ids("""
            UPDATE consultations SET state = \(bind: ConsultationState.expired.rawValue), ended_reason = \(bind: reason), updated_at = \(bind: now)
            WHERE id IN (\(SQLList(ids.map { SQLBind($0) }))) AND state = \(bind: ConsultationState.requested.rawValue) RETURNING id
            """))
    }
}
