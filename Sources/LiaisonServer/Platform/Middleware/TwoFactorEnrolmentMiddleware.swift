import Hummingbird

/// People whose role requires two-factor sign-in (`Identity.mustEnrolTwoFactor`) set it up before
/// anything else: pages send them to the two-factor page, the API answers 403 saying so. Signing
/// out, the two-factor steps themselves and `GET /api/v1/me` stay open to them.
struct TwoFactorEnrolmentMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let views: Views

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let identity = context.identity, identity.mustEnrolTwoFactor, !Self.isOpenDuringEnrolment(request.uri.path) else {
            return try await next(request, context)
        }
        if request.wantsJSON {
            return ProblemDocument(status: .forbidden, detail: Self.explanation + " Set it up at \(SiteURL.twoFactor.path) or through \(APIURL.twoFactorStep(.setup).path), then try again.", requestID: context.id).response()
        }
        return views.redirect(to: .twoFactor, flash: Self.explanation + " Set it up to go on.")
    }

    static let explanation = "Your role requires two-factor sign-in (administrators, and members of organisations that ask for it)."

    static func isOpenDuringEnrolment(_ path: String) -> Bool {
        let open = [SiteURL.twoFactor.path, APIURL.twoFactor.path]
        return open.contains { path == $0 || path.hasPrefix($0 + "/") }
            || [SiteURL.signOut.path, SiteURL.stylesheet.path, APIURL.me.path, APIURL.openAPI.path].contains(path)
    }
}
