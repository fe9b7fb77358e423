import FluentKit
import Foundation
import LiaisonCore
import SQLKit

/// Every statement about care events.
public enum CareEventQueries {
    /// The patient's events, newest first, with who recorded and acknowledged them.
    public static func events(of patientID: UUID, on db: any Database) async throws -> [CareEvent] {
        try await CareEvent.query(on: db).filter(\.$patient.$id == patientID).sort(\.$occurredAt, .descending)
            .with(\.$recordedBy).with(\.$acknowledgedBy).limit(500).all()
    }

    /// The event locked until the transaction ends: acknowledged or cancelled once, whoever
    /// clicks at the same moment.
    public static func lock(_ id: UUID, on db: any Database) async throws -> CareEvent? {
        guard let event = try await db.sql.models(CareEvent.self, "SELECT * FROM care_events WHERE id = \(bind: id)\(forUpdate(db))").first else { return nil }
        _ = try await event.$patient.get(on: db)
        return event
    }

    /// The event a sender already recorded under its own id, if any.
    public static func event(sentBy userID: UUID, externalID: String, on db: any Database) async throws -> CareEvent? {
        try await CareEvent.query(on: db).filter(\.$recordedBy.$id == userID).filter(\.$externalID == externalID).first()
    }

    /// The feed's open events for one visit of one patient, newest first, locked: an update or a
    /// cancellation applies to what it finds, whatever arrives alongside.
    public static func lockVisit(_ visitNumber: String, feed feedID: UUID, patient patientID: UUID, on db: any Database) async throws -> [CareEvent] {
        try await db.sql.models(CareEvent.self, """
            SELECT * FROM care_events WHERE feed_id = \(bind: feedID) AND visit_number = \(bind: visitNumber) AND patient_id = \(bind: patientID)
              AND cancelled_at IS NULL ORDER BY recorded_at DESC\(forUpdate(db))
            """)
    }

    /// Events on the person's current patients still waiting to be acknowledged: urgent first,
    /// then newest. From the person's memberships, so the cost follows their caseload.
    public static func toAcknowledge(byMember userID: UUID, at now: Date, on db: any Database) async throws -> [CareEvent] {
        let ids = try await db.sql.ids("""
            SELECT DISTINCT e.id FROM care_team_members m JOIN care_events e ON e.patient_id = m.patient_id AND e.acknowledged_at IS NULL
            WHERE m.user_id = \(bind: userID) AND m.started_at <= \(bind: now) AND (m.ended_at IS NULL OR m.ended_at > \(bind: now)) AND e.cancelled_at IS NULL
            LIMIT 200
            """)
        guard !ids.isEmpty else { return [] }
        let found = try await CareEvent.query(on: db).filter(\.$id ~~ ids).with(\.$patient).sort(\.$recordedAt, .descending).all()
        return found.filter(\.eventKind.isUrgent) + found.filter { !$0.eventKind.isUrgent }
    }

    /// Visits owed after discharges of the person's current patients, soonest due first.
    public static func followUpsOwed(byMember userID: UUID, at now: Date, on db: any Database) async throws -> [CareEvent] {
        let ids = try await db.sql.ids("""
            SELECT DISTINCT e.id FROM care_team_members m JOIN care_events e ON e.patient_id = m.patient_id AND e.follow_up_due_at IS NOT NULL
            WHERE m.user_id = \(bind: userID) AND m.started_at <= \(bind: now) AND (m.ended_at IS NULL OR m.ended_at > \(bind: now))
              AND e.follow_up_done_at IS NULL AND e.cancelled_at IS NULL
            LIMIT 200
            """)
        guard !ids.isEmpty else { return [] }
        return try await CareEvent.query(on: db).filter(\.$id ~~ ids).with(\.$patient).sort(\.$followUpDueAt).all()
    }

    /// Marks the visits owed after the patient's discharges up to `visit` as done.
    public static func completeFollowUps(of patientID: UUID, visitAt visit: Date, at now: Date, on db: any Database) async throws -> [UUID] {
        try await db.sql.ids("""
            UPDATE care_events SET follow_up_done_at = \(bind: now)
            WHERE patient_id = \(bind: patientID) AND follow_up_due_at IS NOT NULL AND follow_up_done_at IS NULL AND cancelled_at IS NULL
              AND occurred_at <= \(bind: visit) RETURNING id
            """)
    }

