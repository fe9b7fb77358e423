import FluentKit
import Foundation
import LiaisonCore
import SQLKit

/// The reminders the sweep sends, each at most once per referral.
public enum ReminderKind: String, CaseIterable, Sendable {
    case dueSoon = "due-soon"
    case overdue
    case escalated
    case closingOverdue = "closing-overdue"

    /// Sent once a time has passed, so a complete pass leaves a mark behind which the next need
    /// not look. Due-soon reminders look ahead of the moment, and a referral with a same-day target
    /// can be sent due within the lead, so they keep none.
    public var keepsMark: Bool { self != .dueSoon }

    /// The states a referral is reminded in.
    var states: [ReferralState] { self == .closingOverdue ? [.inCare] : SweepQueries.awaiting }
}

/// A referral the sweep acts on, with the names its messages use.
public struct SweepCandidate: Decodable, Sendable, Equatable {
    public let id: UUID
    public let patientID: UUID
    public let givenName: String
    public let familyName: String
    public let referrerID: UUID
    public let displayName: String
    public let recipientID: UUID?
    public let recipientOrganisationID: UUID?

    /// The columns, named once here rather than converted at every row.
    private enum CodingKeys: String, CodingKey {
        case id, patientID = "patient_id", givenName = "given_name", familyName = "family_name", referrerID = "referrer_id", displayName = "display_name"
        case recipientID = "recipient_id", recipientOrganisationID = "recipient_organisation_id"
    }

    public var patientName: String { "\(givenName) \(familyName)" }
    public var referrerName: String { displayName }
}

/// The statements of the referral sweep. Candidates are found from covering indexes; a claim is a
/// statement that only one server can win (a state-checking update, or a conflict-ignoring insert
/// of the reminder row), so several servers sweeping at once act on each referral once.
public enum SweepQueries {
    /// States the state machine lets the system expire.
    static let expirable = ReferralState.allCases.filter { (try? ReferralStateMachine.apply(.expire, to: $0, by: .system)) == .expired }
    static let awaiting = ReferralState.allCases.filter(\.awaitsAcknowledgement)

    /// The states written out, not bound: a query uses one of the sweep's partial indexes
    /// (`NarrowSweepIndexes`) only when its condition names the index's states the same way.
    static func state(in states: [ReferralState]) -> SQLQueryString {
        states.count == 1
            ? "r.state = \(unsafeRaw: "'\(states[0].rawValue)'")"
            : "r.state IN (\(unsafeRaw: states.map { "'\($0.rawValue)'" }.joined(separator: ", ")))"
    }

    /// How far before a pass's moment its mark is set: a referral's due times are set from the
    /// clock of the server that sends it, which may run a little behind the sweeping server's.
    public static let markMargin: TimeInterval = 3600

    /// Up to `limit` open referrals past their expiry.
    public static func expiryCandidates(at now: Date, limit: Int, on db: any Database) async throws -> [SweepCandidate] {
        try await candidates("\(state(in: expirable)) AND r.expires_at <= \(bind: now)", limit: limit, on: db)
    }

