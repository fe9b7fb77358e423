import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Logging
import ServiceLifecycle

/// Chases open loops: reminds before the acknowledgement is due, flags it overdue, escalates to
/// the organisation's administrators, expires referrals nobody answered, and chases closing notes.
///
/// Works on sets, a batch of referrals per transaction: one query finds the candidates with what
/// the messages need (on a reading connection, so the five kinds' searches overlap each other's
/// writes), one statement claims them, and the notifications, emails and audit entries are
/// written in bulk. Safe with several servers and across restarts: a reminder is claimed by
/// inserting its (referral, kind) row under a unique constraint, ignoring conflicts, and sent only
/// if the referral is still in the kind's states; an expiry is an update that re-checks the state.
/// So whichever server claims a referral first acts on it, and a referral answered since it was
/// found is left alone.
public struct ReferralSweep: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let notifier: Notifier
    let outbox: Outbox
    let webhooks: Webhooks
    let auditor: Auditor
    /// Where emailed links point.
    let baseURL: String
    /// Referrals handled per transaction: short enough not to hold the writer for long.
    var batchSize = 5_000

    /// What one pass did: referrals expired, and reminders sent by kind.
    public struct Outcome: Equatable, Sendable, CustomStringConvertible {
        public var expired = 0
        public var reminders: [String: Int] = [:]
        /// From `liaison sweep`, which sweeps waiting lists too.
        public var waitlistOffers = 0
        public var waitlistLapsed = 0

        public var description: String {
            "expired \(expired); reminders " + ReminderKind.allCases.map { "\($0.rawValue) \(reminders[$0.rawValue] ?? 0)" }.joined(separator: ", ")
                + "; waiting-list offers \(waitlistOffers), lapsed \(waitlistLapsed)"
        }
    }

    /// The pass a server makes each minute, as of `moment`, for an operator catching up after
    /// downtime (`liaison sweep --at`). Idempotent and safe while servers run: every reminder and
    /// expiry is claimed by a statement only one pass can win.
    public static func run(on database: LiaisonDatabase, asOf moment: Date, auditKey: AuditKey? = nil) async throws -> Outcome {
        let services = Services.offline(database: database, clock: FixedClock(moment), label: "sweep", auditKey: auditKey)
        var outcome = try await services.sweep.run()
        let lists = try await services.waitlists.sweep()
        outcome.waitlistOffers = lists.offered
        outcome.waitlistLapsed = lists.lapsed
        return outcome
    }

    /// One pass over every open loop: expiries and the four kinds of reminder at once, each in
    /// batches until a batch finds fewer than it may take. Returns what it did.
    @discardableResult
    func run() async throws -> Outcome {
        let now = clock.now()
        return try await withThrowingTaskGroup(of: (kind: ReminderKind?, done: Int).self) { group in
            group.addTask {
                let done = try await inBatches {
                    let found = try await SweepQueries.expiryCandidates(at: now, limit: batchSize, on: $0)
                    return (found.count, found)
                } act: { try await expire($0, now: now, on: $1) }
                return (nil, done)
            }
            for kind in ReminderKind.allCases {
                group.addTask {
                    let done = try await inBatches {
                        let found = try await SweepQueries.reminderCandidates(kind, at: now, lead: ServiceLevelTargets.standard.reminderLead, limit: batchSize, on: $0)
                        return (found.count, try await messages(kind, about: found, on: $0))
                    } act: { try await remind(kind, $0, now: now, on: $1) }
                    // Every referral the kind's time has passed for has its reminder now.
                    if kind.keepsMark { try await database.write { db in try await SweepQueries.passed(kind, at: now, on: db) } }
                    return (kind, done)
                }
            }
            var outcome = Outcome()
            for try await (kind, done) in group {
                if let kind { outcome.reminders[kind.rawValue] = done } else { outcome.expired = done }
            }
            return outcome
        }
    }

    /// Forgets submission keys a week old (see `Submissions`): a double click repeats within
    /// seconds and a client's retry within hours.
    @discardableResult
    func forgetSubmissions() async throws -> Int {
        let cutoff = clock.now().addingTimeInterval(-7 * 86_400)
        return try await database.write { db in try await SubmissionQueries.forget(before: cutoff, on: db) }
    }

    /// Finds a batch on a reading connection, with what its messages need, and acts on it in a
    /// transaction of its own, until a batch finds fewer than it may take. Returns how many were
    /// acted on. Only the claims and what follows from them hold the writer.
    private func inBatches<Batch: Sendable>(
        find: @Sendable @escaping (any Database) async throws -> (found: Int, batch: Batch),
        act: @Sendable @escaping (Batch, any Database) async throws -> Int
    ) async throws -> Int {
        var done = 0
        while true {
            let (found, batch) = try await find(database.reader())
            if found > 0 {
                done += try await database.write { db in try await act(batch, db) }
            }
            if found < batchSize { return done }
        }
    }

    private func expire(_ found: [SweepCandidate], now: Date, on db: any Database) async throws -> Int {
        let claimed = try await SweepQueries.expire(found.map(\.id), reason: "No answer before the referral expired.", at: now, on: db)
        let expired = found.filter { claimed.contains($0.id) }
        try await notifier.notify(
            expired.map {
                Notifier.Notice(
                    userID: $0.referrerID, patientID: nil, kind: .referralExpired,
                    message: "Your referral for \($0.patientName) expired without an answer. Consider referring elsewhere.", link: Self.link($0))
            }, on: db)
        try await auditor.recordSystem(
            .referralExpire, expired.map { (patient: $0.patientID, subject: "referral:\($0.id)") }, purpose: "service-level target", at: now, on: db)
        try await webhooks.publish(.referralExpired, referrals: expired.map { ($0.id, .expired) }, on: db)
        return expired.count
    }

    /// What a batch of reminders says, to whom, for each referral: written before the claim, sent
    /// for the referrals claimed.
    struct Messages: Sendable {
        var referrals: [SweepCandidate] = []
        var notices: [(referral: UUID, notice: Notifier.Notice)] = []
        var emails: [(referral: UUID, email: Outbox.Notice)] = []
    }

    private func remind(_ kind: ReminderKind, _ messages: Messages, now: Date, on db: any Database) async throws -> Int {
        let claimed = try await SweepQueries.claimReminders(kind, for: messages.referrals.map(\.id), at: now, on: db)
        let chased = try await SweepQueries.stillDue(kind, claimed, on: db)
        try await notifier.notify(messages.notices.filter { chased.contains($0.referral) }.map(\.notice), on: db)
        try await outbox.notices(messages.emails.filter { chased.contains($0.referral) }.map(\.email), urgent: false, on: db)
        return chased.count
    }

    private func messages(_ kind: ReminderKind, about found: [SweepCandidate], on db: any Database) async throws -> Messages {
        var messages = Messages(referrals: found)
        /// Tells each person once: in the app with `notice`, and by email (when `email` is given)
        /// with words that name no patient, only the referral's reference and a link.
        func tell(_ people: [UserAccount], _ noticeKind: NotificationKind, _ notice: String, _ referral: SweepCandidate, email: String?) {
            var told = Set<UUID>()
            for person in people where told.insert(person.id!).inserted {
                messages.notices.append((referral.id, .init(userID: person.id!, patientID: nil, kind: noticeKind, message: notice, link: Self.link(referral))))
                if let email {
                    messages.emails.append((referral.id, .init(
                        userID: person.id!, address: person.email, subject: "Liaison: a referral needs you", body: "\(email) \(baseURL)\(Self.link(referral))")))
                }
            }
        }
        switch kind {
        case .dueSoon, .overdue, .closingOverdue:
            let recipients = try await recipients(of: found, on: db)
            let referrers = kind == .overdue ? try await AccountQueries.users(found.map(\.referrerID), on: db) : [:]
            for referral in found {
                let owed = recipients[referral.id] ?? []
                let patient = referral.patientName, referrer = referral.referrerName, reference = ReferralReference.short(referral.id)
                switch kind {
                case .dueSoon:
                    tell(owed, .referralDueSoon, "The acknowledgement for \(patient)'s referral from \(referrer) is due soon.", referral,
                         email: "The acknowledgement for referral \(reference) from \(referrer) is due soon:")
                case .overdue:
                    tell(owed, .referralOverdue, "The acknowledgement for \(patient)'s referral from \(referrer) is overdue.", referral,
                         email: "The acknowledgement for referral \(reference) from \(referrer) is overdue:")
                    tell(referrers[referral.referrerID].map { [$0] } ?? [], .referralOverdue,
                         "You have not yet heard back about \(patient)'s referral; it is overdue and the recipient has been reminded.", referral, email: nil)
                default:
                    tell(owed, .referralClosingOverdue, "The closing summary for \(patient), owed to \(referrer), is overdue.", referral,
                         email: "The closing summary for referral \(reference), owed to \(referrer), is overdue:")
                }
            }
        case .escalated:
            // Administrators are not treating the patient: the reference, never the name.
            let administrators = try await OrganisationQueries.administrators(of: found.compactMap(\.recipientOrganisationID), on: db)
            for referral in found {
                let words = "Referral \(ReferralReference.short(referral.id)) from \(referral.referrerName) is still unacknowledged well past its due time."
                tell(referral.recipientOrganisationID.flatMap { administrators[$0] } ?? [], .referralEscalated, words, referral, email: words)
            }
        }
        return messages
    }

    private static func link(_ referral: SweepCandidate) -> String { SiteURL.referral(referral.id).path }

    /// Who owes each referral's answer: the named recipient, or the intake organisation's members
    /// (looked up once per organisation).
    private func recipients(of referrals: [SweepCandidate], on db: any Database) async throws -> [UUID: [UserAccount]] {
        let named = try await AccountQueries.users(referrals.compactMap(\.recipientID), on: db)
        var intake: [UUID: [UserAccount]] = [:]
        for organisation in Set(referrals.filter { $0.recipientID == nil }.compactMap(\.recipientOrganisationID)) {
            intake[organisation] = try await OrganisationQueries.members(of: organisation, on: db)
        }
        var owed: [UUID: [UserAccount]] = [:]
        for referral in referrals {
            if let recipient = referral.recipientID {
                owed[referral.id] = named[recipient].map { [$0] } ?? []
            } else if let organisation = referral.recipientOrganisationID {
                owed[referral.id] = intake[organisation] ?? []
            }
        }
        return owed
    }
}

