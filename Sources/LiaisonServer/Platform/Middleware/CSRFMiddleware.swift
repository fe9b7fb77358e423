import Foundation
import HTTPTypes
import Hummingbird

/// Refuses state-changing requests that another site could have made on a person's behalf.
///
/// Double-submit: a random token lives in an HttpOnly, SameSite cookie and every form carries
/// the same token in a hidden `_csrf` field (programs using cookies send `X-CSRF-Token`).
/// A forged request from another origin cannot read the cookie to copy it. API requests with a
/// bearer token, or with no session cookie at all, carry no ambient credentials and are exempt
/// (they then meet authentication, which answers 401).
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let cookieName = "liaison_csrf"
    static let fieldName = "_csrf"
    let secureCookies: Bool
    /// `LIAISON_PUBLIC_URL`, whose origin forms may come from besides the request's own host.
    let publicURL: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let existing = request.cookies[Self.cookieName]?.value ?? ""
        let token = existing.count >= 32 ? existing : SecretToken.generate()
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
            } else if request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
                submitted = try await request.form(context: context)[Self.fieldName] ?? ""
            } else {
                submitted = ""
            }
            guard !existing.isEmpty, SecretToken.constantTimeEquals(submitted, existing) else {
                throw AppError.forbiddenForgery
            }
        }

        var response = try await next(request, context)
        // Only pages carry forms; API and health answers need no cookie.
        if existing != token, response.headers[.contentType]?.hasPrefix("text/html") == true {
            response.setCookie(Cookie(name: Self.cookieName, value: token, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax))
        }
        return response
    }
}

extension CSRFMiddleware {
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
