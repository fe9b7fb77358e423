import Foundation
import LiaisonCore

/// A real SMTP server (`scripts/test-smtp-server`, Python's aiosmtpd) on loopback, started for one
/// test. Messages it accepts are files in its maildir.
final class SMTPTestServer: @unchecked Sendable {
    let port: Int
    /// The self-signed certificate's file, when started with `--starttls`.
    let certificate: String?
    private let process: Process
    private let maildir: URL

    /// Whether the server can run here. Where CI sets `LIAISON_REQUIRE_SMTP_TESTS`, it must.
    static let isAvailable: Bool = {
        if ProcessInfo.processInfo.environment["LIAISON_REQUIRE_SMTP_TESTS"] != nil { return true }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import aiosmtpd"]
        check.standardError = FileHandle.nullDevice
        return processGate.withLock {
            guard (try? check.run()) != nil else { return false }
            check.waitUntilExit()
            return check.terminationStatus == 0
        }
    }()

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts/test-smtp-server")

    init(_ options: [String] = []) async throws {
        maildir = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-mail-\(UUID().uuidString)")
        (process, port, certificate) = try await Self.launch(Self.script, ["--maildir", maildir.path] + options)
    }

    /// Settings that reach this server: STARTTLS required and its certificate trusted when it has one.
    func settings(username: String? = nil, password: String? = nil) -> SMTPSettings {
        SMTPSettings(
            host: "127.0.0.1", port: port, security: certificate == nil ? .startTLSWhenOffered : .startTLSRequired,
            username: username, password: password, certificateAuthorityFile: certificate)
    }

    /// Every message accepted so far, in order, as received (headers and body).
    func messages() throws -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: maildir.path)) ?? []
        return try files.filter { $0.hasSuffix(".eml") }.sorted().map { try String(contentsOf: maildir.appendingPathComponent($0), encoding: .utf8) }
    }

    func stop() {
        processGate.withLock {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: maildir)
    }
}

/// Foundation's `Process` on Linux is not safe to start and stop from several threads at once
/// (the test run crashed in unrelated code when the SMTP and webhook suites did): one at a time.
let processGate = NSLock()

enum SMTPTestServerError: Error {
    case didNotStart(String)
}

extension SMTPTestServer {
    /// Starts one of the loopback helpers in `scripts/` and waits for its "ready PORT [EXTRA]" line.
    static func launch(_ script: URL, _ arguments: [String]) async throws -> (Process, Int, String?) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        try processGate.withLock { try process.run() }
        let line = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var text = ""
                while !text.contains("\n") {
                    let data = output.fileHandleForReading.availableData
                    if data.isEmpty { break }
                    text += String(decoding: data, as: UTF8.self)
                }
                continuation.resume(returning: text)
            }
        }
        let words = line.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard words.first == "ready", words.count >= 2, let port = Int(words[1]) else {
            process.terminate()
            throw SMTPTestServerError.didNotStart(line)
        }
        return (process, port, words.count > 2 ? words[2] : nil)
    }
}

/// Runs `body` with a fresh SMTP server, stopped afterwards whatever happens.
func withSMTPServer(_ options: [String] = [], _ body: (SMTPTestServer) async throws -> Void) async throws {
    let server = try await SMTPTestServer(options)
    defer { server.stop() }
    try await body(server)
}
