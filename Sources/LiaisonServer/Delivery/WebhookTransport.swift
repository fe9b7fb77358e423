import AsyncHTTPClient
import Crypto
import Foundation
import LiaisonCore
import LiaisonData
import NIOCore
import NIOHTTP1
import NIOPosix

/// Webhooks' way out: each queued call is POSTed to its endpoint with the JSON body, the event
/// type, the idempotency key (the outbox id, the same on every try), the time of this try and
/// an HMAC-SHA256 signature over all three (`WebhookSignature`). A batch goes out side by side,
/// each call bounded by `timeout`, so one receiver that hangs costs one timeout.
///
/// Where the call really goes is checked again now: every address the host resolves to must be
/// one the endpoint's address would have been accepted with (no link-local or metadata address;
/// loopback only where allowed). Redirects are not followed.
struct WebhookTransport: DeliveryTransport {
    let database: LiaisonDatabase
    let clock: any Clock
    var allowLoopback = false
    var timeout: Duration = .seconds(10)

    var channel: OutboxChannel { .webhook }

    /// One client for the process's life: connection pooling across passes, redirects refused.
    static let client = HTTPClient(
        eventLoopGroup: HTTPClient.defaultEventLoopGroup,
        configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)), decompression: .disabled))

    func send(_ messages: [ClaimedMessage]) async -> [Result<Void, DeliveryFailure>] {
        let endpoints: [UUID: WebhookTarget]
        do {
            endpoints = try await WebhookQueries.targets(messages.compactMap { UUID(uuidString: $0.recipient) }, on: database.reader())
        } catch {
            return messages.map { _ in .failure(.transient("the endpoints could not be read: \(error)")) }
        }
        return await withTaskGroup(of: (Int, Result<Void, DeliveryFailure>).self) { group in
            for (index, message) in messages.enumerated() {
                group.addTask {
                    guard let endpoint = UUID(uuidString: message.recipient).flatMap({ endpoints[$0] }) else {
                        return (index, .failure(.permanent("The endpoint was removed.")))
                    }
                    return (index, await call(endpoint, with: message))
                }
            }
            var results = [Result<Void, DeliveryFailure>](repeating: .failure(.transient("not sent")), count: messages.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
    }

    /// The headers of one try, signed with the endpoint's secret at `timestamp`.
    static func headers(for message: ClaimedMessage, secret: String, timestamp: Int) -> [(String, String)] {
        let key = message.id.uuidString.lowercased()
        return [
            ("Content-Type", "application/json"),
            ("User-Agent", "Liaison-Webhooks/1"),
            (WebhookSignature.eventHeader, message.subject),
            (WebhookSignature.idempotencyHeader, key),
            (WebhookSignature.timestampHeader, String(timestamp)),
            (WebhookSignature.signatureHeader, "\(WebhookSignature.version)=" + signature(secret: secret, timestamp: timestamp, key: key, body: message.body)),
        ]
    }

    /// Hex HMAC-SHA256 of the signed content, keyed with the secret's UTF-8 bytes.
    static func signature(secret: String, timestamp: Int, key: String, body: String) -> String {
        let content = WebhookSignature.signedContent(timestamp: timestamp, idempotencyKey: key, body: body)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(content.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    private func call(_ endpoint: WebhookTarget, with message: ClaimedMessage) async -> Result<Void, DeliveryFailure> {
        guard case .success(let address) = WebhookAddress.parse(endpoint.url, allowLoopback: allowLoopback) else {
            return .failure(.permanent("The endpoint's address is no longer allowed."))
        }
        let resolved = await Self.resolve(address.host)
        if resolved.isEmpty { return .failure(.transient("\(address.host) could not be resolved")) }
        if let refusal = resolved.lazy.compactMap({ $0.refusal(allowLoopback: allowLoopback) }).first {
            return .failure(.permanent("\(address.host) resolves to an address webhooks may not reach: \(refusal)"))
        }
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        for (name, value) in Self.headers(for: message, secret: endpoint.secret, timestamp: Int(clock.now().timeIntervalSince1970)) {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(string: message.body))
        do {
            let response = try await Self.client.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
            let status = response.status
            if (200..<300).contains(Int(status.code)) { return .success(()) }
            var text = ""
            for try await chunk in response.body {
                text += String(buffer: chunk)
                if text.utf8.count > 200 { break }
            }
            let reason = "HTTP \(status.code) \(status.reasonPhrase)" + (text.isEmpty ? "" : ": " + String(text.prefix(200)))
            // 410 Gone: the receiver says the endpoint is no more. Anything else may pass.
            return .failure(status == .gone ? .permanent(reason) : .transient(reason))
        } catch {
            return .failure(.transient("\(address.host): \(Self.describe(error))"))
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout: "no answer in time"
        case let error as HTTPClientError where error == .connectTimeout: "could not connect in time"
        case let error as NIOConnectionError: "could not connect (\(error.connectionErrors.first.map { String(describing: $0.error) } ?? "refused"))"
        default:
            String(describing: error).contains("Connection refused") ? "could not connect (connection refused)" : String(describing: error)
        }
    }

    /// Every address `host` resolves to (an address in the text is itself); empty if none.
    static func resolve(_ host: String) async -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var hints = addrinfo()
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var list: UnsafeMutablePointer<addrinfo>?
                guard getaddrinfo(host, nil, &hints, &list) == 0, let first = list else {
                    continuation.resume(returning: [])
                    return
                }
                defer { freeaddrinfo(first) }
                var addresses: [IPAddress] = []
                var cursor: UnsafeMutablePointer<addrinfo>? = first
                while let info = cursor {
                    if let sockaddr = info.pointee.ai_addr {
                        switch Int32(info.pointee.ai_family) {
                        case AF_INET:
                            let bytes = sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) } }
                            IPAddress(bytes: bytes).map { addresses.append($0) }
                        case AF_INET6:
                            let bytes = sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) } }
                            IPAddress(bytes: bytes).map { addresses.append($0) }
                        default: break
                        }
                    }
                    cursor = info.pointee.ai_next
                }
                continuation.resume(returning: addresses)
            }
        }
    }
}
