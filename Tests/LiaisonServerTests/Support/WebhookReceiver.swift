import Foundation

/// A real webhook receiver (`scripts/test-webhook-receiver`, Python's http.server) on loopback,
/// started for one test. It checks signatures with Python's own HMAC, independently of Liaison.
final class WebhookReceiver: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let folder: URL

    struct Call: Decodable, Sendable {
        let status: Int
        let path: String
        let event: String?
        let key: String?
        let timestamp: String?
        let contentType: String?
        /// nil when no secret was given to check against.
        let verified: Bool?
        let body: String

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/test-webhook-receiver")

    init(_ options: [String] = []) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-webhooks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        (process, port, _) = try await SMTPTestServer.launch(
            Self.script, ["--log", folder.appendingPathComponent("calls.jsonl").path, "--secret-file", folder.appendingPathComponent("secret").path] + options)
    }

    func url(_ path: String = "/hook") -> String { "http://127.0.0.1:\(port)\(path)" }

    /// The secret the receiver checks signatures with from now on.
    func trust(_ secret: String) throws {
        try secret.write(to: folder.appendingPathComponent("secret"), atomically: true, encoding: .utf8)
    }

    /// Every request so far, in order.
    func calls() throws -> [Call] {
        guard let text = try? String(contentsOf: folder.appendingPathComponent("calls.jsonl"), encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Call.self, from: Data($0.utf8)) }
    }

    /// The requests answered 200.
    func accepted() throws -> [Call] { try calls().filter { $0.status == 200 } }

    func stop() {
        processGate.withLock {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Runs `body` with a fresh receiver, stopped afterwards whatever happens.
func withWebhookReceiver(_ options: [String] = [], _ body: (WebhookReceiver) async throws -> Void) async throws {
    let receiver = try await WebhookReceiver(options)
    defer { receiver.stop() }
    try await body(receiver)
}
