import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import LiaisonTestSupport
import Testing
@testable import LiaisonServer

/// Webhooks against a real receiver on loopback (`scripts/test-webhook-receiver`), which checks
/// each signature with Python's own HMAC.
@Suite(.enabled(if: SMTPTestServer.isAvailable, "needs Python 3 (the receiver uses only its standard library)"))
struct WebhookDeliveryTests {
    struct Setting {
        let clinic: Organisation
        let admin: UserAccount
        let patient: Patient
        let haddad: UserAccount
        let lindqvist: UserAccount
    }

    /// Riverside Clinic with an administrator; Dr. Haddad (on Sam's team) and Dr. Lindqvist work there.
    static func setUp(_ world: TestWorld) async throws -> Setting {
        let clinic = try await world.organisation()
        let admin = try await world.person("chief@clinic.example", name: "Chief", in: clinic, role: .administrator)
        let haddad = try await world.person("haddad@clinic.example", name: "Dr. Haddad", in: clinic)
        let lindqvist = try await world.person("lindqvist@clinic.example", name: "Dr. Lindqvist", in: clinic)
        try await world.profile(for: lindqvist)
        let patient = try await world.patient(registeredBy: haddad, role: .primaryCare, at: clinic)
        return Setting(clinic: clinic, admin: admin, patient: patient, haddad: haddad, lindqvist: lindqvist)
    }

    /// Registers an endpoint at the receiver through the service the page uses, and tells the
    /// receiver its secret.
    @discardableResult
    static func register(_ world: TestWorld, _ setting: Setting, _ receiver: WebhookReceiver, events: [WebhookEvent]) async throws -> UUID {
        let added = try await world.services.webhookEndpoints.add(
            .init(url: receiver.url(), events: events.map(\.rawValue)), to: setting.clinic.id!,
            by: world.caller(setting.admin, memberOf: [setting.clinic], as: .administrator))
        try receiver.trust(added.secret)
        return added.endpoint.id
    }

    static func delivery(_ world: TestWorld, allowLoopback: Bool = true, timeout: Duration = .seconds(10), database: LiaisonDatabase? = nil) -> OutboxDelivery {
        let database = database ?? world.database
        return OutboxDelivery(
            database: database, clock: world.clock,
            transport: WebhookTransport(database: database, clock: world.clock, allowLoopback: allowLoopback, timeout: timeout),
            logger: TestDatabase.logger)
    }

    @Test func referralStepsReachTheEndpointSignedWithReferencesAndNoNames() async throws {
        try await withApp { world in
            let setting = try await Self.setUp(world)
            try await withWebhookReceiver { receiver in
                try await Self.register(world, setting, receiver, events: [.referralSent, .referralAccepted, .referralClosed])
                let referral = try await world.referral(setting.patient, from: setting.haddad, to: setting.lindqvist)
                try await world.referralService.accept(
                    referral.id!, note: Dictionary(uniqueKeysWithValues: ReferralLoopTests.acknowledgement), role: nil, by: world.caller(setting.lindqvist))
                // Scheduling was not asked for: nothing is queued for it.
                try await world.referralService.schedule(referral.id!, firstAppointment: "2027-02-01", by: world.caller(setting.lindqvist))
                #expect(try await Self.delivery(world).drain() == .init(delivered: 2, retrying: 0, setAside: 0))

                let calls = try receiver.accepted()
                #expect(calls.map(\.event) == ["referral.sent", "referral.accepted"] || calls.map(\.event) == ["referral.accepted", "referral.sent"])
                for call in calls {
                    #expect(call.verified == true, "the receiver checked the signature with its own HMAC")
                    #expect(call.contentType == "application/json")
                    #expect(call.timestamp == String(Int(world.clock.now().timeIntervalSince1970)))
                    let body = call.json
                    #expect(body["id"] as? String == call.key, "the body carries the idempotency key")
                    #expect(body["organisationId"] as? String == setting.clinic.id!.uuidString)
                    let shown = try #require((body["data"] as? [String: Any])?["referral"] as? [String: Any])
                    #expect(shown["reference"] as? String == ReferralReference.short(referral.id!))
                    #expect(shown["url"] as? String == "https://liaison.test/referrals/\(referral.id!.uuidString.lowercased())")
                    for secret in ["Sam", "Rivera", "Panic", "Haddad", "Lindqvist", "1984"] {
                        #expect(!call.body.contains(secret), "a webhook carries no name or clinical detail: \(secret)")
                    }
                }
                #expect(calls.first { $0.event == "referral.accepted" }.map { (($0.json["data"] as? [String: Any])?["referral"] as? [String: Any])?["state"] as? String } == "accepted")
            }
        }
    }

