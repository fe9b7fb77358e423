import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import LiaisonTestSupport
import Testing
@testable import LiaisonServer

/// Email delivery against a real SMTP server on loopback (`scripts/test-smtp-server`).
@Suite(.enabled(if: SMTPTestServer.isAvailable, "needs Python's aiosmtpd: pip install aiosmtpd"))
struct MailDeliveryTests {
    static func delivery(_ world: TestWorld, _ settings: SMTPSettings, timeout: Duration = .seconds(20), database: LiaisonDatabase? = nil) -> OutboxDelivery {
        let client = SMTPClient(settings: settings, from: "Liaison <noreply@liaison.test>", timeout: timeout)
        return OutboxDelivery(
            database: database ?? world.database, clock: world.clock, transport: MailTransport(client: client, domain: "liaison.test"),
            logger: TestDatabase.logger)
    }

    /// Queues `count` plain notices to distinct people.
    static func queueNotices(_ world: TestWorld, count: Int, to prefix: String = "person") async throws {
        try await world.database.write { db in
            try await world.services.outbox.email(
                (0..<count).map { NewEmail(to: "\(prefix)\($0)@example.org", subject: "Referral R-\($0) needs an answer", body: "See https://liaison.test/referrals") },
                on: db)
        }
    }

    @Test func deliversThroughSTARTTLSWithAuthenticationAndDropsSingleUseLinks() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            try await world.services.passwordResets.requestReset(email: "ana@clinic.example")
            try await Self.queueNotices(world, count: 1)
            try await withSMTPServer(["--starttls", "--auth", "liaison:s3cret"]) { server in
                let outcome = try await Self.delivery(world, server.settings(username: "liaison", password: "s3cret")).drain()
                let errors = try await OutboxMessage.query(on: world.database.db()).all().map { $0.lastError ?? "-" }
                #expect(outcome == .init(delivered: 2, retrying: 0, setAside: 0), "\(errors)")
                let mail = try server.messages()
                #expect(mail.count == 2)
                let reset = try #require(mail.first { $0.contains("X-Envelope-To: ana@clinic.example") })
                #expect(reset.contains("X-TLS: yes"))
                #expect(reset.contains("From: Liaison <noreply@liaison.test>"))
                #expect(reset.contains("Subject: Reset your Liaison password"))
                #expect(reset.contains("multipart/alternative"))
                #expect(reset.contains("text/html"))
                #expect(reset.contains("Message-ID: <"))
            }
            let rows = try await OutboxMessage.query(on: world.database.db()).sort(\.$createdAt).all()
            #expect(rows.allSatisfy { $0.deliveredAt != nil })
            let reset = try #require(rows.first { $0.recipient == "ana@clinic.example" })
            #expect(reset.body == OutboxQueries.deliveredSecret)
            #expect(!reset.body.contains("/password/reset/"))
            #expect(rows.first { $0.recipient == "person0@example.org" }?.body.contains("https://liaison.test/referrals") == true)
        }
    }

    @Test func wrongCredentialsSetEverythingAsideForAnAdministrator() async throws {
        try await withApp { world in
            try await Self.queueNotices(world, count: 2)
            try await withSMTPServer(["--starttls", "--auth", "liaison:s3cret"]) { server in
                let outcome = try await Self.delivery(world, server.settings(username: "liaison", password: "wrong")).drain()
                #expect(outcome.setAside == 2)
                #expect(try server.messages().isEmpty)
            }
            let aside = try await OutboxQueries.setAside(on: world.database.db())
            #expect(aside.count == 2)
            #expect(aside.allSatisfy { $0.lastError?.contains("AUTH") == true })
        }
    }

    @Test func aServerThatSaysTryLaterOrIsDownGetsEveryMessageOnceWhenItRecovers() async throws {
        try await withApp { world in
            try await Self.queueNotices(world, count: 3)
            // Nobody listens: every message waits for a later try.
            let closed = SMTPSettings(host: "127.0.0.1", port: 1, security: .startTLSWhenOffered)
            #expect(try await Self.delivery(world, closed).drain() == .init(delivered: 0, retrying: 3, setAside: 0))
            try await withSMTPServer(["--fail-first", "2"]) { server in
                // Not due yet: nothing is tried before its time.
                #expect(try await Self.delivery(world, server.settings()).drain() == .init())
                world.clock.advance(by: 120)
                let first = try await Self.delivery(world, server.settings()).drain()
                #expect(first == .init(delivered: 1, retrying: 2, setAside: 0))
                world.clock.advance(by: 300)
                #expect(try await Self.delivery(world, server.settings()).drain().delivered == 2)
                let recipients = try server.messages().compactMap { $0.firstMatch(of: /X-Envelope-To: (\S+)/).map { String($0.1) } }
                #expect(recipients.sorted() == ["person0@example.org", "person1@example.org", "person2@example.org"])
            }
        }
    }

    @Test func anUnknownMailboxIsSetAsideAndCanBeQueuedAgain() async throws {
        try await withApp { world in
            try await Self.queueNotices(world, count: 2)
            try await withSMTPServer(["--reject", "person0@example.org"]) { server in
                #expect(try await Self.delivery(world, server.settings()).drain() == .init(delivered: 1, retrying: 0, setAside: 1))
                let aside = try #require(try await OutboxQueries.setAside(on: world.database.db()).first)
                #expect(aside.recipient == "person0@example.org")
                #expect(aside.lastError?.contains("550") == true)
                #expect(try await OutboxQueries.retry(aside.requireID(), at: world.clock.now(), on: world.database.db()))
                #expect(try await OutboxQueries.retry(aside.requireID(), at: world.clock.now(), on: world.database.db()) == false)
                #expect(try await Self.delivery(world, server.settings()).drain().setAside == 1)
                #expect(try server.messages().count == 1)
            }
        }
    }

    @Test func aServerThatNeverAnswersCostsATimeoutNotTheWorker() async throws {
        try await withApp { world in
            try await Self.queueNotices(world, count: 1)
            try await withSMTPServer(["--hang"]) { server in
                let started = ContinuousClock.now
                let outcome = try await Self.delivery(world, server.settings(), timeout: .seconds(1)).drain()
                #expect(outcome.retrying == 1)
                #expect(ContinuousClock.now - started < .seconds(15))
            }
            #expect(try await OutboxMessage.query(on: world.database.db()).first()?.lastError?.isEmpty == false)
        }
    }

    @Test func workersRunningAtOnceSendEachMessageOnce() async throws {
        try await withApp { world in
            try await Self.queueNotices(world, count: 60)
            try await withSMTPServer { server in
                var databases = [world.database]
                if world.database.location.isPostgres {
                    databases.append(try LiaisonDatabase(location: world.database.location, logger: TestDatabase.logger))
                }
                let total = try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<4 {
                        let delivery = Self.delivery(world, server.settings(), database: databases[index % databases.count])
                        group.addTask { try await delivery.drain().delivered }
                    }
                    return try await group.reduce(0, +)
                }
                for database in databases.dropFirst() { await database.shutdown() }
                #expect(total == 60)
                let ids = try server.messages().compactMap { $0.firstMatch(of: /Message-ID: <([^>]+)>/).map { String($0.1) } }
                #expect(ids.count == 60)
                #expect(Set(ids).count == 60)
            }
        }
    }
}

