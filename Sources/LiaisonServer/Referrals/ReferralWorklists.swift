import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// The lists that keep loops from being forgotten, and the figures that show how well they close.
struct ReferralWorklists: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let auditor: Auditor

    /// One line of a worklist: only what the list shows.
    struct Item: Sendable {
        let referralID: UUID
        /// The patient's name, for the two sides of the loop; nil on an administrator's list, which
        /// shows `reference` instead (they are not treating the patient).
        let patient: (given: String, family: String)?
        /// The other side: the referrer, or the recipient (a clinician or an organisation's intake).
        let counterpart: String
        let urgency: Urgency
        let state: ReferralState
        /// What is owed now and by when.
        let owed: String
        let due: Date?
        /// The receiving organisation's calendar, in which due dates fall.
        let calendar: BusinessCalendar
        let status: DueStatus?
        /// Business days since it fell due, in the receiving organisation's calendar; 0 if not late.
        let businessDaysLate: Int
    }

    /// The most pressing lines of a worklist (overdue first, then by due time) and its size.
    struct List: Sendable {
        let items: [Item]
        let total: Int
        let overdue: Int
    }

    /// Lines shown at most; the totals count the rest.
    static let limit = 50

    /// What the caller owes: acknowledgements (theirs, or their organisations' unclaimed intake),
    /// and on referrals they accepted the next step up to the closing summary.
    func owed(by caller: Caller) async throws -> List {
        let page = try await WorklistQueries.owed(
            by: caller.userID, organisations: Array(caller.identity.actor.memberships.keys), at: clock.now(), limit: Self.limit, on: database.reader())
        let list = lines(page, owed: { state, due in Self.owedStep(state, discharged: due != nil) }, counterpart: { row in row.referrerName })
        try await auditor.recordRead(.worklistOwed, patient: nil, subject: "referrals:\(list.items.count)", by: caller, in: database)
        return list
    }

    /// What the caller is waiting to hear about: their open referrals.
    func waiting(by caller: Caller) async throws -> List {
        let page = try await WorklistQueries.waiting(by: caller.userID, at: clock.now(), limit: Self.limit, on: database.reader())
        let list = lines(
            page,
            owed: { state, _ in
                switch state {
                case .draft: "Not sent yet"
                case .sent, .received: "Acknowledgement"
                default: "Closing summary"
                }
            },
            counterpart: { row in row.recipientName ?? "\(row.organisationName ?? "Organisation") intake" })
        try await auditor.recordRead(.worklistWaiting, patient: nil, subject: "referrals:\(list.items.count)", by: caller, in: database)
        return list
    }

    /// Unacknowledged referrals past due that the organisation owes (its administrators' view).
    func overdue(for organisationID: UUID, by caller: Caller) async throws -> List {
        guard caller.identity.actor.mayAdminister(organisation: organisationID) else { throw AppError.forbidden }
        let page = try await WorklistQueries.overdue(for: organisationID, at: clock.now(), limit: Self.limit, on: database.reader())
        let list = lines(page, named: false, owed: { _, _ in "Acknowledgement" }, counterpart: { row in row.recipientName ?? "Intake" })
        try await auditor.recordRead(.worklistOrganisationOverdue, patient: nil, subject: "referrals:\(list.items.count)", by: caller, in: database)
        return list
    }

    /// What the recipient owes next, in the words of the worklist.
    static func owedStep(_ state: ReferralState, discharged: Bool) -> String {
        switch state {
        case .sent, .received: "Acknowledgement"
        case .accepted: "First appointment, then a closing summary"
        case .scheduled: "First visit, then a closing summary"
        case .inCare where !discharged: "Closing summary (due after discharge)"
        default: "Closing summary"
        }
    }

    /// The page's rows as worklist lines, most pressing first.
    private func lines(_ page: WorklistPage, named: Bool = true, owed: (ReferralState, Date?) -> String, counterpart: (WorklistRow) -> String) -> List {
        let now = clock.now()
        let lead = ServiceLevelTargets.standard.reminderLead
        // Most lines share a few organisations' calendars: each is built once.
        var calendars: [[String?]: BusinessCalendar] = [:]
        let items = page.rows.map { row in
            let state = ReferralState(rawValue: row.state) ?? .draft
            let key = [row.timeZone, row.businessDays, row.holidays]
            let calendar = calendars[key] ?? BusinessCalendar(
                timeZone: row.timeZone.flatMap(TimeZone.init(identifier:)) ?? .gmt, businessDays: Weekday.decode(row.businessDays ?? ""),
                holidays: Set(Holidays.decode(row.holidays ?? "").map(\.day)))
            calendars[key] = calendar
            return Item(
                referralID: row.id, patient: named ? (row.givenName, row.familyName) : nil, counterpart: counterpart(row),
                urgency: Urgency(rawValue: row.urgency) ?? .routine, state: state, owed: owed(state, row.due), due: row.due,
                calendar: calendar, status: row.due.map { DueStatus.of(due: $0, now: now, lead: lead) },
                businessDaysLate: row.due.map { $0 < now ? calendar.businessDays(after: $0, until: now) : 0 } ?? 0)
        }
        return List(items: items, total: page.total, overdue: page.overdue)
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