    @Test func aReceiverThatFailsOrIsDownGetsEveryCallOncePerKeyWhenItRecovers() async throws {
        try await withApp { world in
            let setting = try await Self.setUp(world)
            // First nobody listens at the address.
            let closed = try await WebhookReceiver()
            let port = closed.port
            closed.stop()
            let added = try await world.services.webhookEndpoints.add(
                .init(url: "http://127.0.0.1:\(port)/hook", events: ["referral.sent"]), to: setting.clinic.id!,
                by: world.caller(setting.admin, memberOf: [setting.clinic], as: .administrator))
            for _ in 0..<3 { _ = try await world.referral(setting.patient, from: setting.haddad, to: setting.lindqvist) }
            #expect(try await Self.delivery(world).drain() == .init(delivered: 0, retrying: 3, setAside: 0))
            let waiting = try await OutboxMessage.query(on: world.database.db()).filter(\.$channel == "webhook").all()
            #expect(waiting.allSatisfy { $0.lastError?.contains("connect") == true }, "\(waiting.map(\.lastError))")

            // Then it answers 503 twice before recovering.
            try await withWebhookReceiver(["--port", String(port), "--fail-first", "2"]) { receiver in
                try receiver.trust(added.secret)
                #expect(try await Self.delivery(world).drain() == .init(), "nothing is tried before its time")
                world.clock.advance(by: 120)
                #expect(try await Self.delivery(world).drain() == .init(delivered: 1, retrying: 2, setAside: 0))
                world.clock.advance(by: 600)
                #expect(try await Self.delivery(world).drain().delivered == 2)
                world.clock.advance(by: 86400)
                #expect(try await Self.delivery(world).drain() == .init())
                let calls = try receiver.calls()
                #expect(calls.count == 5)
                let keys = try receiver.accepted().compactMap(\.key)
                #expect(keys.count == 3)
                #expect(Set(keys).count == 3, "each call arrived once")
                // A retried call keeps its key: the two refused tries were of calls accepted later.
                #expect(Set(calls.filter { $0.status == 503 }.compactMap(\.key)).isSubset(of: Set(keys)))
                #expect(try receiver.accepted().allSatisfy { $0.verified == true })
            }
        }
    }

    @Test func goneIsSetAsideAndAnAdministratorCanQueueItAgain() async throws {
        try await withApp { world in
            let setting = try await Self.setUp(world)
            let admin = world.caller(setting.admin, memberOf: [setting.clinic], as: .administrator)
            try await withWebhookReceiver(["--status", "410"]) { receiver in
                let endpoint = try await Self.register(world, setting, receiver, events: [.referralSent])
                _ = try await world.referral(setting.patient, from: setting.haddad, to: setting.lindqvist)
                #expect(try await Self.delivery(world).drain() == .init(delivered: 0, retrying: 0, setAside: 1))
                let listed = try await world.services.webhookEndpoints.endpoints(of: setting.clinic.id!, by: admin)
                let call = try #require(listed.first { $0.id == endpoint }?.calls.first)
                #expect(call.state == .setAside)
                #expect(call.lastError?.contains("410") == true)
                try await world.services.webhookEndpoints.retry(call.id, of: setting.clinic.id!, by: admin)
                await #expect(throws: AppError.self) { try await world.services.webhookEndpoints.retry(call.id, of: setting.clinic.id!, by: admin) }
                #expect(try await Self.delivery(world).drain().setAside == 1)
                #expect(try receiver.calls().count == 2)
            }
        }
    }

    @Test func aReceiverThatNeverAnswersCostsATimeout() async throws {
        try await withApp { world in
            let setting = try await Self.setUp(world)
            try await withWebhookReceiver(["--hang"]) { receiver in
                try await Self.register(world, setting, receiver, events: [.referralSent])
                for _ in 0..<3 { _ = try await world.referral(setting.patient, from: setting.haddad, to: setting.lindqvist) }
                let started = ContinuousClock.now
                #expect(try await Self.delivery(world, timeout: .seconds(1)).drain().retrying == 3)
                #expect(ContinuousClock.now - started < .seconds(8), "calls go out side by side, each bounded")
            }
            #expect(try await OutboxMessage.query(on: world.database.db()).filter(\.$channel == "webhook").first()?.lastError?.contains("in time") == true)
        }
    }

