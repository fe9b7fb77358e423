import Foundation

/// What an organisation's webhook endpoints can ask to hear about. Every event carries
/// references and a link into Liaison, never a name or clinical detail: the receiver is a
/// system, not someone treating the patient.
public enum WebhookEvent: String, CaseIterable, Sendable, Codable, Labelled {
    case referralSent = "referral.sent"
    case referralAccepted = "referral.accepted"
    case referralDeclined = "referral.declined"
    case referralScheduled = "referral.scheduled"
    case referralInCare = "referral.in-care"
    case referralProgress = "referral.progress-update"
    case referralDischarged = "referral.discharged"
    case referralClosed = "referral.closed"
    case referralCancelled = "referral.cancelled"
    case referralExpired = "referral.expired"
    /// Sent by an administrator's "Send a test event", whatever the endpoint subscribed to.
    case test = "webhook.test"

    /// The events an endpoint can choose (the test event always comes).
    public static var subscribable: [WebhookEvent] { allCases.filter { $0 != .test } }

    /// The event a referral step makes, if any.
    public init?(referralAction action: ReferralAction) {
        switch action {
        case .send: self = .referralSent
        case .accept: self = .referralAccepted
        case .decline: self = .referralDeclined
        case .schedule: self = .referralScheduled
        case .startCare: self = .referralInCare
        case .progress: self = .referralProgress
        case .discharge: self = .referralDischarged
        case .close: self = .referralClosed
        case .cancel: self = .referralCancelled
        case .expire: self = .referralExpired
        case .receive: return nil
        }
    }

    public var label: String {
        switch self {
        case .referralSent: "A referral was sent"
        case .referralAccepted: "A referral was accepted"
        case .referralDeclined: "A referral was declined"
        case .referralScheduled: "A first appointment was recorded"
        case .referralInCare: "A referred patient is in care"
        case .referralProgress: "A progress update was sent"
        case .referralDischarged: "A discharge was recorded"
        case .referralClosed: "A referral loop was closed"
        case .referralCancelled: "A referral was cancelled"
        case .referralExpired: "A referral expired unanswered"
        case .test: "Test event"
        }
    }

    /// Parses a stored or submitted list ("referral.sent,referral.closed"); nil names the first
    /// unknown one.
    public static func list(_ names: [String]) -> Result<[WebhookEvent], SettingProblem> {
        var events: [WebhookEvent] = []
        for name in names.map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let event = WebhookEvent(rawValue: name), event != .test else {
                return .failure(SettingProblem("\"\(name.prefix(60))\" is not an event Liaison sends"))
            }
            if !events.contains(event) { events.append(event) }
        }
        guard !events.isEmpty else { return .failure(SettingProblem("Choose at least one event.")) }
        return .success(events.sorted { $0.rawValue < $1.rawValue })
    }
}

/// Where a webhook may be sent. Only http and https; never a link-local address or a cloud
/// metadata service (a classic way to make a server fetch its own credentials), checked on the
/// address as written and again on every address its name resolves to when delivering.
/// Loopback is refused too unless the installation allows it (tests, one-machine set-ups).
/// Private networks are allowed: hospital integration engines live there.
public struct WebhookAddress: Sendable, Equatable {
    public let url: URL
    public let host: String

    public static let maximumLength = 2000

    /// Host names of metadata services, refused whatever they resolve to.
    static let metadataHosts: Set<String> = ["metadata", "metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal"]

    public static func parse(_ text: String, allowLoopback: Bool) -> Result<WebhookAddress, SettingProblem> {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return .failure(SettingProblem("Give the endpoint's address, e.g. https://integration.example.org/liaison")) }
        guard text.count <= maximumLength else { return .failure(SettingProblem("An address is at most \(maximumLength) characters.")) }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(), let url = components.url else {
            return .failure(SettingProblem("Write the whole address, starting with https://"))
        }
        guard scheme == "https" || scheme == "http" else { return .failure(SettingProblem("Only http:// and https:// addresses can receive webhooks.")) }
        guard let rawHost = components.host?.lowercased(), !rawHost.isEmpty else { return .failure(SettingProblem("The address names no host.")) }
        guard components.user == nil, components.password == nil else {
            return .failure(SettingProblem("Put no user or password in the address; the signature proves who is sending."))
        }
        guard components.fragment == nil else { return .failure(SettingProblem("An address for webhooks has no #fragment.")) }
        let host = rawHost.hasPrefix("[") && rawHost.hasSuffix("]") ? String(rawHost.dropFirst().dropLast()) : rawHost
        let name = host.hasSuffix(".") ? String(host.dropLast()) : host
        if metadataHosts.contains(name) { return .failure(SettingProblem("\(name) is a cloud metadata service, not a webhook receiver.")) }
        if name == "localhost" || name.hasSuffix(".localhost") {
            return allowLoopback ? .success(WebhookAddress(url: url, host: name)) : .failure(SettingProblem("Webhooks cannot be sent to this server's own machine (localhost)."))
        }
        // A name whose last label is a number ("2852039166", "0xa9fea9fe", "0251.0376.0251.0376")
        // is an address in disguise: no top-level domain is numeric. Refuse rather than guess
        // how a resolver reads it.
        let last = name.split(separator: ".").last.map(String.init) ?? name
        if IPAddress(name) == nil, name.contains(":") || last.allSatisfy(\.isNumber) || last.hasPrefix("0x") {
            return .failure(SettingProblem("Write an IP address as four numbers with dots, or use a host name."))
        }
        if let address = IPAddress(name), let problem = address.refusal(allowLoopback: allowLoopback) {
            return .failure(SettingProblem(problem))
        }
        return .success(WebhookAddress(url: url, host: name))
    }
}

