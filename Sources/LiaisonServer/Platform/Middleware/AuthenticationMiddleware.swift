import Foundation
import Hummingbird

/// Recognises the person behind a request from the session cookie or an `Authorization: Bearer`
/// token and records them in the context. Requests without either carry on anonymously; routes that
/// need a person are in a signed-in group (`SignedInContext`, `ClinicianContext`).
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let sessionCookie = "liaison_session"
    let sessions: SessionService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        // A metrics scraper's bearer token is not a person's API token; the route checks it.
        if request.uri.path == SiteURL.metrics.path { return try await next(request, context) }
        do {
            if let token = request.bearerToken {
                guard let identity = try await sessions.identity(apiToken: token) else {
                    return ProblemDocument(status: .unauthorized, detail: "The API token is unknown or has been revoked.", requestID: context.id).response()
                }
                context.identity = identity
            } else if let cookie = request.cookies[Self.sessionCookie], !cookie.value.isEmpty {
                context.identity = try await sessions.identity(sessionToken: cookie.value)
            }
        } catch {
            // Without the database nobody can be recognised; say so rather than treat them as signed out.
            context.logger.error("authentication lookup failed", metadata: ["error": .string(String(reflecting: error))])
            return ProblemDocument(
                status: .serviceUnavailable, detail: "Liaison cannot reach its database just now. Nothing was changed; try again shortly.",
                requestID: context.id
            ).response()
        }
        // Every time on the pages this request renders is in the person's own zone.
        return try await DisplayDate.$viewer.withValue(context.identity?.timeZone ?? .gmt) {
            try await next(request, context)
        }
    }
}

extension Request {
    /// The token in `Authorization: Bearer …`, if present.
    var bearerToken: String? {
        guard let header = headers[.authorization], header.lowercased().hasPrefix("bearer ") else { return nil }
        let token = header.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

