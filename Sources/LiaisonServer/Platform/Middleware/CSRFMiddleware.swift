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

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let existing = request.cookies[Self.cookieName]?.value ?? ""
        let token = existing.count >= 32 ? existing : SecretToken.generate()
        context.csrfToken = token
        var request = request

        let ambientCredentials = request.cookies[AuthenticationMiddleware.sessionCookie] != nil || !request.uri.path.hasPrefix(APIURL.base)
        if ![.get, .head, .options].contains(request.method), request.bearerToken == nil, ambientCredentials {
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

extension HTTPField.Name {
    static let csrfToken = Self("X-CSRF-Token")!
}
