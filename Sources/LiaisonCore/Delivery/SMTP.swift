import Foundation

/// One reply of an SMTP server (RFC 5321 §4.2): a three-digit code and its text, possibly over
/// several lines ("250-first", "250-second", "250 last").
public struct SMTPReply: Sendable, Equatable {
    public let code: Int
    public let lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// 2xx and 3xx: go on.
    public var isPositive: Bool { (200..<400).contains(code) }
    /// 4xx: try again later.
    public var isTransient: Bool { (400..<500).contains(code) }

    public var text: String { lines.joined(separator: " ") }

    /// Whether an EHLO reply offers an extension, e.g. "STARTTLS" or "AUTH" (returning its
    /// parameters, such as ["PLAIN", "LOGIN"]).
    public func extensionParameters(_ name: String) -> [String]? {
        for line in lines.dropFirst() {
            let words = line.split(separator: " ").map(String.init)
            if let first = words.first, first.uppercased() == name { return words.dropFirst().map { $0.uppercased() } }
        }
        return nil
    }

    /// Collects reply lines until the last one, whose code is followed by a space (or nothing).
    public struct Parser: Sendable {
        private var code: Int?
        private var lines: [String] = []

        public init() {}

        public enum ParseError: Error, Equatable {
            case malformed(String)
        }

        /// Feeds one line (without CRLF); returns the reply when it is complete.
        public mutating func feed(_ line: String) throws(ParseError) -> SMTPReply? {
            let characters = Array(line)
            guard characters.count >= 3, let code = Int(String(characters[0..<3])), (200...599).contains(code) else {
                throw .malformed(String(line.prefix(80)))
            }
            if let earlier = self.code, earlier != code { throw .malformed(String(line.prefix(80))) }
            let separator: Character = characters.count > 3 ? characters[3] : " "
            guard separator == " " || separator == "-" else { throw .malformed(String(line.prefix(80))) }
            self.code = code
            lines.append(characters.count > 4 ? String(characters[4...]) : "")
            guard separator == " " else { return nil }
            defer { self = Parser() }
            return SMTPReply(code: code, lines: lines)
        }
    }
}

/// Where and how to send email, from `LIAISON_SMTP_URL`:
/// `smtp://user:pass@host:587` (STARTTLS when the server offers it),
/// `smtp://…?starttls=required` (refuse to send without it), `smtps://host:465` (TLS from the
/// start). `?ca=/path/to/ca.pem` trusts a private certificate authority as well as the system's.
public struct SMTPSettings: Sendable, Equatable {
    public enum Security: String, Sendable, Equatable {
        case startTLSWhenOffered
        case startTLSRequired
        case implicitTLS
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    public var certificateAuthorityFile: String?

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil, certificateAuthorityFile: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.certificateAuthorityFile = certificateAuthorityFile
    }

    /// Nil with the problem when the address cannot be used.
    public static func parse(_ text: String) -> Result<SMTPSettings, SettingProblem> {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), ["smtp", "smtps"].contains(scheme),
              let host = components.host, !host.isEmpty
        else { return .failure(SettingProblem("must look like smtp://user:password@host:587 or smtps://host:465")) }
        var security: Security = scheme == "smtps" ? .implicitTLS : .startTLSWhenOffered
        var authority: String?
        for item in components.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("starttls", "required") where scheme == "smtp": security = .startTLSRequired
            case ("ca", let path?) where !path.isEmpty: authority = path
            default: return .failure(SettingProblem("has an unknown option \"\(item.name)\" (known: starttls=required, ca=/path/to/ca.pem)"))
            }
        }
        let port = components.port ?? (scheme == "smtps" ? 465 : 587)
        guard (1...65535).contains(port) else { return .failure(SettingProblem("has a port outside 1–65535")) }
        if components.user != nil, components.password == nil { return .failure(SettingProblem("names a user without a password")) }
        return .success(SMTPSettings(
            host: host, port: port, security: security, username: components.user?.removingPercentEncoding,
            password: components.password?.removingPercentEncoding, certificateAuthorityFile: authority))
    }
}

/// Why a setting cannot be used, in words for the operator.
public struct SettingProblem: Error, Equatable, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
}
