import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import SQLKit

/// The lists that keep loops from being forgotten, and the figures that show how well they close.
struct ReferralWorklists: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let auditor: Auditor

    /// One line of a worklist: only what the list shows.
    struct Item: Sendable {
        let referralID: UUID
        let patientGivenName: String
        let patientFamilyName: String
        /// The other side: the referrer, or the recipient (a clinician or an organisation's intake).
        let counterpart: String
        let urgency: Urgency
        let state: ReferralState
        /// What is owed now and by when.
        let owed: String
        let due: Date?
        /// The receiving organisation's zone, in which due times are shown.
        let timeZone: TimeZone
        let status: DueStatus?
    }

    /// The most pressing lines of a worklist (overdue first, then by due time) and its size.
    struct List: Sendable {
        let items: [Item]
        let total: Int
        let overdue: Int
    }

    /// Lines shown at most; the totals count the rest.
    static let limit = 50

    /// What the caller owes: acknowledgements (theirs, or their organisations' unclaimed intake)
    /// and closing summaries after discharge.
    func owed(by caller: Caller) async throws -> List {
        let awaiting = Self.states(\.awaitsAcknowledgement)
        let organisations = Array(caller.identity.actor.memberships.keys)
        var branches: [SQLQueryString] = [
            "r.recipient_id = \(bind: caller.userID) AND r.state IN (\(binds: awaiting))",
            "r.recipient_id = \(bind: caller.userID) AND r.state = \(bind: ReferralState.inCare.rawValue) AND r.discharged_at IS NOT NULL",
        ]
        if !organisations.isEmpty {
            branches.append("r.recipient_organisation_id IN (\(binds: organisations)) AND r.state IN (\(binds: awaiting)) AND r.recipient_id IS NULL")
        }
        let list = try await lines(
            branches,
            due: "CASE WHEN r.state = \(bind: ReferralState.inCare.rawValue) THEN r.closing_due_at ELSE r.acknowledgement_due_at END",
            owed: { $0 == .inCare ? "Closing summary" : "Acknowledgement" },
            counterpart: { row in row.referrer })
        try await auditor.recordRead("worklist.owed", patient: nil, subject: "referrals:\(list.items.count)", by: caller, in: database)
        return list
    }

    /// What the caller is waiting to hear about: their open referrals.
    func waiting(by caller: Caller) async throws -> List {
        let open = [ReferralState.draft, .sent, .received, .accepted, .scheduled, .inCare].map(\.rawValue)
        let awaiting = Self.states(\.awaitsAcknowledgement)
        let list = try await lines(
            ["r.referrer_id = \(bind: caller.userID) AND r.state IN (\(binds: open))"],
            due: """
                CASE WHEN r.state IN (\(binds: awaiting)) THEN r.acknowledgement_due_at
                WHEN r.state = \(bind: ReferralState.draft.rawValue) THEN NULL ELSE r.closing_due_at END
                """,
            owed: { state in
                switch state {
                case .draft: "Not sent yet"
                case .sent, .received: "Acknowledgement"
                default: "Closing summary"
                }
            },
            counterpart: { row in row.recipient ?? "\(row.organisation ?? "Organisation") intake" })
        try await auditor.recordRead("worklist.waiting", patient: nil, subject: "referrals:\(list.items.count)", by: caller, in: database)
        return list
    }

    /// Unacknowledged referrals past due that the organisation owes (its administrators' view).
    func overdue(for organisationID: UUID, by caller: Caller) async throws -> List {
        guard caller.identity.actor.mayAdminister(organisation: organisationID) else { throw AppError.forbidden }
        let list = try await lines(
            ["""
                r.recipient_organisation_id = \(bind: organisationID) AND r.state IN (\(binds: Self.states(\.awaitsAcknowledgement)))
                AND r.acknowledgement_due_at < \(bind: clock.now())
                """],
            due: "r.acknowledgement_due_at",
            owed: { _ in "Acknowledgement" },
            counterpart: { row in row.recipient ?? "Intake" })
        try await auditor.recordRead("worklist.organisation-overdue", patient: nil, subject: "referrals:\(list.items.count)", by: caller, in: database)
        return list
    }

    private static func states(_ include: (ReferralState) -> Bool) -> [String] {
        ReferralState.allCases.filter(include).map(\.rawValue)
    }

    /// The names a line's counterpart is chosen from.
    struct Names {
        let referrer: String
        let recipient: String?
        let organisation: String?
    }

    /// One query for the lines and one for the totals. The referrals are chosen by `branches`
    /// (disjoint conditions on alias `r`, each answered from a covering index), and only the
    /// lines shown are then fetched and joined to names.
    private func lines(
        _ branches: [SQLQueryString], due: SQLQueryString, owed: (ReferralState) -> String, counterpart: (Names) -> String
    ) async throws -> List {
        let sql = database.reader() as! any SQLDatabase
        let now = clock.now()
        let chosen = branches.map { "SELECT r.id AS id, \(due) AS due FROM referrals r WHERE \($0)" as SQLQueryString }.joined(separator: " UNION ALL ")
        let pressing: SQLQueryString = "CASE WHEN due < \(bind: now) THEN 0 ELSE 1 END, CASE WHEN due IS NULL THEN 1 ELSE 0 END, due, id"
        let rows = try await sql.raw("""
            SELECT r.id, r.state, r.urgency, page.due, p.given_name, p.family_name,
                referrer.display_name AS referrer_name, recipient.display_name AS recipient_name, o.name AS organisation_name, o.time_zone
            FROM (SELECT id, due FROM (\(chosen)) chosen ORDER BY \(pressing) LIMIT \(literal: Self.limit)) page
            JOIN referrals r ON r.id = page.id
            JOIN patients p ON p.id = r.patient_id
            JOIN users referrer ON referrer.id = r.referrer_id
            LEFT JOIN users recipient ON recipient.id = r.recipient_id
            LEFT JOIN organisations o ON o.id = r.recipient_organisation_id
            """).all()
        // Counted apart: a window over the same choice made SQLite sort twice (2.4 ms against 0.9 + 0.4).
        let totals = try await sql.raw("""
            SELECT COUNT(*) AS total, SUM(CASE WHEN due < \(bind: now) THEN 1 ELSE 0 END) AS overdue FROM (\(chosen)) chosen
            """).first()
        let lead = ServiceLevelTargets.standard.reminderLead
        let items = try rows.map { row in
            let state = ReferralState(rawValue: try row.decode(column: "state", as: String.self)) ?? .draft
            let dueAt = try row.decode(column: "due", as: Date?.self)
            let names = Names(
                referrer: try row.decode(column: "referrer_name", as: String.self),
                recipient: try row.decode(column: "recipient_name", as: String?.self),
                organisation: try row.decode(column: "organisation_name", as: String?.self))
            return Item(
                referralID: try row.decode(column: "id", as: UUID.self),
                patientGivenName: try row.decode(column: "given_name", as: String.self),
                patientFamilyName: try row.decode(column: "family_name", as: String.self),
                counterpart: counterpart(names),
                urgency: Urgency(rawValue: try row.decode(column: "urgency", as: String.self)) ?? .routine,
                state: state, owed: owed(state), due: dueAt,
                timeZone: try row.decode(column: "time_zone", as: String?.self).flatMap(TimeZone.init(identifier:)) ?? .gmt,
                status: dueAt.map { DueStatus.of(due: $0, now: now, lead: lead) })
        }
        return List(
            items: items.sorted(by: Self.morePressing), total: try totals?.decode(column: "total", as: Int.self) ?? 0,
            overdue: try totals?.decode(column: "overdue", as: Int?.self) ?? 0)
    }

    /// Overdue first, then by due time (none last), as the query chose them.
    private static func morePressing(_ a: Item, _ b: Item) -> Bool {
        let keyA = (a.status == .overdue ? 0 : 1, a.due == nil ? 1 : 0, a.due ?? .distantFuture, a.referralID.uuidString)
        let keyB = (b.status == .overdue ? 0 : 1, b.due == nil ? 1 : 0, b.due ?? .distantFuture, b.referralID.uuidString)
        return keyA < keyB
    }

    struct Report: Sendable {
        let organisation: LoopMetrics
        let byClinician: [(name: String, metrics: LoopMetrics)]
    }

    /// Loop metrics for referrals sent to the organisation within `period`, overall and per recipient.
    func report(for organisationID: UUID, from start: Date, to end: Date, by actor: Actor) async throws -> Report {
        guard actor.mayAdminister(organisation: organisationID) else { throw AppError.forbidden }
        let referrals = try await Referral.query(on: database.reader())
            .filter(\.$recipientOrganisation.$id == organisationID).filter(\.$sentAt >= start).filter(\.$sentAt < end)
            .with(\.$recipient).limit(100_000).all()
        let now = clock.now()
        let loops = referrals.map(Self.loop)
        let grouped = Dictionary(grouping: referrals) { $0.recipient?.displayName ?? "Intake (unassigned)" }
        let byClinician = grouped.map { name, rows in (name: name, metrics: LoopMetrics.compute(rows.map(Self.loop), now: now)) }
            .sorted { $0.name < $1.name }
        return Report(organisation: LoopMetrics.compute(loops, now: now), byClinician: byClinician)
    }

    static func loop(_ referral: Referral) -> LoopMetrics.Loop {
        LoopMetrics.Loop(
            sentAt: referral.sentAt ?? referral.createdAt, acknowledgedAt: referral.acknowledgedAt,
            acceptedAt: referral.referralState == .declined ? nil : referral.acknowledgedAt, closedAt: referral.closedAt,
            acknowledgementDue: referral.acknowledgementDueAt, state: referral.referralState)
    }
}