/// Runs the sweep every minute while the server runs, stopping cleanly at shutdown.
struct ReferralSweepService: Service {
    let sweep: ReferralSweep
    /// Waiting lists are swept in the same minute: lapsed offers, then new ones.
    let waitlists: WaitlistService
    /// Daily summaries go out from the same loop; second opinions and transfers of care are chased.
    let digests: NoticeDigest
    let consultations: ConsultationService
    let transfers: TransferService
    /// Alerts from questionnaires nobody acknowledged in time are escalated in the same minute.
    let measurement: MeasurementService
    /// Follow-ups due within a day are reminded in the same minute.
    let carePlans: CarePlanService
    /// Urgent care events nobody acknowledged in time are escalated in the same minute.
    let careEvents: CareEventService
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
                    let lists = try await waitlists.sweep()
                    if lists != .init() {
                        logger.info("waiting-list sweep", metadata: ["offered": .stringConvertible(lists.offered), "lapsed": .stringConvertible(lists.lapsed)])
                    }
                    let expired = try await consultations.sweep()
                    if expired > 0 { logger.info("second-opinion requests expired", metadata: ["count": .stringConvertible(expired)]) }
                    let lapsed = try await transfers.sweep()
                    if lapsed > 0 { logger.info("transfer requests expired", metadata: ["count": .stringConvertible(lapsed)]) }
                    let escalated = try await measurement.sweep()
                    if escalated > 0 { logger.warning("unacknowledged alerts escalated", metadata: ["count": .stringConvertible(escalated)]) }
                    let unacknowledged = try await careEvents.sweep()
                    if unacknowledged > 0 { logger.warning("unacknowledged care events escalated", metadata: ["steps": .stringConvertible(unacknowledged)]) }
                    let followUps = try await carePlans.sweep()
                    if followUps > 0 { logger.info("follow-ups reminded", metadata: ["count": .stringConvertible(followUps)]) }
                    try await sweep.forgetSubmissions()
                    let summaries = try await digests.sendDue()
                    if summaries > 0 { logger.info("daily summaries queued", metadata: ["count": .stringConvertible(summaries)]) }
                } catch {
                    // A database outage must not stop the server; the next pass tries again.
                    logger.error("referral sweep failed", metadata: ["error": .string(String(reflecting: error))])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
