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

/// Wires the whole application: services, routes, background work. Tests call it too.
public func buildApplication(_ dependencies: AppDependencies) async throws -> some ApplicationProtocol {
    let configuration = dependencies.configuration
    let services = Services(dependencies)
    let views = try await Views(secureCookies: configuration.secureCookies)
    let formsKey = try await InstallationQueries.formsKey(on: dependencies.database.reader())
    let router = buildRouter(services, views: views, configuration: configuration, metrics: dependencies.metrics, formsKey: formsKey)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Liaison"),
        logger: dependencies.logger)
    app.addServices(dependencies.database.databases)
    if dependencies.database.checkpointsInBackground {
        app.addServices(CheckpointService(database: dependencies.database))
    }
    if dependencies.runBackgroundJobs {
        app.addServices(ReferralSweepService(
            sweep: services.sweep, waitlists: services.waitlists, digests: services.digests, consultations: services.consultations,
            transfers: services.transfers, measurement: services.measurement, carePlans: services.carePlans,
            careEvents: services.careEvents, interval: .seconds(60), logger: dependencies.logger))
        app.addServices(DeliveryService(deliveries: OutboxDelivery.configured(dependencies), interval: .seconds(5), logger: dependencies.logger))
        if dependencies.configuration.smtp == nil {
            dependencies.logger.notice("no LIAISON_SMTP_URL: emails wait in the outbox (liaison outbox list)")
        }
    }
    if let port = configuration.mllpPort {
        app.addServices(MLLPListener(host: configuration.host, port: port, feeds: services.feeds, logger: dependencies.logger))
    }
    return app
}

extension OutboxDelivery {
    /// Delivery of every channel that can go out as configured: webhooks always, email with
    /// `LIAISON_SMTP_URL`.
    public static func configured(_ dependencies: AppDependencies) -> [OutboxDelivery] {
        let configuration = dependencies.configuration
        var transports: [any DeliveryTransport] = [
            WebhookTransport(database: dependencies.database, clock: dependencies.clock, allowLoopback: configuration.webhooksToLoopback)
        ]
        if let smtp = configuration.smtp {
            transports.append(MailTransport(
                client: SMTPClient(settings: smtp, from: configuration.emailFrom, heloName: configuration.mailDomain), domain: configuration.mailDomain))
        }
        return transports.map { OutboxDelivery(database: dependencies.database, clock: dependencies.clock, transport: $0, logger: dependencies.logger) }
    }
}

extension Services {
    /// The services of a server with these dependencies.
    init(_ dependencies: AppDependencies) {
        self.init(
            database: dependencies.database, clock: dependencies.clock, baseURL: dependencies.configuration.baseURL,
            bcryptCost: dependencies.configuration.bcryptCost, logger: dependencies.logger, auditKey: dependencies.configuration.auditKey,
            webhooksToLoopback: dependencies.configuration.webhooksToLoopback)
    }
}
