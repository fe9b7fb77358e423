import Foundation
import LiaisonCore
import LiaisonData
import Logging

/// Every setting the server needs, read once at start-up from `LIAISON_*` variables and flags.
public struct LiaisonConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8080
    public var database: DatabaseLocation = .sqliteFile(path: DatabaseLocation.defaultSQLiteFile)
    /// The address people use to reach this server; links in emails start with it.
    public var publicURL: String?
    /// Send cookies only over HTTPS. Turn on behind TLS.
    public var secureCookies: Bool = false
    public var logLevel: Logger.Level = .info
    /// bcrypt work factor; 12 in production, lower in tests only.
    public var bcryptCost: UInt8 = 12
    /// Run the referral sweep (reminders, escalation, expiry) in this server.
    public var backgroundJobs: Bool = true
    /// The bearer token `/metrics` asks for; without one, metrics are not served.
    public var metricsToken: String?
    /// Seals audit entries (`LIAISON_AUDIT_KEY`); keep it outside the database.
    public var auditKey: AuditKey?
    /// Where email goes (`LIAISON_SMTP_URL`); without it emails wait in the outbox.
    public var smtp: SMTPSettings?
    /// The From of every email (`LIAISON_MAIL_FROM`).
    public var mailFrom: String?
    /// Webhook endpoints on this machine (127.0.0.0/8, ::1, localhost) are allowed
    /// (`LIAISON_WEBHOOKS_TO_LOOPBACK`): for tests and one-machine set-ups only.
    public var webhooksToLoopback: Bool = false
    /// Where hospitals' ADT feeds connect over MLLP (`LIAISON_MLLP_PORT`), on `host`; off when nil.
    public var mllpPort: Int?

    public init() {}

    /// Whether people reach Liaison over HTTPS (browsers are then told to keep to it).
    public var servesHTTPS: Bool { publicURL?.lowercased().hasPrefix("https://") ?? false }

    /// The From of every email: `LIAISON_MAIL_FROM`, or an address at the public host.
    public var emailFrom: String {
        mailFrom ?? "Liaison <liaison@\(mailDomain)>"
    }

    /// The public host, for addresses and Message-IDs.
    public var mailDomain: String {
        publicURL.flatMap { URL(string: $0)?.host } ?? "localhost"
    }

    /// The base for absolute links.
    public var baseURL: String {
        publicURL ?? "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
    }

    /// Reads `LIAISON_*` variables; any malformed one stops start-up with a message naming it.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> LiaisonConfiguration {
        var configuration = LiaisonConfiguration()
        var problems: [ConfigurationError.Problem] = []
        func read(_ name: String, _ apply: (String) -> String?) {
            guard let value = environment[name] else { return }
            if let problem = apply(value) { problems.append(.init(setting: name, message: problem)) }
        }
        read("LIAISON_HOST") { value in
            guard !value.isEmpty, !value.contains(" ") else { return "must be a host name or address, e.g. 127.0.0.1" }
            configuration.host = value
            return nil
        }
        read("LIAISON_PORT") { value in
            guard let port = Int(value), (1...65535).contains(port) else { return "must be a whole number from 1 to 65535 (got \"\(value)\")" }
            configuration.port = port
            return nil
        }
        read("LIAISON_MLLP_PORT") { value in
            guard let port = Int(value), (1...65535).contains(port) else { return "must be a whole number from 1 to 65535 (got \"\(value)\")" }
            configuration.mllpPort = port
            return nil
        }
        read("LIAISON_DATABASE_URL") { value in
            do {
                configuration.database = try DatabaseLocation(parsing: value)
                return nil
            } catch let error as DatabaseLocationError {
                return error.description
            } catch {
                return "is not valid"
            }
        }
        read("LIAISON_PUBLIC_URL") { value in
            guard let url = URL(string: value), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                return "must be an http:// or https:// address, e.g. https://liaison.example.org"
            }
            configuration.publicURL = value.hasSuffix("/") ? String(value.dropLast()) : value
            return nil
        }
        read("LIAISON_SECURE_COOKIES") { value in
            guard let flag = parseFlag(value) else { return "must be true or false" }
            configuration.secureCookies = flag
            return nil
        }
        read("LIAISON_LOG_LEVEL") { value in
            guard let level = Logger.Level(rawValue: value.lowercased()) else {
                return "must be one of trace, debug, info, notice, warning, error, critical"
            }
            configuration.logLevel = level
            return nil
        }
        read("LIAISON_BCRYPT_COST") { value in
            guard let cost = UInt8(value), (4...16).contains(cost) else { return "must be a whole number from 4 to 16" }
            configuration.bcryptCost = cost
            return nil
        }
        read("LIAISON_BACKGROUND_JOBS") { value in
            guard let flag = parseFlag(value) else { return "must be true or false" }
            configuration.backgroundJobs = flag
            return nil
        }
        read("LIAISON_METRICS_TOKEN") { value in
            guard value.count >= 16, !value.contains(" ") else { return "must be at least 16 characters without spaces" }
            configuration.metricsToken = value
            return nil
        }
        read("LIAISON_AUDIT_KEY") { value in
            guard let key = AuditKey(value) else { return "must be at least 32 characters" }
            configuration.auditKey = key
            return nil
        }
        read("LIAISON_WEBHOOKS_TO_LOOPBACK") { value in
            guard let flag = parseFlag(value) else { return "must be true or false" }
            configuration.webhooksToLoopback = flag
            return nil
        }
        read("LIAISON_SMTP_URL") { value in
            switch SMTPSettings.parse(value) {
            case .success(let settings):
                configuration.smtp = settings
                return nil
            case .failure(let problem):
                return problem.message
            }
        }
        read("LIAISON_MAIL_FROM") { value in
            guard value.contains("@"), !value.contains("\r"), !value.contains("\n"), value.count <= 200 else {
                return "must be an email address, optionally with a name: Liaison <noreply@clinic.example>"
            }
            configuration.mailFrom = value
            return nil
        }
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        return configuration
    }

    static func parseFlag(_ value: String) -> Bool? {
        switch value.lowercased() {
        case "1", "true", "yes", "on": true
        case "0", "false", "no", "off": false
        default: nil
        }
    }
}

/// Settings that stop start-up, each named.
public struct ConfigurationError: Error, CustomStringConvertible {
    public struct Problem: Sendable {
        public let setting: String
        public let message: String
    }

    public let problems: [Problem]

    public var description: String {
        "Liaison cannot start; fix these settings:\n" + problems.map { "  \($0.setting) \($0.message)" }.joined(separator: "\n")
    }
}
