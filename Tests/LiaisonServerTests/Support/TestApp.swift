import Foundation
import Hummingbird
import HummingbirdTesting
import LiaisonCore
import LiaisonData
@testable import LiaisonServer
import LiaisonTestSupport
import Logging

/// Runs `body` against a freshly built application on a fresh database.
///
/// The application is built by the same `buildApplication` the server uses; only the clock,
/// the bcrypt cost (4, to keep tests fast) and the database differ.
func withApp(
    clock: TestClock = TestClock(),
    configure: (inout LiaisonConfiguration) -> Void = { _ in },
    _ body: @escaping @Sendable (TestWorld) async throws -> Void
) async throws {
    try await TestDatabase.withFresh { location in
        var configuration = LiaisonConfiguration()
        configuration.database = location
        configuration.bcryptCost = 4
        configuration.publicURL = "https://liaison.test"
        // Webhook receivers in tests listen on loopback.
        configuration.webhooksToLoopback = true
        configure(&configuration)
        let logger = TestDatabase.logger
        let database = try LiaisonDatabase(location: location, logger: logger)
        let app: any ApplicationProtocol
        do {
            try await database.migrate()
            app = try await buildApplication(AppDependencies(configuration: configuration, database: database, clock: clock, logger: logger))
        } catch {
            // The application (which would close the pools) never started.
            await database.shutdown()
            throw error
        }
        do {
            try await app.test(.router) { client in
                try await body(TestWorld(client: client, database: database, clock: clock))
            }
        } catch {
            await database.releaseThreads()
            throw error
        }
        await database.releaseThreads()
    }
}

/// Runs `body` with the clients of two servers on the test's database, as a clinic with several
/// `liaison serve` processes has: on PostgreSQL a second application with pools of its own; on
/// SQLite, which one server uses, the same application twice.
@discardableResult
func withTwoServers<T: Sendable>(_ world: TestWorld, _ body: @escaping @Sendable ([any TestClientProtocol]) async throws -> T) async throws -> T {
    guard world.database.location.isPostgres else { return try await body([world.client, world.client]) }
    var configuration = LiaisonConfiguration()
    configuration.database = world.database.location
    configuration.bcryptCost = 4
    configuration.publicURL = "https://liaison.test"
    let database = try LiaisonDatabase(location: world.database.location, logger: TestDatabase.logger)
    let app = try await buildApplication(AppDependencies(configuration: configuration, database: database, clock: world.clock, logger: TestDatabase.logger))
    let result = Box<T>()
    try await app.test(.router) { client in result.value = try await body([world.client, client]) }
    return result.value!
}

/// Carries a value out of a closure that returns nothing.
private final class Box<T: Sendable>: @unchecked Sendable {
    var value: T?
}

/// What a test can reach: the running app, its database and its clock.
struct TestWorld: Sendable {
    let client: any TestClientProtocol
    let database: LiaisonDatabase
    let clock: TestClock

    /// The services the app runs on, on the same database and clock.
    var services: Services {
        Services(database: database, clock: clock, baseURL: "https://liaison.test", bcryptCost: 4, logger: TestDatabase.logger, webhooksToLoopback: true)
    }

    /// A new browser with its own cookies.
    func browser() -> Browser { Browser(client: client, recoveryCode: recoveryCode(for:)) }

    static let password = "a long enough password"
}
