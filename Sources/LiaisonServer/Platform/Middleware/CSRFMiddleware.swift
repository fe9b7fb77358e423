import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Refuses state-changing requests that another site could have made on a person's behalf.
///
/// Double-submit with a signed token: the server issues a random token signed with the
/// installation's key (so a value an attacker plants in the cookie is worthless) in an HttpOnly,
/// SameSite cookie, and every form carries the same token in a hidden `_csrf` field (programs
/// using cookies send `X-CSRF-Token`). A forged request from another origin cannot read the cookie
/// to copy it, and a form whose Origin or Referer is another site is refused outright. A new token
/// is issued at sign-in. API requests with a
/// bearer token, or with no session cookie at all, carry no ambient credentials and are exempt
/// (they then meet authentication, which answers 401).
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let cookieName = "liaison_csrf"
    static let fieldName = "_csrf"
    let secureCookies: Bool
    /// `LIAISON_PUBLIC_URL`, whose origin forms may come from besides the request's own host.
    let publicURL: String?
    /// The installation's key for signing tokens (`InstallationQueries.formsKey`).
    let key: Data

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let presented = request.cookies[Self.cookieName]?.value ?? ""
        let existing = isSigned(presented) ? presented : ""
        let token = existing.isEmpty ? issue() : existing
        context.csrfToken = token
        var request = request

        let ambientCredentials = request.cookies[AuthenticationMiddleware.sessionCookie] != nil || !request.uri.path.hasPrefix(APIURL.base)
        if ![.get, .head, .options].contains(request.method), request.bearerToken == nil, ambientCredentials {
            // A browser names the page a form came from; one from another site is refused outright.
            if let source = request.headers[.origin] ?? request.headers[.referer], !isOwnOrigin(source, of: request) {
                throw AppError.forbiddenForgery
            }
            let submitted: String
            if let header = request.headers[.csrfToken] {
                submitted = header
            } else if let type = request.headers[.contentType]?.lowercased(),
                      type.hasPrefix("application/x-www-form-urlencoded") || type.hasPrefix("multipart/form-data") {
                submitted = try await request.form(context: context)[Self.fieldName] ?? ""
            } else {
                submitted = ""
            }
            guard !existing.isEmpty, SecretToken.constantTimeEquals(submitted, existing) else {
                throw AppError.forbiddenForgery
            }
        }

        var response = try await next(request, context)
        let signedIn = response.headers[values: .setCookie].contains { $0.hasPrefix(AuthenticationMiddleware.sessionCookie + "=") && !$0.contains("Max-Age=0") }
        if signedIn {
            // A new session gets a new token: one seen before signing in is no use after.
            response.setCookie(cookie(issue()))
        } else if existing != token, response.headers[.contentType]?.hasPrefix("text/html") == true {
            // Only pages carry forms; API and health answers need no cookie.
            response.setCookie(cookie(token))
        }
        return response
    }
}

extension CSRFMiddleware {
    /// A random nonce and its signature.
    func issue() -> String {
        let nonce = SecretToken.generate()
        return nonce + "." + signature(of: nonce)
    }

    func isSigned(_ token: String) -> Bool {
        let parts = token.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, parts[0].count >= 32 else { return false }
        return SecretToken.constantTimeEquals(String(parts[1]), signature(of: String(parts[0])))
    }

    private func signature(of nonce: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(nonce.utf8), using: SymmetricKey(data: key))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    private func cookie(_ token: String) -> Cookie {
        Cookie(name: Self.cookieName, value: token, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax)
    }

    /// Whether `source` (an Origin or Referer) is this site: the request's own host, or the public URL's.
    func isOwnOrigin(_ source: String, of request: Request) -> Bool {
        guard let url = URL(string: source), let host = url.host?.lowercased() else { return false }
        let candidate = url.port.map { "\(host):\($0)" } ?? host
        var own: Set<String> = []
        if let authority = request.head.authority?.lowercased() { own.insert(authority) }
        if let publicURL, let url = URL(string: publicURL), let host = url.host?.lowercased() {
            own.insert(url.port.map { "\(host):\($0)" } ?? host)
        }
        return own.contains(candidate)
    }
}

extension HTTPField.Name {
    static let csrfToken = Self("X-CSRF-Token")!
}
