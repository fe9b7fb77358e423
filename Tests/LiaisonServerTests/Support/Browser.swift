import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// A person's browser: keeps cookies between requests and fills in the anti-forgery field.
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    private(set) var cookies: [String: String] = [:]
    /// Makes a recovery code for an email, for sign-ins that ask for a second factor.
    let recoveryCode: @Sendable (String) async throws -> String

    init(client: any TestClientProtocol, recoveryCode: @escaping @Sendable (String) async throws -> String) {
        self.client = client
        self.recoveryCode = recoveryCode
    }

    struct Page {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String

        var location: String? { headers[.location] }
    }

    @discardableResult
    func get(_ path: String) async throws -> Page {
        try await send(path, method: .get, headers: [:], body: nil)
    }

    /// Posts a form; the CSRF token from the cookie is added unless `csrf` is false.
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], csrf: Bool = true) async throws -> Page {
        if csrf, cookies["liaison_csrf"] == nil { try await get("/sign-in") }
        var all = fields
        if csrf { all.append(("_csrf", cookies["liaison_csrf"] ?? "")) }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await send(path, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
    }

    /// Posts a form with a file, as `multipart/form-data`, with the CSRF token.
    @discardableResult
    func upload(_ path: String, file name: String, filename: String, content: String, _ fields: [(String, String)] = []) async throws -> Page {
        if cookies["liaison_csrf"] == nil { try await get("/sign-in") }
        let boundary = "----liaison-test-\(UUID().uuidString)"
        var body = ""
        for (key, value) in fields + [("_csrf", cookies["liaison_csrf"] ?? "")] {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(key)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: text/calendar\r\n\r\n\(content)\r\n--\(boundary)--\r\n"
        return try await send(path, method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: ByteBuffer(string: body))
    }

    /// Signs in (with a recovery code where a second factor is asked for) and checks it worked.
    func signIn(_ email: String, password: String = TestWorld.password) async throws {
        var page = try await post("/sign-in", [("email", email), ("password", password)])
        if page.status == .seeOther, page.location?.hasPrefix("/sign-in/code") == true {
            page = try await post("/sign-in/code", [("code", try await recoveryCode(email))])
        }
        guard page.status == .seeOther, cookies["liaison_session"] != nil else {
            throw BrowserError.signInFailed(Int(page.status.code))
        }
    }

    func send(_ path: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> Page {
        var headers = headers
        if !cookies.isEmpty {
            headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body)
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        let page = Page(status: response.status, headers: response.headers, body: String(buffer: response.body))
        for form in Self.formsWithoutAntiForgeryField(page.body) {
            Issue.record("\(path) has a form a real browser could not submit (no _csrf field): \(form.prefix(120))")
        }
        return page
    }

    /// Forms that post without the anti-forgery field: this browser adds it from the cookie, a
    /// real one sends only what the form holds.
    static func formsWithoutAntiForgeryField(_ html: String) -> [String] {
        html.matches(of: /(?s)<form[^>]*method="post"[^>]*>.*?<\/form>/).map { String($0.output) }.filter { !$0.contains("name=\"_csrf\"") }
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    enum BrowserError: Error {
        case signInFailed(Int)
    }
}

/// A program calling the JSON API.
struct APIClient: Sendable {
    let client: any TestClientProtocol
    let token: String?

    struct Answer {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String

        func json() throws -> [String: Any] {
            try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
        }
    }

    func call(_ method: HTTPRequest.Method, _ path: String, json: String? = nil, headers extra: HTTPFields = [:]) async throws -> Answer {
        var headers = extra
        if json != nil { headers[.contentType] = "application/json" }
        return try await call(method, path, body: json, headers: headers)
    }

    /// Sends `body` as it is, with the headers given.
    func call(_ method: HTTPRequest.Method, _ path: String, body: String?, headers extra: HTTPFields) async throws -> Answer {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        return Answer(status: response.status, headers: response.headers, body: String(buffer: response.body))
    }
}