    @Test func aRemovedEndpointGetsNothingMore() async throws {
        try await withApp { world in
            let setting = try await Self.setUp(world)
            let admin = world.caller(setting.admin, memberOf: [setting.clinic], as: .administrator)
            try await withWebhookReceiver { receiver in
                let endpoint = try await Self.register(world, setting, receiver, events: [.referralSent])
                _ = try await world.referral(setting.patient, from: setting.haddad, to: setting.lindqvist)
                try await world.services.webhookEndpoints.remove(endpoint, of: setting.clinic.id!, by: admin)
                _ = try await world.referral(setting.patient, from: setting.haddad, to: setting.lindqvist)
                #expect(try await Self.delivery(world).drain() == .init())
                #expect(try receiver.calls().isEmpty)
                let aside = try await OutboxQueries.setAside(.webhook, on: world.database.db())
                #expect(aside.count == 1)
                #expect(aside.first?.lastError == "The endpoint was removed.")
                await #expect(throws: AppError.self) { try await world.services.webhookEndpoints.remove(endpoint, of: setting.clinic.id!, by: admin) }
            }
        }
    }

    @Test func theAddressIsCheckedAgainWhenDelivering() async throws {
        try await withApp { world in
            let setting = try await Self.setUp(world)
            try await withWebhookReceiver { receiver in
                // Registered where loopback is allowed, delivered by a server where it is not
                // (as a name that comes to resolve to a forbidden address would be).
                try await Self.register(world, setting, receiver, events: [.referralSent])
                _ = try await world.referral(setting.patient, from: setting.haddad, to: setting.lindqvist)
                #expect(try await Self.delivery(world, allowLoopback: false).drain().setAside == 1)
                #expect(try receiver.calls().isEmpty)
            }
            let endpoint = WebhookEndpoint(
                organisationID: setting.clinic.id!, url: "http://localhost:9/hook", secret: "s", events: ["referral.sent"], createdAt: world.clock.now(),
                createdBy: setting.admin.id!)
            try await endpoint.create(on: world.database.db())
            #expect(await WebhookTransport.resolve("localhost").contains { $0.refusal(allowLoopback: false) != nil })
            #expect(await WebhookTransport.resolve("127.0.0.1") == [IPAddress("127.0.0.1")!])
        }
    }

    @Test func workersRunningAtOnceCallEachKeyOnce() async throws {
        try await withApp { world in
            let setting = try await Self.setUp(world)
            try await withWebhookReceiver { receiver in
                try await Self.register(world, setting, receiver, events: [.referralSent])
                let endpoints = try await WebhookQueries.endpoints(ofOrganisation: setting.clinic.id!, on: world.database.db())
                try await world.database.write { db in
                    for _ in 0..<60 { try await world.services.webhooks.queue(.test, about: .none, for: [(endpoints[0].id!, setting.clinic.id!)], on: db) }
                }
                var databases = [world.database]
                if world.database.location.isPostgres {
                    databases.append(try LiaisonDatabase(location: world.database.location, logger: TestDatabase.logger))
                }
                let total = try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<4 {
                        let delivery = Self.delivery(world, database: databases[index % databases.count])
                        group.addTask { try await delivery.drain().delivered }
                    }
                    return try await group.reduce(0, +)
                }
                for database in databases.dropFirst() { await database.shutdown() }
                #expect(total == 60)
                let keys = try receiver.accepted().compactMap(\.key)
                #expect(keys.count == 60)
                #expect(Set(keys).count == 60)
            }
        }
    }
}

