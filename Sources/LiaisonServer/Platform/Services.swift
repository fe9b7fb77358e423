import Foundation
import LiaisonCore
import LiaisonData
import Logging

/// Every service, built once from what they need. The application, the tests, the demo seeding
/// and the benchmarks all get their services here, so a service that gains a dependency changes
/// one line.
struct Services: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let hasher: PasswordHasher
    let outbox: Outbox
    let webhooks: Webhooks
    let auditor: Auditor
    let notifier: Notifier
    let timeline: Timeline

    let twoFactor: TwoFactorService
    let sessions: SessionService
    let invitations: InvitationService
    let passwordResets: PasswordResetService
    let tokens: TokenService
    let directory: DirectoryService
    let organisations: OrganisationService
    let notifications: NotificationService
    let digests: NoticeDigest

    let patientAccess: PatientAccessService
    let careTeams: CareTeamService
    let patients: PatientService
    let emergency: EmergencyAccessService
    let accessLog: AccessLogService
    let portal: PortalService

    let matching: MatchingService
    let waitlists: WaitlistService
    let webhookEndpoints: WebhookService
    let conversations: ConversationService
    let letters: LetterService
    let consultations: ConsultationService
    let transfers: TransferService
    let measurement: MeasurementService
    let carePlans: CarePlanService
    let registry: RegistryService
    let careEvents: CareEventService
    let feeds: HospitalFeedService
    let referrals: ReferralService
    let worklists: ReferralWorklists
    let sweep: ReferralSweep

    /// - Parameter baseURL: where emailed links point (`LiaisonConfiguration.baseURL`).
    /// - Parameter webhooksToLoopback: webhook endpoints on this machine are allowed (`LIAISON_WEBHOOKS_TO_LOOPBACK`).
    init(
        database: LiaisonDatabase, clock: any Clock, baseURL: String, bcryptCost: UInt8, logger: Logger, auditKey: AuditKey? = nil,
        webhooksToLoopback: Bool = false
    ) {
        self.database = database
        self.clock = clock
        hasher = PasswordHasher(cost: bcryptCost)
        outbox = Outbox(clock: clock, logger: logger)
        webhooks = Webhooks(clock: clock, baseURL: baseURL)
        auditor = Auditor(clock: clock, key: auditKey)
        notifier = Notifier(clock: clock)
        timeline = Timeline(clock: clock)

        twoFactor = TwoFactorService(database: database, clock: clock, auditor: auditor)
        sessions = SessionService(database: database, clock: clock, hasher: hasher, twoFactor: twoFactor)
        invitations = InvitationService(database: database, clock: clock, hasher: hasher, outbox: outbox, sessions: sessions, baseURL: baseURL)
        passwordResets = PasswordResetService(database: database, clock: clock, hasher: hasher, outbox: outbox, baseURL: baseURL)
        tokens = TokenService(database: database, clock: clock)
        directory = DirectoryService(database: database, clock: clock)
        organisations = OrganisationService(database: database, clock: clock)
        notifications = NotificationService(database: database, clock: clock)
        digests = NoticeDigest(database: database, clock: clock, outbox: outbox, baseURL: baseURL)

        patientAccess = PatientAccessService(clock: clock)
        careTeams = CareTeamService(clock: clock, auditor: auditor, timeline: timeline)
        patients = PatientService(
            database: database, clock: clock, access: patientAccess, auditor: auditor, notifier: notifier, careTeams: careTeams, timeline: timeline)
        emergency = EmergencyAccessService(
            database: database, clock: clock, auditor: auditor, notifier: notifier, timeline: timeline, twoFactor: twoFactor)
        accessLog = AccessLogService(database: database, access: patientAccess, auditor: auditor)
        portal = PortalService(
            database: database, clock: clock, hasher: hasher, outbox: outbox, access: patientAccess, auditor: auditor, patients: patients,
            timeline: timeline, baseURL: baseURL)

        matching = MatchingService(database: database, clock: clock, access: patientAccess, auditor: auditor)
        waitlists = WaitlistService(database: database, clock: clock, access: patientAccess, auditor: auditor, notifier: notifier)
        conversations = ConversationService(
            database: database, clock: clock, access: patientAccess, auditor: auditor, patients: patients, outbox: outbox, baseURL: baseURL)
        letters = LetterService(
            database: database, clock: clock, access: patientAccess, auditor: auditor, notifier: notifier, outbox: outbox, timeline: timeline,
            patients: patients, baseURL: baseURL)
        consultations = ConsultationService(
            database: database, clock: clock, access: patientAccess, auditor: auditor, notifier: notifier, outbox: outbox, timeline: timeline,
            careTeams: careTeams, patients: patients, baseURL: baseURL)
        transfers = TransferService(
            database: database, clock: clock, access: patientAccess, auditor: auditor, notifier: notifier, outbox: outbox, timeline: timeline,
            careTeams: careTeams, baseURL: baseURL)
        measurement = MeasurementService(
            database: database, clock: clock, access: patientAccess, auditor: auditor, notifier: notifier, outbox: outbox, timeline: timeline, baseURL: baseURL)
        careEvents = CareEventService(
            database: database, clock: clock, access: patientAccess, auditor: auditor, notifier: notifier, outbox: outbox, timeline: timeline, baseURL: baseURL)
        feeds = HospitalFeedService(database: database, clock: clock, auditor: auditor, notifier: notifier, events: careEvents)
        registry = RegistryService(database: database, clock: clock, auditor: auditor, organisations: organisations)
        carePlans = CarePlanService(
            database: database, clock: clock, access: patientAccess, auditor: auditor, notifier: notifier, timeline: timeline, patients: patients)
        webhookEndpoints = WebhookService(database: database, clock: clock, auditor: auditor, webhooks: webhooks, allowLoopback: webhooksToLoopback)
        referrals = ReferralService(
            database: database, clock: clock, access: patientAccess, auditor: auditor, notifier: notifier, outbox: outbox, webhooks: webhooks,
            careTeams: careTeams, baseURL: baseURL)
        worklists = ReferralWorklists(database: database, clock: clock, auditor: auditor)
        sweep = ReferralSweep(
            database: database, clock: clock, notifier: notifier, outbox: outbox, webhooks: webhooks, auditor: auditor, baseURL: baseURL)
    }

    /// Services for work outside a server (demo seeding, benchmarks, tests): emailed links are
    /// relative, and passwords hashed at the cheapest bcrypt cost.
    static func offline(database: LiaisonDatabase, clock: any Clock, label: String, auditKey: AuditKey? = nil) -> Services {
        Services(database: database, clock: clock, baseURL: "", bcryptCost: 4, logger: Logger(label: label), auditKey: auditKey)
    }
}