    /// Expires those of `ids` still open; returns the ones this call expired.
    public static func expire(_ ids: [UUID], reason: String, at now: Date, on db: any Database) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        return try await Set(db.sql.raw("""
            UPDATE referrals SET state = \(bind: ReferralState.expired.rawValue), updated_at = \(bind: now), ended_reason = \(bind: reason)
            WHERE id IN (\(binds: ids)) AND state IN (\(binds: expirable.map(\.rawValue))) RETURNING id
            """).all().map { try $0.decode(column: "id", as: UUID.self) })
    }

    /// Up to `limit` referrals due the reminder `kind` that have not had it. A reminder sent once a
    /// time has passed (overdue, escalated, closing overdue) is looked for only from the kind's
    /// mark on: before it, every referral has been claimed by an earlier pass.
    public static func reminderCandidates(_ kind: ReminderKind, at now: Date, lead: TimeInterval, limit: Int, on db: any Database) async throws -> [SweepCandidate] {
        let since = try await mark(kind, on: db) ?? .distantPast
        let due: SQLQueryString = switch kind {
        case .dueSoon:
            "\(state(in: kind.states)) AND r.acknowledgement_due_at > \(bind: now) AND r.acknowledgement_due_at <= \(bind: now.addingTimeInterval(lead))"
        case .overdue: "\(state(in: kind.states)) AND r.acknowledgement_due_at >= \(bind: since) AND r.acknowledgement_due_at < \(bind: now)"
        case .escalated: "\(state(in: kind.states)) AND r.escalate_at >= \(bind: since) AND r.escalate_at < \(bind: now)"
        case .closingOverdue: "\(state(in: kind.states)) AND r.closing_due_at >= \(bind: since) AND r.closing_due_at < \(bind: now)"
        }
        return try await candidates(
            "\(due) AND NOT EXISTS (SELECT 1 FROM referral_reminders m WHERE m.referral_id = r.id AND m.kind = \(bind: kind.rawValue))",
            limit: limit, on: db)
    }

    /// Those of `ids` still in the states `kind` reminds about: a referral answered (or expired)
    /// since the sweep found it keeps its claimed row but is not chased.
    public static func stillDue(_ kind: ReminderKind, _ ids: Set<UUID>, on db: any Database) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        return try await Set(db.sql.raw("""
            SELECT id FROM referrals WHERE id IN (\(binds: Array(ids))) AND state IN (\(binds: kind.states.map(\.rawValue)))
            """).all().map { try $0.decode(column: "id", as: UUID.self) })
    }

    /// Where the sweep for `kind` looks from; nil before its first complete pass, and for a kind
    /// that keeps no mark.
    public static func mark(_ kind: ReminderKind, on db: any Database) async throws -> Date? {
        guard kind.keepsMark else { return nil }
        return try await db.sql.raw("SELECT through FROM sweep_marks WHERE kind = \(bind: kind.rawValue)").first()?.decode(column: "through", as: Date.self)
    }

    /// Records a complete pass for `kind` as of `now`: every referral in the kind's states whose
    /// time had passed has its reminder. Referrals get due times after they are sent, so none can
    /// later appear behind the mark. The mark is kept behind the real time (a pass as of a future
    /// moment, `liaison sweep --at`, does not move it past referrals still to be sent) by a margin
    /// for servers' clocks, and it never moves back (a slower server's pass may finish later).
    public static func passed(_ kind: ReminderKind, at now: Date, on db: any Database) async throws {
        guard kind.keepsMark else { return }
        let through = min(now, Date()).addingTimeInterval(-markMargin)
        try await db.sql.raw("""
            INSERT INTO sweep_marks (kind, through) VALUES (\(bind: kind.rawValue), \(bind: through))
            ON CONFLICT (kind) DO UPDATE SET through = CASE WHEN sweep_marks.through < excluded.through THEN excluded.through ELSE sweep_marks.through END
            """).run()
    }

    /// Inserts the reminder rows for `ids`, ignoring those already there; returns the referrals
    /// whose row this call inserted. The row is the idempotency key: only those are chased.
    public static func claimReminders(_ kind: ReminderKind, for ids: [UUID], at now: Date, on db: any Database) async throws -> Set<UUID> {
        try await claimReminders(kind.rawValue, for: ids, at: now, on: db)
    }

    /// An administrator's chase of one referral, claimed once a day (`day` in the organisation's
    /// calendar); false when it was already chased that day.
    public static func claimChase(of id: UUID, day: String, at now: Date, on db: any Database) async throws -> Bool {
        try await claimReminders("chased:\(day)", for: [id], at: now, on: db).contains(id)
    }

    private static func claimReminders(_ kind: String, for ids: [UUID], at now: Date, on db: any Database) async throws -> Set<UUID> {
        guard !ids.isEmpty else { return [] }
        var insert = db.sql.insert(into: ReferralReminder.schema).columns("id", "referral_id", "kind", "created_at")
        for id in ids {
            insert = insert.values(SQLBind(UUID.ordered()), SQLBind(id), SQLBind(kind), SQLBind(now))
        }
        return try await Set(insert.ignoringConflicts(with: ["referral_id", "kind"]).returning("referral_id").all()
            .map { try $0.decode(column: "referral_id", as: UUID.self) })
    }

    private static func candidates(_ condition: SQLQueryString, limit: Int, on db: any Database) async throws -> [SweepCandidate] {
        try await db.sql.rows(SweepCandidate.self, """
            SELECT r.id, r.patient_id, r.referrer_id, r.recipient_id, r.recipient_organisation_id, p.given_name, p.family_name, u.display_name
            FROM referrals r JOIN patients p ON p.id = r.patient_id JOIN users u ON u.id = r.referrer_id
            WHERE \(condition) LIMIT \(literal: limit)
            """)
    }
}
