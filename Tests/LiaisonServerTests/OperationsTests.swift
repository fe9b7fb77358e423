import Foundation
import Hummingbird
import LiaisonData
import Testing
@testable import LiaisonServer

@Suite struct OperationsTests {
    @Test func healthAndReadiness() async throws {
        try await withApp { world in
            let api = APIClient(client: world.client, token: nil)
            let health = try await api.call(.get, "/health")
            #expect(health.body == #"{"status":"ok"}"#)
            #expect(try await api.call(.get, "/ready").status == .ok)
            #expect(health.headers[.init("Strict-Transport-Security")!] != nil)
        }
    }

    @Test func metricsGoOnlyToAScraperWithTheToken() async throws {
        let token = "a-metrics-token-of-some-length"
        try await withApp(configure: { $0.metricsToken = token }) { world in
            #expect(try await APIClient(client: world.client, token: nil).call(.get, "/metrics").status == .notFound)
            #expect(try await APIClient(client: world.client, token: "a-wrong-token-of-some-length").call(.get, "/metrics").status == .notFound)
            let scraped = try await APIClient(client: world.client, token: token).call(.get, "/metrics")
            #expect(scraped.status == .ok)
        }
        try await withApp(configure: { $0.publicURL = "http://liaison.test" }) { world in
            let answer = try await APIClient(client: world.client, token: nil).call(.get, "/metrics")
            #expect(answer.status == .notFound)
            #expect(answer.headers[.init("Strict-Transport-Security")!] == nil)
        }
    }

    @Test func unknownPageIsAFriendlyNotFoundWithTheRequestID() async throws {
        try await withApp { world in
            let page = try await world.browser().get("/no/such/page")
            #expect(page.status == .notFound)
            #expect(page.body.contains("<h1>Not found</h1>"))
            let id = try #require(page.headers[.init("X-Request-ID")!])
            #expect(page.body.contains(id))
        }
    }

    @Test func pagesCarrySecurityHeaders() async throws {
        try await withApp { world in
            let page = try await world.browser().get("/sign-in")
            #expect(page.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            #expect(page.headers[.init("X-Frame-Options")!] == "DENY")
            #expect(page.headers[.init("X-Content-Type-Options")!] == "nosniff")
        }
    }

    @Test func openAPIDocumentIsServed() async throws {
        try await withApp { world in
            let answer = try await APIClient(client: world.client, token: nil).call(.get, "/api/v1/openapi.json")
            #expect(answer.status == .ok)
            let json = try answer.json()
            #expect((json["openapi"] as? String)?.hasPrefix("3.1") == true)
            let paths = json["paths"] as? [String: Any] ?? [:]
            for path in ["/api/v1/clinicians", "/api/v1/patients/{id}", "/api/v1/patients/{id}/care-team", "/api/v1/patients/{id}/consent", "/api/v1/patients/{id}/access-log", "/api/v1/referrals", "/api/v1/referrals/{id}/actions/{action}"] {
                #expect(paths[path] != nil, "\(path) is not documented")
            }
        }
    }

    @Test func formBodyThatIsNotUTF8IsRefused() async throws {
        try await withApp { world in
            let browser = world.browser()
            try await browser.get("/sign-in")
            let csrf = browser.cookies["liaison_csrf"]!
            let answer = try await browser.send(
                "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "_csrf=\(csrf)&email=%FF%FE&password=x"))
            #expect(answer.status == .badRequest)
            #expect(answer.body.contains("not valid UTF-8"))
        }
    }

    @Test func oversizedBodyIsRefused() async throws {
        try await withApp { world in
            let browser = world.browser()
            try await browser.get("/sign-in")
            let huge = String(repeating: "a", count: 2 << 20)
            let answer = try await browser.post("/sign-in", [("email", huge), ("password", "x")])
            #expect(answer.status == .contentTooLarge)
        }
    }
}

@Suite struct ConfigurationTests {
    @Test func defaultsNeedNoSettings() throws {
        let configuration = try LiaisonConfiguration.fromEnvironment([:])
        #expect(configuration.database == .sqliteFile(path: "liaison.sqlite"))
        #expect(configuration.port == 8080)
        #expect(configuration.baseURL == "http://127.0.0.1:8080")
    }

    @Test func readsEverySetting() throws {
        let configuration = try LiaisonConfiguration.fromEnvironment([
            "LIAISON_HOST": "0.0.0.0", "LIAISON_PORT": "9000", "LIAISON_DATABASE_URL": "postgres://u@db.example:5432/liaison",
            "LIAISON_PUBLIC_URL": "https://liaison.example.org/", "LIAISON_SECURE_COOKIES": "true", "LIAISON_LOG_LEVEL": "debug",
        ])
        #expect(configuration.port == 9000)
        #expect(configuration.database.isPostgres)
        #expect(configuration.baseURL == "https://liaison.example.org")
        #expect(configuration.secureCookies)
    }

    @Test func emailSettings() throws {
        let configuration = try LiaisonConfiguration.fromEnvironment([
            "LIAISON_SMTP_URL": "smtp://liaison:pw@mail.example.org:587?starttls=required", "LIAISON_PUBLIC_URL": "https://liaison.example.org",
        ])
        #expect(configuration.smtp?.security == .startTLSRequired)
        #expect(configuration.emailFrom == "Liaison <liaison@liaison.example.org>")
        #expect {
            try LiaisonConfiguration.fromEnvironment(["LIAISON_SMTP_URL": "mail.example.org", "LIAISON_MAIL_FROM": "nobody"])
        } throws: { error in
            let text = (error as? ConfigurationError)?.description ?? ""
            return text.contains("LIAISON_SMTP_URL must look like smtp://") && text.contains("LIAISON_MAIL_FROM must be an email address")
        }
    }

    @Test func everyBadSettingIsNamed() {
        #expect {
            try LiaisonConfiguration.fromEnvironment([
                "LIAISON_PORT": "eighty", "LIAISON_DATABASE_URL": "mysql://x/y", "LIAISON_SECURE_COOKIES": "perhaps",
            ])
        } throws: { error in
            let text = (error as? ConfigurationError)?.description ?? ""
            return text.contains("LIAISON_PORT must be a whole number") && text.contains("LIAISON_DATABASE_URL uses \"mysql\"")
                && text.contains("LIAISON_SECURE_COOKIES must be true or false")
        }
    }

    @Test(arguments: [
        ("postgres://u:secret@db:5432/x", "PostgreSQL postgres://u:****@db:5432/x"),
        ("sqlite:///var/lib/liaison.sqlite", "SQLite file /var/lib/liaison.sqlite"),
        ("data/liaison.sqlite", "SQLite file data/liaison.sqlite"),
    ])
    func databaseLocationsParseAndHidePasswords(raw: String, described: String) throws {
        #expect(try DatabaseLocation(parsing: raw).description == described)
    }
}
