import Foundation

/// An email as it goes over the wire (RFC 5322, MIME): a plain-text part and an HTML part made
/// from the same text, CRLF line ends, non-ASCII headers encoded. Liaison's emails carry a notice
/// and a link, never clinical detail.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: String
    public var subject: String
    public var text: String
    /// Stable for one outbox message, so a resent copy is recognisably the same message.
    public var messageID: String
    public var date: Date

    public init(from: String, to: String, subject: String, text: String, messageID: String, date: Date) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.messageID = messageID
        self.date = date
    }

    /// The whole message, ready for DATA (before dot-stuffing).
    public func rendered(boundary: String = "liaison-" + UUID().uuidString) -> String {
        let headers = [
            "From: \(Self.oneLine(from))", "To: \(Self.oneLine(to))", "Subject: \(Self.encodedHeader(subject))", "Date: \(Self.rfc5322Date(date))",
            "Message-ID: <\(messageID)>", "MIME-Version: 1.0", "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
        ]
        let parts = [
            "--\(boundary)", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", Self.base64Lines(text),
            "--\(boundary)", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", "", Self.base64Lines(html),
            "--\(boundary)--",
        ]
        return (headers + [""] + parts).joined(separator: "\r\n") + "\r\n"
    }

    /// The text as a simple page: paragraphs, escaped, with web addresses as links.
    public var html: String {
        let paragraphs = text.components(separatedBy: "\n\n").map { paragraph in
            "<p>" + Self.linked(Self.escaped(paragraph)).replacing("\n", with: "<br>") + "</p>"
        }
        return "<!doctype html><html><body style=\"font-family: sans-serif; line-height: 1.5\">" + paragraphs.joined() + "</body></html>"
    }

    /// The lines of DATA: a line starting with "." gets another (RFC 5321 §4.5.2), ends are CRLF.
    public static func dotStuffed(_ message: String) -> String {
        message.components(separatedBy: "\r\n").map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n")
    }

    static func encodedHeader(_ value: String) -> String {
        let clean = oneLine(value)
        guard clean.unicodeScalars.contains(where: { !$0.isASCII }) else { return clean }
        return "=?utf-8?B?" + Data(clean.utf8).base64EncodedString() + "?="
    }

    /// A header value cannot start another header: line breaks are dropped (scalar by scalar,
    /// since "\r\n" is one Character).
    static func oneLine(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" }))
    }

    private static func base64Lines(_ text: String) -> String {
        let encoded = Data(text.utf8).base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { start in
            let from = encoded.index(encoded.startIndex, offsetBy: start)
            return String(encoded[from..<(encoded.index(from, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex)])
        }.joined(separator: "\r\n")
    }

    private static func escaped(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;").replacing("\"", with: "&quot;")
    }

    /// Web addresses made links, found by a plain scan (a regular expression costs more than the
    /// rest of the message when thousands go out).
    static func linked(_ escaped: String) -> String {
        var result = ""
        var rest = Substring(escaped)
        while let first = [rest.range(of: "http://"), rest.range(of: "https://")].compactMap({ $0 }).min(by: { $0.lowerBound < $1.lowerBound }) {
            result += rest[..<first.lowerBound]
            let end = rest[first.lowerBound...].firstIndex { $0.isWhitespace || $0 == "<" } ?? rest.endIndex
            let address = rest[first.lowerBound..<end]
            result += "<a href=\"\(address)\">\(address)</a>"
            rest = rest[end...]
        }
        return result + rest
    }

    /// "Fri, 27 Nov 2026 12:41:00 +0000" (RFC 5322 §3.3), in UTC, whatever the locale.
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"], months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { let value = value ?? 0; return value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[(parts.weekday ?? 1) - 1]), \(two(parts.day)) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 1970) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }
}

/// How often, and for how long, a message that could not be delivered is tried again.
public struct DeliveryPolicy: Sendable {
    /// Tries before a message is set aside for an administrator (about a day of tries).
    public var maximumAttempts = 10
    public var firstDelay: TimeInterval = 60
    public var longestDelay: TimeInterval = 6 * 3600
    /// How long a worker may hold a message before another may take it (a worker that died).
    public var lease: TimeInterval = 120
    /// After each batch the worker rests this many times as long as the batch took, so a long
    /// queue never takes more than its share of the server from the people using it.
    public var pacing: Double = 1.5

    public init() {}

    /// When to try again after `attempts` tries: doubling from a minute, at most six hours, with
    /// up to a fifth either way of jitter so many failures do not all return at once.
    public func retryDelay(afterAttempts attempts: Int, jitter: Double = Double.random(in: -1...1)) -> TimeInterval {
        let base = min(longestDelay, firstDelay * pow(2, Double(max(0, attempts - 1))))
        return base * (1 + 0.2 * max(-1, min(1, jitter)))
    }

    /// Whether a failed message is tried again or set aside.
    public func shouldRetry(afterAttempts attempts: Int, permanent: Bool) -> Bool {
        !permanent && attempts < maximumAttempts
    }
}
