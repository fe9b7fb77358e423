import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Logging
import ServiceLifecycle
import SQLKit

/// Chases open loops: reminds before the acknowledgement is due, flags it overdue, escalates to
/// the organisation's administrators, expires referrals nobody answered, and chases closing notes.
///
/// Works on sets, a batch of referrals per transaction: one query finds the candidates with what
/// the messages need, one statement claims them, and the notifications, emails and audit entries
/// are written in bulk. Safe with several servers and across restarts: a reminder is claimed by
/// inserting its (referral, kind) row under a unique constraint, ignoring conflicts, and an expiry
/// by an update that re-checks the state, so whichever server claims a referral first acts on it.
struct ReferralSweep: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let notifier: Notifier
    let outbox: Outbox
    let auditor: Auditor
    /// Referrals handled per transaction: short enough not to hold the writer for long.
    var batchSize = 5_000

    enum Reminder: String, CaseIterable {
        case dueSoon = "due-soon"
        case overdue
        case escalated
        case closingOverdue = "closing-overdue"
    }

    struct Outcome: Equatable {
        var expired = 0
        var reminders: [String: Int] = [:]
    }

    /// A referral the sweep acts on, with the names its messages use.
    private struct Candidate {
        let id: UUID
        let patientID: UUID
        let patient: String
        let referrerID: UUID
        let referrer: String
        let recipientID: UUID?
        let organisationID: UUID?

        var link: String { SiteURL.referral(id).path }
    }

    /// One pass over every open loop. Returns what it did.
    @discardableResult
    func run() async throws -> Outcome {
        let now = clock.now()
        var outcome = Outcome()
        outcome.expired = try await inBatches { db in try await expire(now: now, on: db) }
        for kind in Reminder.allCases {
            outcome.reminders[kind.rawValue] = try await inBatches { db in try await remind(kind, now: now, on: db) }
        }
        return outcome
    }

    /// Runs `batch` in its own transaction until a batch finds fewer candidates than it may take.
    private func inBatches(_ batch: @Sendable @escaping (any Database) async throws -> (found: Int, done: Int)) async throws -> Int {
        var done = 0
        while true {
            let result = try await database.db().transaction { db in try await batch(db) }
            done += result.done
            if result.found < batchSize { return done }
        }
    }

    /// States the state machine lets the system expire.
    private static let expirable = ReferralState.allCases.filter { (try? ReferralStateMachine.apply(.expire, to: $0, by: .system)) == .expired }.map(\.rawValue)
    private static let awaiting = ReferralState.allCases.filter(\.awaitsAcknowledgement).map(\.rawValue)

    private func expire(now: Date, on db: any Database) async throws -> (found: Int, done: Int) {
        let sql = db as! any SQLDatabase
        let found = try await candidates("r.state IN (\(binds: Self.expirable)) AND r.expires_at <= \(bind: now)", on: sql)
        guard !found.isEmpty else { return (0, 0) }
        let reason = "No answer before the referral expired."
        let claimed = try await Set(sql.raw("""
            UPDATE referrals SET state = \(bind: ReferralState.expired.rawValue), updated_at = \(bind: now), ended_reason = \(bind: reason)
            WHERE id IN (\(binds: found.map(\.id))) AND state IN (\(binds: Self.expirable)) RETURNING id
            """).all().map { try $0.decode(column: "id", as: UUID.self) })
        let expired = found.filter { claimed.contains($0.id) }
        try await notifier.notify(
            expired.map {
                Notifier.Notice(
                    userID: $0.referrerID, patientID: nil, kind: "referral.expired",
                    message: "Your referral for \($0.patient) expired without an answer. Consider referring elsewhere.", link: $0.link)
            }, on: db)
        try await AuditLog.append(
            expired.map {
                .init(actorID: nil, action: "referral.expire", patientID: $0.patientID, subject: "referral:\($0.id)", purpose: "service-level target", requestID: "sweep")
            }, at: now, on: db)
        return (found.count, expired.count)
    }

    private func remind(_ kind: Reminder, now: Date, on db: any Database) async throws -> (found: Int, done: Int) {
        let sql = db as! any SQLDatabase
        let due: SQLQueryString = switch kind {
        case .dueSoon:
            "r.state IN (\(binds: Self.awaiting)) AND r.acknowledgement_due_at > \(bind: now) AND r.acknowledgement_due_at <= \(bind: now.addingTimeInterval(ServiceLevelTargets.standard.reminderLead))"
        case .overdue: "r.state IN (\(binds: Self.awaiting)) AND r.acknowledgement_due_at < \(bind: now)"
        case .escalated: "r.state IN (\(binds: Self.awaiting)) AND r.escalate_at < \(bind: now)"
        case .closingOverdue: "r.state = \(bind: ReferralState.inCare.rawValue) AND r.closing_due_at < \(bind: now)"
        }
        let found = try await candidates(
            "\(due) AND NOT EXISTS (SELECT 1 FROM referral_reminders m WHERE m.referral_id = r.id AND m.kind = \(bind: kind.rawValue))", on: sql)
        guard !found.isEmpty else { return (0, 0) }
        // The reminder row is the idempotency key: only referrals whose row this pass inserted are chased.
        var insert = sql.insert(into: ReferralReminder.schema).columns("id", "referral_id", "kind", "created_at")
        for candidate in found {
            insert = insert.values(SQLBind(UUID()), SQLBind(candidate.id), SQLBind(kind.rawValue), SQLBind(now))
        }
        let claimed = try await Set(insert.ignoringConflicts(with: ["referral_id", "kind"]).returning("referral_id").all()
            .map { try $0.decode(column: "referral_id", as: UUID.self) })
        let chased = found.filter { claimed.contains($0.id) }
        var notices: [Notifier.Notice] = [], emails: [Outbox.Email] = []
        func tell(_ people: [UserAccount], _ noticeKind: String, _ message: String, _ referral: Candidate, email: Bool) {
            var told = Set<UUID>()
            for person in people where told.insert(person.id!).inserted {
                notices.append(.init(userID: person.id!, patientID: nil, kind: noticeKind, message: message, link: referral.link))
                if email { emails.append(.init(to: person.email, subject: "Liaison: a referral needs you", body: message)) }
            }
        }
        switch kind {
        case .dueSoon, .overdue, .closingOverdue:
            let recipients = try await recipients(of: chased, on: db)
            let referrers = kind == .overdue ? try await sql.users(chased.map(\.referrerID)) : [:]
            for referral in chased {
                let owed = recipients[referral.id] ?? []
                switch kind {
                case .dueSoon:
                    tell(owed, "referral.due-soon", "The acknowledgement for \(referral.patient)'s referral from \(referral.referrer) is due soon.", referral, email: true)
                case .overdue:
                    tell(owed, "referral.overdue", "The acknowledgement for \(referral.patient)'s referral from \(referral.referrer) is overdue.", referral, email: true)
                    tell(referrers[referral.referrerID].map { [$0] } ?? [], "referral.overdue",
                         "You have not yet heard back about \(referral.patient)'s referral; it is overdue and the recipient has been reminded.", referral, email: false)
                default:
                    tell(owed, "referral.closing-overdue", "The closing summary for \(referral.patient), owed to \(referral.referrer), is overdue.", referral, email: true)
                }
            }
        case .escalated:
            let administrators = try await administrators(of: chased.compactMap(\.organisationID), on: db)
            for referral in chased {
                tell(referral.organisationID.flatMap { administrators[$0] } ?? [], "referral.escalated",
                     "A referral for \(referral.patient) from \(referral.referrer) is still unacknowledged well past its due time.", referral, email: true)
            }
        }
        try await notifier.notify(notices, on: db)
        try await outbox.email(emails, on: db)
        return (found.count, chased.count)
    }

    /// Up to a batch of referrals matching `condition` (on alias `r`), with their patient's and referrer's names.
    private func candidates(_ condition: SQLQueryString, on sql: any SQLDatabase) async throws -> [Candidate] {
        try await sql.raw("""
            SELECT r.id, r.patient_id, r.referrer_id, r.recipient_id, r.recipient_organisation_id, p.given_name, p.family_name, u.display_name
            FROM referrals r JOIN patients p ON p.id = r.patient_id JOIN users u ON u.id = r.referrer_id
            WHERE \(condition) LIMIT \(literal: batchSize)
            """).all().map { row in
            Candidate(
                id: try row.decode(column: "id", as: UUID.self), patientID: try row.decode(column: "patient_id", as: UUID.self),
                patient: "\(try row.decode(column: "given_name", as: String.self)) \(try row.decode(column: "family_name", as: String.self))",
                referrerID: try row.decode(column: "referrer_id", as: UUID.self), referrer: try row.decode(column: "display_name", as: String.self),
                recipientID: try row.decode(column: "recipient_id", as: UUID?.self),
                organisationID: try row.decode(column: "recipient_organisation_id", as: UUID?.self))
        }
    }

    /// Who owes each referral's answer: the named recipient, or the intake organisation's members
    /// (`ReferralService.intake`, looked up once per organisation).
    private func recipients(of referrals: [Candidate], on db: any Database) async throws -> [UUID: [UserAccount]] {
        let named = try await (db as! any SQLDatabase).users(referrals.compactMap(\.recipientID))
        var intake: [UUID: [UserAccount]] = [:]
        for organisation in Set(referrals.filter { $0.recipientID == nil }.compactMap(\.organisationID)) {
            intake[organisation] = try await ReferralService.intake(of: organisation, on: db)
        }
        var owed: [UUID: [UserAccount]] = [:]
        for referral in referrals {
            if let recipient = referral.recipientID {
                owed[referral.id] = named[recipient].map { [$0] } ?? []
            } else if let organisation = referral.organisationID {
                owed[referral.id] = intake[organisation] ?? []
            }
        }
        return owed
    }

    /// Each organisation's administrators, who hear of escalations.
    private func administrators(of organisations: [UUID], on db: any Database) async throws -> [UUID: [UserAccount]] {
        guard !organisations.isEmpty else { return [:] }
        let memberships = try await Membership.query(on: db).filter(\.$organisation.$id ~~ Array(Set(organisations)))
            .filter(\.$role == MembershipRole.administrator.rawValue).with(\.$user).all()
        return Dictionary(grouping: memberships, by: \.$organisation.id).mapValues { $0.map(\.user) }
    }
}

/// Runs the sweep every minute while the server runs, stopping cleanly at shutdown.
struct ReferralSweepService: Service {
    let sweep: ReferralSweep
    let interval: Duration
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let outcome = try await sweep.run()
                    if outcome.expired > 0 || outcome.reminders.values.contains(where: { $0 > 0 }) {
                        logger.info("referral sweep", metadata: ["expired": .stringConvertible(outcome.expired), "reminders": .string("\(outcome.reminders)")])
                    }
                } catch {
                    // A database outage must not stop the server; the next pass tries again.
                    logger.error("referral sweep failed", metadata: ["error": .string(String(reflecting: error))])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
