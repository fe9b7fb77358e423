import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData
import Logging
import Prometheus

/// Everything the server needs from outside: settings, database, clock and metrics registry.
public struct AppDependencies: Sendable {
    public var configuration: LiaisonConfiguration
    public var database: LiaisonDatabase
    public var clock: any Clock
    public var metrics: PrometheusCollectorRegistry
    public var logger: Logger
    /// Reminders and escalations run in the server; tests run the sweep by hand instead.
    public var runBackgroundJobs: Bool

    public init(configuration: LiaisonConfiguration, database: LiaisonDatabase, clock: any Clock = SystemClock(), metrics: PrometheusCollectorRegistry = .init(), logger: Logger, runBackgroundJobs: Bool = false) {
        self.configuration = configuration
        self.database = database
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        self.runBackgroundJobs = runBackgroundJobs
    }
}

/// Wires the whole application: services, controllers, middleware, routes. Tests call it too.
public func buildApplication(_ dependencies: AppDependencies) async throws -> some ApplicationProtocol {
    let configuration = dependencies.configuration
    let database = dependencies.database
    let clock = dependencies.clock
    let secure = configuration.secureCookies
    let views = try await Views(secureCookies: secure)
    let hasher = PasswordHasher(cost: configuration.bcryptCost)
    let outbox = Outbox(clock: clock, logger: dependencies.logger)
    let sessions = SessionService(database: database, clock: clock, hasher: hasher)
    let invitations = InvitationService(
        database: database, clock: clock, hasher: hasher, outbox: outbox, sessions: sessions, baseURL: configuration.baseURL)
    let directory = DirectoryService(database: database, clock: clock)
    let organisations = OrganisationService(database: database, clock: clock)
    let auditor = Auditor(clock: clock)
    let notifier = Notifier(clock: clock)
    let patientAccess = PatientAccessService(clock: clock)
    let patients = PatientService(database: database, clock: clock, access: patientAccess, auditor: auditor, notifier: notifier)
    let emergency = EmergencyAccessService(database: database, clock: clock, auditor: auditor, notifier: notifier, patients: patients)
    let accessLog = AccessLogService(database: database, access: patientAccess, auditor: auditor)
    let referrals = ReferralService(
        database: database, clock: clock, access: patientAccess, auditor: auditor, notifier: notifier, outbox: outbox, baseURL: configuration.baseURL)
    let worklists = ReferralWorklists(database: database, clock: clock, auditor: auditor)
    let portal = PortalService(
        database: database, clock: clock, hasher: hasher, outbox: outbox, access: patientAccess, auditor: auditor, patients: patients,
        baseURL: configuration.baseURL)

    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    // Authentication runs before errors are rendered so error pages know who is signed in.
    router.add(middleware: AuthenticationMiddleware(sessions: sessions))
    router.add(middleware: ErrorMiddleware(views: views))
    router.add(middleware: CSRFMiddleware(secureCookies: secure))

    OperationsController(database: database, metrics: dependencies.metrics).register(on: router)
    HomeController(views: views, directory: directory, openAPIDocument: Resources.openAPI).register(on: router)
    AccountsController(
        views: views, sessions: sessions,
        resets: PasswordResetService(database: database, clock: clock, hasher: hasher, outbox: outbox, baseURL: configuration.baseURL),
        invitations: invitations, secureCookies: secure
    ).register(on: router)
    TokensController(views: views, tokens: TokenService(database: database, clock: clock)).register(on: router)
    DirectoryController(views: views, directory: directory).register(on: router)
    OrganisationsController(views: views, organisations: organisations, invitations: invitations).register(on: router)
    PatientsController(views: views, patients: patients, emergency: emergency, accessLog: accessLog, portal: portal, clock: clock).register(on: router)
    PatientsAPI(patients: patients, emergency: emergency, accessLog: accessLog, clock: clock).register(on: router)
    ReferralsController(
        views: views, referrals: referrals, worklists: worklists, patients: patients, directory: directory, organisations: organisations,
        database: database, clock: clock
    ).register(on: router)
    ReferralsAPI(referrals: referrals, worklists: worklists).register(on: router)
    PortalController(
        views: views, portal: portal, accessLog: accessLog, emergency: emergency, organisations: organisations, database: database, clock: clock
    ).register(on: router)

    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Liaison"),
        logger: dependencies.logger)
    app.addServices(database.databases)
    if dependencies.runBackgroundJobs {
        let sweep = ReferralSweep(database: database, clock: clock, notifier: notifier, outbox: outbox, auditor: auditor)
        app.addServices(ReferralSweepService(sweep: sweep, interval: .seconds(60), logger: dependencies.logger))
    }
    return app
}