@Suite struct SetAsideEmailTests {
    @Test func operatorsSeeWhatWasSetAsideWithoutWholeAddressesAndQueueItAgain() async throws {
        try await withApp { world in
            let admin = try await world.person("root@liaison.test", systemAdministrator: true)
            let clinic = try await world.organisation()
            let chief = try await world.person("chief@clinic.example", in: clinic, role: .administrator)
            try await MailDeliveryTests.queueNotices(world, count: 1, to: "sam.patient")
            let claimed = try await OutboxQueries.claim(limit: 1, at: world.clock.now(), leaseUntil: world.clock.now(), on: world.database.db())
            try await OutboxQueries.markFailed(claimed[0].id, error: "RCPT TO: 550 no such user", retryAt: nil, at: world.clock.now(), on: world.database.db())

            let browser = world.browser()
            try await browser.signIn(admin.email)
            let page = try await browser.get("/admin/email")
            #expect(page.status == .ok)
            #expect(page.body.contains("s…@example.org"))
            #expect(!page.body.contains("sam.patient"))
            #expect(page.body.contains("550 no such user"))
            let retryPath = SiteURL.adminEmailRetry(claimed[0].id).path
            #expect(try await browser.post(retryPath, []).location == "/admin/email")
            #expect(try await OutboxQueries.counts(on: world.database.db()) == OutboxCounts(waiting: 1, delivered: 0, setAside: 0))
            #expect(try await AuditEntry.query(on: world.database.db()).filter(\.$action == "email.retry").count() == 1)
            #expect(try await browser.post(retryPath, []).status == .notFound)

            let api = try await world.apiToken(for: admin)
            let listed = try await api.call(.get, "/api/v1/admin/outbox").json()
            #expect(listed["waiting"] as? Int == 1)
            #expect((listed["setAside"] as? [Any])?.isEmpty == true)
            // Organisation administrators and clinicians are not the installation's operators.
            #expect(try await world.apiToken(for: chief).call(.get, "/api/v1/admin/outbox").status == .forbidden)
            #expect(try await world.apiToken(for: chief).call(.post, "/api/v1" + "/admin/outbox/\(claimed[0].id)/retry").status == .forbidden)
        }
    }
}
