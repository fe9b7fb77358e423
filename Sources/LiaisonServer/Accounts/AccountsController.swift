import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Sign in and out, forgotten passwords, invitations.
struct AccountsController: Sendable {
    let views: Views
    let sessions: SessionService
    let resets: PasswordResetService
    let invitations: InvitationService
    let secureCookies: Bool

    func register(on routes: RouteGroups) {
        routes.open.get(SiteURL.signIn, use: signInPage)
        routes.open.post(SiteURL.signIn, use: signIn)
        routes.open.post(SiteURL.signOut, use: signOut)
        routes.open.get(SiteURL.signInCode, use: codePage)
        routes.open.post(SiteURL.signInCode, use: enterCode)
        routes.open.get(SiteURL.forgotPassword, use: forgotPage)
        routes.open.post(SiteURL.forgotPassword, use: forgot)
        routes.open.get(SiteURL.resetPassword(token: ""), use: resetPage)
        routes.open.post(SiteURL.resetPassword(token: ""), use: reset)
        routes.open.get(SiteURL.invitation(token: ""), use: invitationPage)
        routes.open.post(SiteURL.invitation(token: ""), use: acceptInvitation)
    }

    struct SignInPage: Sendable {
        let form: FormState
        let next: String
        let forgotPath = SiteURL.forgotPassword.path
    }

