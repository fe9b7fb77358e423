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
/// Safe with several servers and across restarts: each referral is claimed with
/// `FOR UPDATE SKIP LOCKED` (PostgreSQL), and each reminder kind is recorded once per referral
/// under a unique constraint, in the same transaction as the messages it sends.
struct ReferralSweep: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let notifier: Notifier
    let outbox: Outbox
    let auditor: Auditor
    let batchSize = 500

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

    /// One pass over every open loop. Returns what it did.
    @discardableResult
    func run() async throws -> Outcome {
        let now = clock.now()
        var outcome = Outcome()
        let open = [ReferralState.sent.rawValue, ReferralState.received.rawValue]
        outcome.expired = try await forEach(Referral.query(on: database.db()).filter(\.$state ~~ open).filter(\.$expiresAt <= now)) { referral, db in
            try await expire(referral, on: db)
        }
        let lead = ServiceLevelTargets.standard.reminderLead
        let candidates: [(Reminder, QueryBuilder<Referral>)] = [
            (.dueSoon, Referral.query(on: database.db()).filter(\.$state ~~ open).filter(\.$acknowledgementDueAt > now).filter(\.$acknowledgementDueAt <= now.addingTimeInterval(lead))),
            (.overdue, Referral.query(on: database.db()).filter(\.$state ~~ open).filter(\.$acknowledgementDueAt < now)),
            (.escalated, Referral.query(on: database.db()).filter(\.$state ~~ open).filter(\.$escalateAt < now)),
            (.closingOverdue, Referral.query(on: database.db()).filter(\.$state == ReferralState.inCare.rawValue).filter(\.$closingDueAt < now)),
        ]
        for (kind, query) in candidates {
            let notYetSent = SQLQueryString("NOT EXISTS (SELECT 1 FROM referral_reminders r WHERE r.referral_id = referrals.id AND r.kind = \(bind: kind.rawValue))")
            let sent = try await forEach(query.filter(.sql(notYetSent))) { referral, db in
                try await remind(referral, kind, on: db)
            }
            outcome.reminders[kind.rawValue] = sent
        }
        return outcome
    }

    /// Runs `work` for each matching referral in its own transaction, claiming the row first.
    private func forEach(_ query: QueryBuilder<Referral>, _ work: @Sendable @escaping (Referral, any Database) async throws -> Bool) async throws -> Int {
        var done = 0
        let ids = try await query.field(\.$id).limit(batchSize * 20).all().compactMap(\.id)
        for id in ids {
            let claimed = try await database.db().transaction { db -> Bool in
                let sql = db as! any SQLDatabase
                if sql.dialect.name == "postgresql" {
                    // Another server already holds this referral: leave it to them.
                    let row = try await sql.select().column("id").from(Referral.schema).where("id", .equal, id)
                        .lockingClause(SQLRaw("FOR UPDATE SKIP LOCKED")).first()
                    if row == nil { return false }
                }
                guard let referral = try await Referral.query(on: db).filter(\.$id == id).with(\.$patient).with(\.$referrer).with(\.$recipientOrganisation).first() else { return false }
                return try await work(referral, db)
            }
            if claimed { done += 1 }
        }
        return done
    }

    private func expire(_ referral: Referral, on db: any Database) async throws -> Bool {
        guard referral.referralState.awaitsAcknowledgement else { return false }
        referral.state = try ReferralStateMachine.apply(.expire, to: referral.referralState, by: .system).rawValue
        referral.updatedAt = clock.now()
        referral.endedReason = "No answer before the referral expired."
        try await referral.save(on: db)
        try await notifier.notify(
            [referral.$referrer.id], patient: nil, kind: "referral.expired",
            message: "Your referral for \(referral.patient.givenName) \(referral.patient.familyName) expired without an answer. Consider referring elsewhere.",
            link: SiteURL.referral(referral.id!).path, on: db)
        try await AuditLog.append(
            .init(actorID: nil, action: "referral.expire", patientID: referral.$patient.id, subject: "referral:\(referral.id!)", purpose: "service-level target", requestID: "sweep"),
            at: clock.now(), on: db)
        return true
    }

    private func remind(_ referral: Referral, _ kind: Reminder, on db: any Database) async throws -> Bool {
        // The reminder row is the idempotency key; if it exists another pass already sent this.
        if try await ReferralReminder.query(on: db).filter(\.$referral.$id == referral.requireID()).filter(\.$kind == kind.rawValue).first() != nil {
            return false
        }
        try await ReferralReminder(referralID: referral.requireID(), kind: kind.rawValue, createdAt: clock.now()).create(on: db)
        let patient = "\(referral.patient.givenName) \(referral.patient.familyName)"
        let link = SiteURL.referral(referral.id!).path
        let recipients = try await ReferralService.recipientUsers(of: referral, on: db)
        switch kind {
        case .dueSoon:
            try await tell(recipients, "referral.due-soon", "The acknowledgement for \(patient)'s referral from \(referral.referrer.displayName) is due soon.", link, email: true, on: db)
        case .overdue:
            try await tell(recipients, "referral.overdue", "The acknowledgement for \(patient)'s referral from \(referral.referrer.displayName) is overdue.", link, email: true, on: db)
            try await tell([referral.referrer], "referral.overdue", "You have not yet heard back about \(patient)'s referral; it is overdue and the recipient has been reminded.", link, email: false, on: db)
        case .escalated:
            let administrators = try await organisationAdministrators(referral, on: db)
            try await tell(administrators, "referral.escalated", "A referral for \(patient) from \(referral.referrer.displayName) is still unacknowledged well past its due time.", link, email: true, on: db)
        case .closingOverdue:
            try await tell(recipients, "referral.closing-overdue", "The closing summary for \(patient), owed to \(referral.referrer.displayName), is overdue.", link, email: true, on: db)
        }
        return true
    }

    private func tell(_ users: [UserAccount], _ kind: String, _ message: String, _ link: String, email: Bool, on db: any Database) async throws {
        try await notifier.notify(users.compactMap(\.id), patient: nil, kind: kind, message: message, link: link, on: db)
        if email {
            for user in users { try await outbox.email(to: user.email, subject: "Liaison: a referral needs you", body: message, on: db) }
        }
    }

    private func organisationAdministrators(_ referral: Referral, on db: any Database) async throws -> [UserAccount] {
        guard let organisation = referral.$recipientOrganisation.id else { return [] }
        return try await Membership.query(on: db).filter(\.$organisation.$id == organisation)
            .filter(\.$role == MembershipRole.administrator.rawValue).with(\.$user).all().map(\.user)
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
