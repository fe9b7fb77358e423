import FluentKit
import Foundation
import LiaisonCore
import SQLKit

/// Every statement about questionnaires, scores and flags.
public enum MeasurementQueries {
    /// The patient's responses, oldest first (the first of each instrument is its baseline).
    public static func responses(of patientID: UUID, on db: any Database) async throws -> [QuestionnaireResponse] {
        try await QuestionnaireResponse.query(on: db).filter(\.$patient.$id == patientID).sort(\.$completedAt).with(\.$enteredBy).all()
    }

    /// The first response to `kind`: the baseline.
    public static func baseline(of patientID: UUID, _ kind: InstrumentKind, on db: any Database) async throws -> QuestionnaireResponse? {
        try await QuestionnaireResponse.query(on: db).filter(\.$patient.$id == patientID).filter(\.$instrument == kind.rawValue)
            .sort(\.$completedAt).first()
    }

    /// When the patient last screened positive on the MDQ, if ever.
    public static func latestPositiveMDQ(of patientID: UUID, on db: any Database) async throws -> Date? {
        try await QuestionnaireResponse.query(on: db).filter(\.$patient.$id == patientID).filter(\.$instrument == InstrumentKind.mdq.rawValue)
            .filter(\.$positive == true).sort(\.$completedAt, .descending).first()?.completedAt
    }

    /// The patient's requests still waiting for an answer, soonest due first.
    public static func openRequests(of patientID: UUID, on db: any Database) async throws -> [QuestionnaireRequest] {
        try await QuestionnaireRequest.query(on: db).filter(\.$patient.$id == patientID).filter(\.$completedAt == nil).filter(\.$cancelledAt == nil)
            .sort(\.$dueAt).with(\.$requester).all()
    }

    /// The request locked until the transaction ends: completing it twice at once completes it once.
    public static func lockRequest(_ id: UUID, on db: any Database) async throws -> QuestionnaireRequest? {
        try await db.sql.models(QuestionnaireRequest.self, "SELECT * FROM questionnaire_requests WHERE id = \(bind: id)\(forUpdate(db))").first
    }

    /// The patient's flags, open ones first, newest first within each.
    public static func flags(of patientID: UUID, on db: any Database) async throws -> [MeasurementFlag] {
        let found = try await MeasurementFlag.query(on: db).filter(\.$patient.$id == patientID).sort(\.$createdAt, .descending).with(\.$acknowledgedBy).all()
        return found.filter { $0.acknowledgedAt == nil } + found.filter { $0.acknowledgedAt != nil }
    }

    /// Whether a flag of `kind` is still open for the patient.
    public static func hasOpenFlag(_ kind: FlagKind, patient patientID: UUID, on db: any Database) async throws -> Bool {
        try await MeasurementFlag.query(on: db).filter(\.$patient.$id == patientID).filter(\.$kind == kind.rawValue).filter(\.$acknowledgedAt == nil).count() > 0
    }

    /// The flag locked until the transaction ends: acknowledged once, whoever clicks at the same moment.
    public static func lockFlag(_ id: UUID, on db: any Database) async throws -> MeasurementFlag? {
        guard let flag = try await db.sql.models(MeasurementFlag.self, "SELECT * FROM measurement_flags WHERE id = \(bind: id)\(forUpdate(db))").first else { return nil }
        _ = try await flag.$patient.get(on: db)
        return flag
    }

    /// Open flags on the patients whose care team the person is on now, newest first.
    public static func openFlags(forMember userID: UUID, at now: Date, on db: any Database) async throws -> [MeasurementFlag] {
        // From the person's memberships to their patients' open flags: the cost follows their caseload.
        let ids = try await db.sql.ids("""
            SELECT DISTINCT f.id, f.created_at FROM care_team_members m JOIN measurement_flags f ON f.patient_id = m.patient_id AND f.acknowledged_at IS NULL
            WHERE m.user_id = \(bind: userID) AND m.started_at <= \(bind: now) AND (m.ended_at IS NULL OR m.ended_at > \(bind: now))
            ORDER BY f.created_at DESC LIMIT 200
            """)
        guard !ids.isEmpty else { return [] }
        return try await MeasurementFlag.query(on: db).filter(\.$id ~~ ids).with(\.$patient).sort(\.$createdAt, .descending).all()
    }

    /// Unacknowledged flags past their escalation time, each claimed in one statement so that two
    /// servers sweeping at once escalate it once. Returns those claimed, with their patients.
    public static func claimEscalations(at now: Date, on db: any Database) async throws -> [MeasurementFlag] {
        let ids = try await db.sql.ids("""
            UPDATE measurement_flags SET escalated_at = \(bind: now)
            WHERE acknowledged_at IS NULL AND escalated_at IS NULL AND escalate_at <= \(bind: now) RETURNING id
            """)
        guard !ids.isEmpty else { return [] }
        return try await MeasurementFlag.query(on: db).filter(\.$id ~~ ids).with(\.$patient).all()
    }
}