    @Sendable func signInPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.identity != nil { return views.redirect(to: .home) }
        let next = Self.safeNext(request.uri.queryParameters["next"].map(String.init))
        return views.page("accounts/sign-in", title: "Sign in", SignInPage(form: .empty, next: next), request: request, context: context)
    }

    @Sendable func signIn(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let email = form["email"] ?? "", next = Self.safeNext(form["next"])
        var errors = ValidationErrors()
        switch try await sessions.signIn(email: email, password: form["password"] ?? "") {
        case .signedIn(let token):
            return signedIn(token: token, next: next)
        case .needsCode(let pending):
            var response = Response.redirect(to: SiteURL.signInCode.path + "?next=" + Self.queryValue(next))
            response.setCookie(pendingCookie(pending, maxAge: Int(TwoFactor.pendingSignInLifetime)))
            return response
        case .refused:
            errors.add("email", Self.signInRefused)
        }
        let page = SignInPage(form: FormState(values: ["email": email], errors: errors), next: next)
        return views.page("accounts/sign-in", title: "Sign in", page, request: request, context: context, status: .unauthorized)
    }

    private func signedIn(token: String, next: String) -> Response {
        var response = Response.redirect(to: next)
        response.setCookie(sessionCookie(token))
        return response
    }

    static let pendingCookie = "liaison_sign_in"

    struct CodePage: Sendable {
        let form: FormState
        let next: String
        let action = SiteURL.signInCode.path
    }

    /// The second step of signing in, for people who use two-factor sign-in.
    @Sendable func codePage(_ request: Request, context: AppRequestContext) async throws -> Response {
        if context.identity != nil { return views.redirect(to: .home) }
        guard request.cookies[Self.pendingCookie] != nil else { return views.redirect(to: .signIn) }
        let page = CodePage(form: .empty, next: Self.safeNext(request.uri.queryParameters["next"].map(String.init)))
        return views.page("accounts/sign-in-code", title: "Enter your code", page, request: request, context: context)
    }

    @Sendable func enterCode(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let next = Self.safeNext(form["next"])
        guard let pending = request.cookies[Self.pendingCookie]?.value, !pending.isEmpty else {
            return leaveCodeStep(flash: "Sign in again: the code step took too long.")
        }
        var errors = ValidationErrors()
        switch try await sessions.finishSignIn(pendingToken: pending, code: form["code"], requestID: context.id) {
        case .signedIn(let token):
            var response = signedIn(token: token, next: next)
            response.setCookie(pendingCookie("", maxAge: 0))
            return response
        case .startAgain:
            return leaveCodeStep(flash: "Sign in again: the code step took too long.")
        case .locked:
            return leaveCodeStep(flash: "Too many wrong codes or passwords: the account is locked for 15 minutes.")
        case .wrongCode:
            errors.add("code", "That code is not right, or was already used. Type the code your app shows now, or a recovery code.")
        }
        let page = CodePage(form: FormState(values: [:], errors: errors), next: next)
        return views.page("accounts/sign-in-code", title: "Enter your code", page, request: request, context: context, status: .unauthorized)
    }

    /// Back to the password, with the sign-in that waited for a code forgotten.
    private func leaveCodeStep(flash: String) -> Response {
        var response = views.redirect(to: .signIn, flash: flash)
        response.setCookie(pendingCookie("", maxAge: 0))
        return response
    }

    private func pendingCookie(_ token: String, maxAge: Int) -> Cookie {
        Cookie(name: Self.pendingCookie, value: token, maxAge: maxAge, path: SiteURL.signIn.path, secure: secureCookies, httpOnly: true, sameSite: .lax)
    }

    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    static let signInRefused = "That email and password do not match an account, or the account is locked for 15 minutes after too many wrong tries. Check both, wait, or reset your password."

    @Sendable func signOut(_ request: Request, context: AppRequestContext) async throws -> Response {
        if case .session(let id) = context.identity?.credential {
            try await sessions.signOut(sessionID: id)
        }
        var response = views.redirect(to: .signIn, flash: "You are signed out.")
        response.setCookie(Cookie(name: AuthenticationMiddleware.sessionCookie, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
        return response
    }

    struct ForgotPage: Sendable {
        let form: FormState
        let sent: Bool
        let action = SiteURL.forgotPassword.path
    }

    @Sendable func forgotPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        views.page("accounts/forgot-password", title: "Reset your password", ForgotPage(form: .empty, sent: false), request: request, context: context)
    }

    @Sendable func forgot(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let email = form["email"] ?? ""
        guard EmailAddress(email) != nil else {
            var errors = ValidationErrors()
            errors.add("email", "Enter the email address you sign in with.")
            let page = ForgotPage(form: FormState(values: ["email": email], errors: errors), sent: false)
            return views.page("accounts/forgot-password", title: "Reset your password", page, request: request, context: context, status: .unprocessableContent)
        }
        try await resets.requestReset(email: email)
        return views.page("accounts/forgot-password", title: "Reset your password", ForgotPage(form: .empty, sent: true), request: request, context: context)
    }

    struct ResetPage: Sendable {
        let form: FormState
        let usable: Bool
        let action: String
        let forgotPath = SiteURL.forgotPassword.path
    }

    @Sendable func resetPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        let usable = try await resets.usableReset(token: token) != nil
        let page = ResetPage(form: .empty, usable: usable, action: SiteURL.resetPassword(token: token).path)
        return views.page("accounts/reset-password", title: "Choose a new password", page, request: request, context: context, status: usable ? .ok : .gone)
    }

    @Sendable func reset(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let token = context.parameters.get("token") ?? ""
        let form = try await request.form(context: context)
        let action = SiteURL.resetPassword(token: token).path
        do {
            _ = try await resets.reset(
                token: token, password: form["password"] ?? "", confirmation: form["passwordConfirmation"] ?? "", revokeTokens: form.flag("revokeTokens"))
            return views.redirect(to: .signIn, flash: "Your password is changed. Sign in with the new one.")
        } catch .invalid(let errors) {
            let page = ResetPage(form: FormState(values: [:], errors: errors), usable: true, action: action)
            return views.page("accounts/reset-password", title: "Choose a new password", page, request: request, context: context, status: .unprocessableContent)
        } catch .linkUnusable {
            let page = ResetPage(form: .empty, usable: false, action: action)
            return views.page("accounts/reset-password", title: "Choose a new password", page, request: request, context: context, status: .gone)
        } catch .failed(let error) {
            throw error
        }
    }

    struct InvitationPage: Sendable {
        let state: String
        let isNewAccount: Bool
        let isExistingAccount: Bool
        let isUnusable: Bool
        let organisationName: String
        let email: String
        let signedInAsInvitee: Bool
        let form: FormState
        let action: String
        let signInPath: String
    }

    @Sendable func invitationPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = context.parameters.get("token") ?? ""
        return try await renderInvitation(token: token, form: .empty, request: request, context: context)
    }

    private func renderInvitation(token: String, form: FormState, request: Request, context: AppRequestContext) async throws -> Response {
        let action = SiteURL.invitation(token: token).path
        let signIn = SiteURL.signIn.path + "?next=" + Self.queryValue(action)
        let page: InvitationPage
        var status: HTTPResponse.Status = form.hasErrors ? .unprocessableContent : .ok
        switch try await invitations.lookup(token: token) {
        case .newAccount(let invitation, let name):
            let values = form.values.isEmpty ? ["displayName": invitation.displayName] : form.values
            page = InvitationPage(
                state: "new", isNewAccount: true, isExistingAccount: false, isUnusable: false, organisationName: name,
                email: invitation.email, signedInAsInvitee: false, form: FormState(values: values, errors: form.errors, problems: form.problems),
                action: action, signInPath: signIn)
        case .existingAccount(let invitation, let name):
            page = InvitationPage(
                state: "existing", isNewAccount: false, isExistingAccount: true, isUnusable: false, organisationName: name,
                email: invitation.email, signedInAsInvitee: context.identity?.email == invitation.email, form: form,
                action: action, signInPath: signIn)
        case .unusable(let state):
            status = .gone
            page = InvitationPage(
                state: state == .alreadyUsed ? "used" : "expired", isNewAccount: false, isExistingAccount: false, isUnusable: true,
                organisationName: "", email: "", signedInAsInvitee: false, form: form, action: action, signInPath: signIn)
        }
        return views.page("accounts/invitation", title: "Join Liaison", page, request: request, context: context, status: status)
    }

    @Sendable func acceptInvitation(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let token = context.parameters.get("token") ?? ""
        let form = try await request.form(context: context)
        if let identity = context.identity {
            try await invitations.acceptAsExistingUser(token: token, identity: identity)
            return views.redirect(to: .home, flash: "You have joined the organisation.")
        }
        do {
            let session = try await invitations.acceptCreatingAccount(
                token: token, displayName: form["displayName"], password: form["password"] ?? "",
                confirmation: form["passwordConfirmation"] ?? "")
            var response = views.redirect(to: .profile, flash: "Welcome to Liaison. Complete your profile so colleagues can find and reach you.")
            response.setCookie(sessionCookie(session))
            return response
        } catch AppError.invalid(let errors) {
            let state = FormState(values: ["displayName": form["displayName"] ?? ""], errors: errors)
            return try await renderInvitation(token: token, form: state, request: request, context: context)
        }
    }

    private func sessionCookie(_ token: String) -> Cookie {
        Cookie(
            name: AuthenticationMiddleware.sessionCookie, value: token, maxAge: Int(TokenLifetime.session),
            path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax)
    }

    /// Only local paths, so a crafted sign-in link cannot send people to another site.
    /// Where to go after signing in: only a path of this site. A browser drops tabs and decodes
    /// some escapes before it follows a redirect, so anything whose second character is not a
    /// letter or digit (`//x`, `/%09/x`, `/\\x`) could leave the site and is refused.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.count < 500, next.hasPrefix("/"),
              next == "/" || next.dropFirst().first.map({ $0.isASCII && ($0.isLetter || $0.isNumber) }) == true,
              !next.contains("\\"), !next.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F })
        else { return SiteURL.home.path }
        return next
    }
}
