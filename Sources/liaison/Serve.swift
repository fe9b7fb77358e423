import ArgumentParser
import Foundation
import Hummingbird
import LiaisonData
import LiaisonServer
import Metrics
import Prometheus

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Migrate the database and serve the web pages and API.")

    @OptionGroup var common: CommonOptions
    @Option(help: "Address to listen on (default: LIAISON_HOST, else 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (default: LIAISON_PORT, else 8080).") var port: Int?
    @Flag(help: "Load synthetic demonstration data if the database is empty, and print the demo sign-ins.") var demo = false

    func run() async throws {
        var configuration = try common.configuration()
        if let host { configuration.host = host }
        if let port {
            guard (1...65535).contains(port) else { throw ValidationError("--port must be from 1 to 65535") }
            configuration.port = port
        }
        let logger = Logs.bootstrap(level: configuration.logLevel)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let database = try LiaisonDatabase(location: configuration.database, logger: logger)
        logger.info("database", metadata: ["location": .string(configuration.database.description)])
        do {
            try await database.migrate()
            if demo {
                let loaded = try await DemoData.loadIfEmpty(database: database, bcryptCost: configuration.bcryptCost)
                printDemoSignIns(loaded: loaded, baseURL: configuration.baseURL)
            }
        } catch {
            // Close the pools before saying why, rather than crash on the way out.
            await database.shutdown()
            throw error
        }
        let app = try await buildApplication(AppDependencies(configuration: configuration, database: database, metrics: registry, logger: logger, runBackgroundJobs: configuration.backgroundJobs))
        try await app.runService()
    }

    private func printDemoSignIns(loaded: Bool, baseURL: String) {
        defer { fflush(nil) }
        print(loaded ? "Loaded synthetic demo data." : "Demo data already present; not loaded again.")
        print("Open \(baseURL) and sign in with any of these (password: \(DemoData.password)):")
        for signIn in DemoData.signIns {
            print("  \(signIn.email.padding(toLength: 40, withPad: " ", startingAt: 0))  \(signIn.role)")
        }
        print("The administrators, dr.brennan and dr.kim also type a code from an authenticator app: add the demo key")
        print("  \(DemoData.authenticatorKey)")
        print("to any authenticator app (demo only; real keys are made at set-up and shown once).")
    }
}
