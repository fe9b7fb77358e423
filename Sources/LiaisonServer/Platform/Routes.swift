import Foundation
import Hummingbird
import LiaisonData
import Prometheus

/// Where a feature registers a route decides who may reach it: anyone (`open`), anyone signed in
/// (`signedIn`), or signed-in professionals (`clinicians`). A handler in the two signed-in groups
/// receives a context whose caller is not optional; nobody else reaches it.
struct RouteGroups {
    let open: Router<AppRequestContext>
    let signedIn: RouterGroup<SignedInContext>
    let clinicians: RouterGroup<ClinicianContext>
}

/// The one route table: the middleware every request passes through, then each feature's
/// routes, pages and API side by side. A new feature adds one line here.
/// `formsKey` signs anti-forgery tokens (`InstallationQueries.formsKey`).
func buildRouter(
    _ services: Services, views: Views, configuration: LiaisonConfiguration, metrics: PrometheusCollectorRegistry, formsKey: String
) -> Router<AppRequestContext> {
    let secure = configuration.secureCookies
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: SecurityHeadersMiddleware(strictTransport: configuration.servesHTTPS))
    // Authentication runs before errors are rendered so error pages know who is signed in.
    router.add(middleware: AuthenticationMiddleware(sessions: services.sessions))
    router.add(middleware: ErrorMiddleware(views: views, refusals: RefusalLog(database: services.database, auditor: services.auditor)))
    router.add(middleware: CSRFMiddleware(secureCookies: secure, publicURL: configuration.publicURL, key: Data(formsKey.utf8)))
    router.add(middleware: TwoFactorEnrolmentMiddleware(views: views))
    let routes = RouteGroups(open: router, signedIn: router.group(context: SignedInContext.self), clinicians: router.group(context: ClinicianContext.self))

    OperationsController(database: services.database, metrics: metrics, metricsToken: configuration.metricsToken).register(on: routes)
    HomeController(
        views: views, directory: services.directory, patients: services.patients, worklists: services.worklists, consultations: services.consultations, transfers: services.transfers, measurement: services.measurement,
        careEvents: services.careEvents, openAPIDocument: Resources.openAPI
    ).register(on: routes)
    AccountsController(
        views: views, sessions: services.sessions, resets: services.passwordResets, invitations: services.invitations, secureCookies: secure
    ).register(on: routes)
    TwoFactorController(views: views, twoFactor: services.twoFactor).register(on: routes)
    DeliveryController(views: views, database: services.database, clock: services.clock, auditor: services.auditor, configured: configuration.smtp != nil)
        .register(on: routes)
    TokensController(views: views, tokens: services.tokens).register(on: routes)
    DirectoryController(views: views, directory: services.directory, waitlists: services.waitlists).register(on: routes)
    OrganisationsController(views: views, organisations: services.organisations, invitations: services.invitations).register(on: routes)
    HolidaysController(views: views, organisations: services.organisations, clock: services.clock).register(on: routes)
    NotificationsController(views: views, notifications: services.notifications).register(on: routes)
    PatientsController(
        views: views, patients: services.patients, emergency: services.emergency, accessLog: services.accessLog, portal: services.portal,
        clock: services.clock
    ).register(on: routes)
    PatientsAPI(patients: services.patients, emergency: services.emergency, accessLog: services.accessLog, clock: services.clock).register(on: routes)
    PortalController(
        views: views, portal: services.portal, accessLog: services.accessLog, emergency: services.emergency, organisations: services.organisations,
        measurement: services.measurement, careEvents: services.careEvents, letters: services.letters
    ).register(on: routes)
    ReferralsController(
        views: views, referrals: services.referrals, worklists: services.worklists, patients: services.patients, directory: services.directory,
        organisations: services.organisations, clock: services.clock
    ).register(on: routes)
    ReferralsAPI(referrals: services.referrals, worklists: services.worklists).register(on: routes)
    MatchingController(views: views, matching: services.matching, organisations: services.organisations).register(on: routes)
    MatchingAPI(matching: services.matching).register(on: routes)
    WaitlistController(views: views, waitlists: services.waitlists).register(on: routes)
    WaitlistAPI(waitlists: services.waitlists, matching: services.matching).register(on: routes)
    ConversationsController(views: views, conversations: services.conversations, patients: services.patients).register(on: routes)
    ConversationsAPI(conversations: services.conversations).register(on: routes)
    ConsultationsController(views: views, consultations: services.consultations, patients: services.patients).register(on: routes)
    ConsultationsAPI(consultations: services.consultations).register(on: routes)
    TransfersController(views: views, transfers: services.transfers, patients: services.patients).register(on: routes)
    TransfersAPI(transfers: services.transfers).register(on: routes)
    MeasurementController(views: views, measurement: services.measurement, patients: services.patients).register(on: routes)
    MeasurementAPI(measurement: services.measurement, patients: services.patients).register(on: routes)
    CarePlanController(views: views, plans: services.carePlans).register(on: routes)
    CarePlanAPI(plans: services.carePlans).register(on: routes)
    RegistryController(views: views, registry: services.registry).register(on: routes)
    CareEventsController(views: views, events: services.careEvents).register(on: routes)
    CareEventsAPI(events: services.careEvents).register(on: routes)
    HospitalFeedsController(views: views, feeds: services.feeds).register(on: routes)
    HospitalFeedsAPI(feeds: services.feeds).register(on: routes)
    LettersController(views: views, letters: services.letters).register(on: routes)
    LettersAPI(letters: services.letters).register(on: routes)
    WebhookController(views: views, webhooks: services.webhookEndpoints).register(on: routes)
    WebhookAPI(webhooks: services.webhookEndpoints).register(on: routes)
    return router
}
