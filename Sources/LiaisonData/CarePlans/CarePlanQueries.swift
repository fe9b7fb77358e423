import FluentKit
import Foundation
import LiaisonCore
import SQLKit

/// Every statement about treatment plans, medications, cadence and visits.
public enum CarePlanQueries {
    /// Every version of the plan, newest first (the first is the plan now).
    public static func planVersions(of patientID: UUID, on db: any Database) async throws -> [CarePlanVersion] {
        try await CarePlanVersion.query(on: db).filter(\.$patient.$id == patientID).sort(\.$createdAt, .descending).with(\.$author).limit(50).all()
    }

    /// The medication list, current first, then stopped ones newest first.
    public static func medications(of patientID: UUID, on db: any Database) async throws -> [MedicationRecord] {
        let all = try await MedicationRecord.query(on: db).filter(\.$patient.$id == patientID).sort(\.$createdAt, .descending).with(\.$prescriber).all()
        return all.filter(\.isCurrent) + all.filter { !$0.isCurrent }
    }

    public static func lockMedication(_ id: UUID, on db: any Database) async throws -> MedicationRecord? {
        try await db.sql.models(MedicationRecord.self, "SELECT * FROM medications WHERE id = \(bind: id)\(forUpdate(db))").first
    }

    public static func cadences(of patientID: UUID, on db: any Database) async throws -> [FollowUpCadence] {
        try await FollowUpCadence.query(on: db).filter(\.$patient.$id == patientID).with(\.$setBy).all()
    }

    public static func visits(of patientID: UUID, on db: any Database) async throws -> [VisitRecord] {
        try await VisitRecord.query(on: db).filter(\.$patient.$id == patientID).sort(\.$visitedAt, .descending).with(\.$clinician).limit(100).all()
    }

    /// The latest visit in `role`, if any.
    public static func lastVisit(of patientID: UUID, role: CareTeamRole, on db: any Database) async throws -> Date? {
        try await VisitRecord.query(on: db).filter(\.$patient.$id == patientID).filter(\.$role == role.rawValue).sort(\.$visitedAt, .descending).first()?.visitedAt
    }

    /// Recomputes the cadence's next due time from the last visit in its role.
    public static func refreshNextDue(_ cadence: FollowUpCadence, on db: any Database) async throws {
        let last = try await lastVisit(of: cadence.$patient.id, role: cadence.careTeamRole, on: db)
        cadence.nextDueAt = FollowUp.nextDue(lastVisit: last, cadenceSetAt: cadence.setAt, intervalDays: cadence.intervalDays)
        try await cadence.save(on: db)
        try await refreshSummaries(of: cadence.$patient.id, on: db)
    }

    /// The soonest follow-up due for the patient, any role.
    public static func soonestDue(of patientID: UUID, on db: any Database) async throws -> Date? {
        try await FollowUpCadence.query(on: db).filter(\.$patient.$id == patientID).sort(\.$nextDueAt).first()?.nextDueAt
    }

    /// Copies the soonest follow-up onto the patient's registry rows.
    static func refreshSummaries(of patientID: UUID, on db: any Database) async throws {
        let due = try await soonestDue(of: patientID, on: db) ?? MeasurementSummary.noFollowUp
        try await db.sql.raw("UPDATE measurement_summaries SET next_due_at = \(bind: due) WHERE patient_id = \(bind: patientID)").run()
    }

    /// The cadences of the patients the person holds that role for now, soonest due first.
    public static func followUps(forMember userID: UUID, at now: Date, on db: any Database) async throws -> [FollowUpCadence] {
        try await db.sql.models(FollowUpCadence.self, """
            SELECT c.* FROM follow_up_cadences c
            WHERE EXISTS (SELECT 1 FROM care_team_members m WHERE m.patient_id = c.patient_id AND m.user_id = \(bind: userID) AND m.role = c.role
                            AND m.started_at <= \(bind: now) AND (m.ended_at IS NULL OR m.ended_at > \(bind: now)))
            ORDER BY c.next_due_at
            """)
    }

    /// Cadences due within `lead` (and not more than a day overdue) whose due time was not yet
    /// reminded of, each claimed in one statement so two servers sweeping at once remind once.
    public static func claimReminders(lead: TimeInterval, at now: Date, on db: any Database) async throws -> [FollowUpCadence] {
        let ids = try await db.sql.ids("""
            UPDATE follow_up_cadences SET reminded_due_at = next_due_at
            WHERE next_due_at <= \(bind: now.addingTimeInterval(lead)) AND next_due_at > \(bind: now.addingTimeInterval(-86400))
              AND (reminded_due_at IS NULL OR reminded_due_at <> next_due_at) RETURNING id
            """)
        guard !ids.isEmpty else { return [] }
        return try await FollowUpCadence.query(on: db).filter(\.$id ~~ ids).with(\.$patient).all()
    }
}
