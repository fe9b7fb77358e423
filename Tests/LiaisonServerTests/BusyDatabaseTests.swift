import Foundation
import Hummingbird
import HummingbirdTesting
import LiaisonData
@testable import LiaisonServer
import Testing

@Suite struct BusyDatabaseTests {
    /// A route that always meets a database giving up on clashes, behind the real error middleware.
    func withBusyRoute(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await withApp { world in
            try await busyRoute(world, body)
        }
    }

    func busyRoute(_ world: TestWorld, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: ErrorMiddleware(views: try await Views(secureCookies: false), refusals: RefusalLog(database: world.database, auditor: world.services.auditor)))
        router.post("/api/v1/busy") { _, _ -> String in throw DatabaseBusy() }
        router.post("/referrals/busy") { _, _ -> String in throw DatabaseBusy() }
        router.post("/api/v1/clash") { _, _ -> String in throw ConcurrentChange() }
        try await Application(router: router).test(.router, body)
    }

    @Test func theAPIAnswers503WithAProblemDocumentNot500() async throws {
        try await withBusyRoute { client in
            let answer = try await client.execute(uri: "/api/v1/busy", method: .post)
            #expect(answer.status == .serviceUnavailable)
            #expect(answer.headers[.contentType] == "application/problem+json")
            #expect(String(buffer: answer.body).contains("Nothing was changed"))
            #expect(try await client.execute(uri: "/api/v1/clash", method: .post).status == .conflict)
        }
    }

    @Test func aPageSaysTryAgain() async throws {
        try await withBusyRoute { client in
            let answer = try await client.execute(uri: "/referrals/busy", method: .post)
            #expect(answer.status == .serviceUnavailable)
            #expect(String(buffer: answer.body).contains("try again in a moment"))
        }
    }
}