    /// Which step of escalation a sweep claims.
    public enum Escalation: Sendable {
        /// The rest of the care team hears the responsible clinician has not acknowledged it.
        case team
        /// The administrators of the team's organisations hear of it, by reference.
        case administrators
    }

    /// Urgent events not acknowledged by `step`'s time, each claimed by one statement so that two
    /// servers sweeping at once escalate each step once. Returns those claimed, with their patients.
    public static func claimEscalations(_ step: Escalation, at now: Date, on db: any Database) async throws -> [CareEvent] {
        let ids: [UUID]
        switch step {
        case .team:
            ids = try await db.sql.ids("""
                UPDATE care_events SET team_escalated_at = \(bind: now)
                WHERE acknowledged_at IS NULL AND cancelled_at IS NULL AND team_escalated_at IS NULL AND escalate_team_at <= \(bind: now) RETURNING id
                """)
        case .administrators:
            ids = try await db.sql.ids("""
                UPDATE care_events SET administrators_escalated_at = \(bind: now)
                WHERE acknowledged_at IS NULL AND cancelled_at IS NULL AND administrators_escalated_at IS NULL
                  AND escalate_administrators_at <= \(bind: now) RETURNING id
                """)
        }
        guard !ids.isEmpty else { return [] }
        return try await CareEvent.query(on: db).filter(\.$id ~~ ids).with(\.$patient).all()
    }
}

/// Every statement about hospital feeds and their messages.
public enum FeedQueries {
    /// The active feed a sending facility is registered as.
    public static func feed(sendingFacility: String, on db: any Database) async throws -> HospitalFeed? {
        try await HospitalFeed.query(on: db).filter(\.$sendingFacility == sendingFacility).filter(\.$disabledAt == nil).with(\.$organisation).first()
    }

    /// An organisation's feeds, active first.
    public static func feeds(of organisationID: UUID, on db: any Database) async throws -> [HospitalFeed] {
        let all = try await HospitalFeed.query(on: db).filter(\.$organisation.$id == organisationID).sort(\.$createdAt).all()
        return all.filter { $0.disabledAt == nil } + all.filter { $0.disabledAt != nil }
    }

    /// The message a feed already sent under `controlID`, if any.
    public static func message(feed feedID: UUID, controlID: String, on db: any Database) async throws -> FeedMessage? {
        try await FeedMessage.query(on: db).filter(\.$feed.$id == feedID).filter(\.$controlID == controlID).first()
    }

    /// Messages kept for an administrator: unmatched ones first, then the latest others.
    public static func messages(of feedIDs: [UUID], on db: any Database) async throws -> [FeedMessage] {
        guard !feedIDs.isEmpty else { return [] }
        let waiting = try await FeedMessage.query(on: db).filter(\.$feed.$id ~~ feedIDs).filter(\.$status == FeedMessageStatus.unmatched.rawValue)
            .sort(\.$receivedAt, .descending).limit(200).all()
        let recent = try await FeedMessage.query(on: db).filter(\.$feed.$id ~~ feedIDs).filter(\.$status != FeedMessageStatus.unmatched.rawValue)
            .sort(\.$receivedAt, .descending).limit(50).all()
        return waiting + recent
    }

    /// The message locked until the transaction ends, so one administrator resolves it.
    public static func lockMessage(_ id: UUID, on db: any Database) async throws -> FeedMessage? {
        guard let message = try await db.sql.models(FeedMessage.self, "SELECT * FROM hospital_feed_messages WHERE id = \(bind: id)\(forUpdate(db))").first else { return nil }
        _ = try await message.$feed.get(on: db)
        return message
    }

    /// The patients with any of `values` recorded as an identifier. Identifiers the feed's own
    /// organisation recorded win: when it knows one patient by these, that is the match.
    public static func patients(identifiedBy values: [String], preferring organisationID: UUID, on db: any Database) async throws -> [UUID] {
        guard !values.isEmpty else { return [] }
        let found = try await PatientIdentifier.query(on: db).filter(\.$value ~~ values).limit(50).all()
        let own = Set(found.filter { $0.$organisation.id == organisationID }.map(\.$patient.id))
        if !own.isEmpty { return Array(own) }
        return Array(Set(found.map(\.$patient.id)))
    }
}