/// An IPv4 or IPv6 address as bytes, to tell where a webhook would really go.
public struct IPAddress: Sendable, Equatable {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Dotted-quad IPv4 or RFC 4291 IPv6 text (with "::" and an IPv4 tail).
    public init?(_ text: String) {
        if let v4 = Self.parseIPv4(text) {
            bytes = v4
        } else if let v6 = Self.parseIPv6(text) {
            bytes = v6
        } else {
            return nil
        }
    }

    /// An IPv6 address carrying an IPv4 one (::ffff:a.b.c.d, or the deprecated ::a.b.c.d),
    /// judged as that IPv4 address.
    var effective: [UInt8] {
        guard bytes.count == 16 else { return bytes }
        let mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
        let compatible = bytes[0..<12].allSatisfy { $0 == 0 } && !(bytes[12..<16].allSatisfy { $0 == 0 }) && bytes[12..<15].contains { $0 != 0 }
        return mapped || compatible ? Array(bytes[12..<16]) : bytes
    }

    /// Why nothing may be sent here, or nil when it may.
    public func refusal(allowLoopback: Bool) -> String? {
        let b = effective
        if b.count == 4 {
            if b[0] == 169 && b[1] == 254 { return "169.254.0.0/16 is link-local (and holds cloud metadata services)." }
            if b[0] == 0 { return "0.0.0.0/8 is not an address a receiver has." }
            if b[0] >= 224 { return "Multicast and reserved addresses cannot receive webhooks." }
            if b[0] == 100 && b[1] == 100 && b[2] == 100 && b[3] == 200 { return "100.100.100.200 is a cloud metadata service." }
            if b[0] == 127 { return allowLoopback ? nil : "Webhooks cannot be sent to this server's own machine (127.0.0.0/8)." }
            return nil
        }
        if b.allSatisfy({ $0 == 0 }) { return ":: is not an address a receiver has." }
        if b[0] == 0xfe && (b[1] & 0xc0) == 0x80 { return "fe80::/10 is link-local." }
        if b[0] == 0xff { return "Multicast addresses cannot receive webhooks." }
        if b == [0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54] { return "fd00:ec2::254 is a cloud metadata service." }
        if b[0..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return allowLoopback ? nil : "Webhooks cannot be sent to this server's own machine (::1)." }
        return nil
    }

    static func parseIPv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            // No leading zeros: "010" is octal to some resolvers and decimal to others.
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), part.allSatisfy(\.isNumber),
                  part == "0" || !part.hasPrefix("0"), let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    static func parseIPv6(_ text: String) -> [UInt8]? {
        let text = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text
        guard text.contains(":"), text.count <= 45 else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            guard !part.isEmpty else { return [] }
            var bytes: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains("."), let v4 = parseIPv4(String(piece)) {
                    bytes += v4
                } else {
                    guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                    bytes += [UInt8(value >> 8), UInt8(value & 0xff)]
                }
            }
            return bytes
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

/// How a webhook proves it came from this Liaison: HMAC-SHA256, keyed with the endpoint's
/// secret, over `"<timestamp>.<idempotency key>.<body>"`, sent as
/// `Liaison-Signature: v1=<hex>`. The receiver recomputes it, compares in constant time, and
/// refuses a timestamp more than five minutes from its clock (a replay).
public enum WebhookSignature {
    public static let timestampHeader = "Liaison-Timestamp"
    public static let idempotencyHeader = "Idempotency-Key"
    public static let signatureHeader = "Liaison-Signature"
    public static let eventHeader = "Liaison-Event"
    public static let version = "v1"

    /// The bytes that are signed.
    public static func signedContent(timestamp: Int, idempotencyKey: String, body: String) -> String {
        "\(timestamp).\(idempotencyKey).\(body)"
    }
}
