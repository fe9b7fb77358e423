import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// The lists that keep loops from being forgotten, and the figures that show how well they close.
struct ReferralWorklists: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let auditor: Auditor

    /// One line of a worklist.
    struct Item: Sendable {
        let referral: Referral
        /// What is owed now and by when.
        let owed: String
        let due: Date?
        let status: DueStatus?
    }

    /// What the caller owes: acknowledgements (theirs, or their organisations' unclaimed intake)
    /// and closing summaries after discharge. Overdue first, then by due time.
    func owed(by caller: Caller) async throws -> [Item] {
        let db = database.db()
        let organisations = Array(caller.identity.actor.memberships.keys)
        let awaiting = [ReferralState.sent.rawValue, ReferralState.received.rawValue]
        let acknowledgements = try await Referral.query(on: db)
            .filter(\.$state ~~ awaiting)
            .group(.or) { group in
                group.filter(\.$recipient.$id == caller.userID)
                group.group(.and) { $0.filter(\.$recipient.$id == nil).filter(\.$recipientOrganisation.$id ~~ organisations) }
            }
            .with(\.$patient).with(\.$referrer).with(\.$recipientOrganisation).sort(\.$acknowledgementDueAt).limit(500).all()
        let closings = try await Referral.query(on: db)
            .filter(\.$recipient.$id == caller.userID).filter(\.$state == ReferralState.inCare.rawValue).filter(\.$dischargedAt != nil)
            .with(\.$patient).with(\.$referrer).with(\.$recipientOrganisation).sort(\.$closingDueAt).limit(500).all()
        let now = clock.now()
        let items = acknowledgements.map { item($0, owed: "Acknowledgement", due: $0.acknowledgementDueAt, now: now) }
            + closings.map { item($0, owed: "Closing summary", due: $0.closingDueAt, now: now) }
        try await audit("worklist.owed", count: items.count, by: caller)
        return items.sorted { ($0.due ?? .distantFuture) < ($1.due ?? .distantFuture) }
    }

    /// What the caller is waiting to hear about: their open referrals, overdue first.
    func waiting(by caller: Caller) async throws -> [Item] {
        let open = [ReferralState.draft, .sent, .received, .accepted, .scheduled, .inCare].map(\.rawValue)
        let referrals = try await Referral.query(on: database.db())
            .filter(\.$referrer.$id == caller.userID).filter(\.$state ~~ open)
            .with(\.$patient).with(\.$recipient).with(\.$recipientOrganisation).sort(\.$acknowledgementDueAt).limit(500).all()
        let now = clock.now()
        let items = referrals.map { referral -> Item in
            switch referral.referralState {
            case .draft: Item(referral: referral, owed: "Not sent yet", due: nil, status: nil)
            case .sent, .received: item(referral, owed: "Acknowledgement", due: referral.acknowledgementDueAt, now: now)
            default: item(referral, owed: "Closing summary", due: referral.closingDueAt, now: now)
            }
        }
        try await audit("worklist.waiting", count: items.count, by: caller)
        return items.sorted { (($0.status == .overdue) ? 0 : 1, $0.due ?? .distantFuture) < (($1.status == .overdue) ? 0 : 1, $1.due ?? .distantFuture) }
    }

    /// Unacknowledged referrals past due that the organisation owes (its administrators' view).
    func overdue(for organisationID: UUID, by caller: Caller) async throws -> [Item] {
        guard caller.identity.actor.mayAdminister(organisation: organisationID) else { throw AppError.forbidden }
        let now = clock.now()
        let referrals = try await Referral.query(on: database.db())
            .filter(\.$recipientOrganisation.$id == organisationID)
            .filter(\.$state ~~ [ReferralState.sent.rawValue, ReferralState.received.rawValue])
            .filter(\.$acknowledgementDueAt < now)
            .with(\.$patient).with(\.$referrer).with(\.$recipient).with(\.$recipientOrganisation).sort(\.$acknowledgementDueAt).limit(500).all()
        try await audit("worklist.organisation-overdue", count: referrals.count, by: caller)
        return referrals.map { item($0, owed: "Acknowledgement", due: $0.acknowledgementDueAt, now: now) }
    }

    struct Report: Sendable {
        let organisation: LoopMetrics
        let byClinician: [(name: String, metrics: LoopMetrics)]
    }

    /// Loop metrics for referrals sent to the organisation within `period`, overall and per recipient.
    func report(for organisationID: UUID, from start: Date, to end: Date, by actor: Actor) async throws -> Report {
        guard actor.mayAdminister(organisation: organisationID) else { throw AppError.forbidden }
        let referrals = try await Referral.query(on: database.db())
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

    private func item(_ referral: Referral, owed: String, due: Date?, now: Date) -> Item {
        Item(referral: referral, owed: owed, due: due, status: due.map { DueStatus.of(due: $0, now: now, lead: ServiceLevelTargets.standard.reminderLead) })
    }

    private func audit(_ action: String, count: Int, by caller: Caller) async throws {
        try await database.db().transaction { db in
            try await auditor.record(action, patient: nil, subject: "referrals:\(count)", by: caller, on: db)
        }
    }
}