/// The webhooks page and API: who may use them, what bad input gets, what is audited.
@Suite struct WebhookPagesTests {
    @Test func anAdministratorAddsAnEndpointSeesTheSecretOnceAndSendsATestEvent() async throws {
        try await withApp { world in
            let clinic = try await world.organisation()
            try await world.person("chief@clinic.example", name: "Chief", in: clinic, role: .administrator)
            let browser = world.browser()
            try await browser.signIn("chief@clinic.example")
            let path = "/organisations/\(clinic.id!.uuidString.lowercased())/webhooks"
            let empty = try await browser.get(path)
            #expect(empty.status == .ok)
            #expect(empty.body.contains("No endpoints yet."))
            #expect(try await browser.get("/organisations/\(clinic.id!.uuidString.lowercased())").body.contains(path))

            let refused = try await browser.post(path, [("url", "http://169.254.169.254/latest/meta-data/"), ("events", "referral.sent")])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("link-local"))
            #expect(refused.body.contains("169.254.169.254/latest"), "what was typed is kept")
            let noEvents = try await browser.post(path, [("url", "https://integration.example.org/liaison")])
            #expect(noEvents.status == .unprocessableContent)
            #expect(noEvents.body.contains("Choose at least one event."))
            #expect(try await WebhookEndpoint.query(on: world.database.db()).count() == 0)

            let added = try await browser.post(path, [("url", "https://integration.example.org/liaison"), ("events", "referral.sent"), ("events", "referral.closed")])
            #expect(added.status == .created)
            let secret = try #require(added.body.firstMatch(of: /whsec_[A-Za-z0-9_-]{43}/).map { String($0.output) })
            let page = try await browser.get(path)
            #expect(page.body.contains("https://integration.example.org/liaison"))
            #expect(page.body.contains("referral.closed, referral.sent"))
            #expect(!page.body.contains(secret), "the secret is shown once")

            let endpoint = try #require(try await WebhookEndpoint.query(on: world.database.db()).first())
            #expect(endpoint.secret == secret)
            let test = try await browser.post(path + "/\(endpoint.id!.uuidString.lowercased())/test", [])
            #expect(test.location == path)
            let queued = try await OutboxQueries.waiting(.webhook, on: world.database.db())
            #expect(queued.map(\.subject) == ["webhook.test"])
            #expect(try await browser.get(path).body.contains("webhook.test"))
            #expect(try await browser.post(path + "/\(endpoint.id!.uuidString.lowercased())/remove", []).location == path)
            #expect(try await browser.get(path).body.contains("No endpoints yet."))
            let actions = try await AuditEntry.query(on: world.database.db()).filter(\.$action ~~ ["webhook.add", "webhook.test", "webhook.remove"]).all().map(\.action)
            #expect(actions.sorted() == ["webhook.add", "webhook.remove", "webhook.test"])
        }
    }

    @Test func theAPIAnswersAdministratorsOnlyAndRefusesBadInputWithoutChangingAnything() async throws {
        try await withApp { world in
            let clinic = try await world.organisation()
            let other = try await world.organisation("Harbour Practice")
            let chief = try await world.person("chief@clinic.example", in: clinic, role: .administrator)
            let clinician = try await world.person("dr@clinic.example", in: clinic)
            let otherChief = try await world.person("chief@harbour.example", in: other, role: .administrator)
            let api = try await world.apiToken(for: chief)
            let base = "/api/v1/organisations/\(clinic.id!.uuidString.lowercased())/webhooks"

            for (json, field) in [
                (#"{"url":"ftp://example.org","events":["referral.sent"]}"#, "url"),
                (#"{"url":"http://[fe80::1]/x","events":["referral.sent"]}"#, "url"),
                (#"{"url":"https://example.org/x","events":["referral.teleported"]}"#, "events"),
                (#"{"url":"https://example.org/x","events":[]}"#, "events"),
            ] {
                let answer = try await api.call(.post, base, json: json)
                #expect(answer.status == .unprocessableContent, "\(json)")
                #expect(answer.body.contains(field))
            }
            #expect(try await api.call(.post, base, json: #"{"url":"https://example.org/x","events":"referral.sent"}"#).status == .unprocessableContent)
            #expect(try await WebhookEndpoint.query(on: world.database.db()).count() == 0)

            let created = try await api.call(.post, base, json: #"{"url":"https://integration.example.org/liaison","events":["referral.accepted"]}"#)
            #expect(created.status == .created)
            let body = try created.json()
            #expect((body["secret"] as? String)?.hasPrefix("whsec_") == true)
            let id = try #require(body["id"] as? String)
            let listed = try await api.call(.get, base).json()
            let endpoints = try #require(listed["endpoints"] as? [[String: Any]])
            #expect(endpoints.count == 1)
            #expect(endpoints[0]["secret"] == nil || endpoints[0]["secret"] is NSNull, "listing never shows the secret")
            #expect(try await api.call(.post, base + "/\(id)/test").status == .accepted)

            // Clinicians and other organisations' administrators are not this organisation's administrators.
            for outsider in [clinician, otherChief] {
                let client = try await world.apiToken(for: outsider)
                #expect(try await client.call(.get, base).status == .forbidden)
                #expect(try await client.call(.post, base, json: #"{"url":"https://evil.example.org","events":["referral.sent"]}"#).status == .forbidden)
                #expect(try await client.call(.delete, base + "/\(id)").status == .forbidden)
            }
            let otherBase = "/api/v1/organisations/\(other.id!.uuidString.lowercased())/webhooks"
            #expect(try await world.apiToken(for: otherChief).call(.delete, otherBase + "/\(id)").status == .notFound, "not that organisation's endpoint")
            #expect(try await api.call(.delete, base + "/\(id)").status == .noContent)
            #expect(try await api.call(.delete, base + "/\(id)").status == .notFound)
            #expect(try await api.call(.post, base + "/\(UUID().uuidString)/test").status == .notFound)
        }
    }
}
