import Foundation
import Hummingbird
import LiaisonCore

/// The two-factor page (set up, recovery codes, turn off) and the same steps in the API.
struct TwoFactorController: Sendable {
    let views: Views
    let twoFactor: TwoFactorService

    func register(on routes: RouteGroups) {
        routes.signedIn.get(SiteURL.twoFactor, use: page)
        for step in TwoFactorStep.allCases {
            routes.signedIn.post(SiteURL.twoFactorStep(step)) { request, context in try await pageStep(step, request: request, context: context) }
            routes.signedIn.post(APIURL.twoFactorStep(step)) { request, context in try await apiStep(step, request: request, context: context) }
        }
        routes.signedIn.get(APIURL.twoFactor, use: apiStatus)
    }

    struct Page: Sendable {
        let enabled: Bool
        let required: Bool
        let setup: TwoFactorService.Setup?
        let recoveryCodesLeft: Int
        /// Shown once, just after they are made.
        let recoveryCodes: [String]
        let form: FormState
        let notStarted: Bool
        let showRecoveryCodes: Bool
        let setupPath = SiteURL.twoFactorStep(.setup).path
        let confirmPath = SiteURL.twoFactorStep(.confirm).path
        let recoveryCodesPath = SiteURL.twoFactorStep(.recoveryCodes).path
        let turnOffPath = SiteURL.twoFactorStep(.turnOff).path
        let homePath = SiteURL.home.path

        init(status: TwoFactorService.Status, recoveryCodes: [String], form: FormState) {
            enabled = status.enabled || !recoveryCodes.isEmpty
            required = status.required
            setup = status.setup
            recoveryCodesLeft = status.recoveryCodesLeft
            self.recoveryCodes = recoveryCodes
            self.form = form
            notStarted = !enabled && setup == nil
            showRecoveryCodes = !recoveryCodes.isEmpty
        }
    }

    @Sendable func page(_ request: Request, context: SignedInContext) async throws -> Response {
        try await render(request: request, context: context)
    }

    private func render(
        recoveryCodes: [String] = [], form: FormState = .empty, status: HTTPResponse.Status = .ok, request: Request, context: SignedInContext
    ) async throws -> Response {
        let page = Page(status: try await twoFactor.status(of: context.identity), recoveryCodes: recoveryCodes, form: form)
        return views.page("accounts/two-factor", title: "Two-factor sign-in", page, request: request, context: context, status: status)
    }

    @Sendable func pageStep(_ step: TwoFactorStep, request: Request, context: SignedInContext) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        do {
            switch step {
            case .setup:
                _ = try await twoFactor.begin(by: context.caller)
                return views.redirect(to: .twoFactor)
            case .confirm:
                let codes = try await twoFactor.confirm(code: form["code"], by: context.caller)
                return try await render(recoveryCodes: codes, request: request, context: context)
            case .recoveryCodes:
                let codes = try await twoFactor.renewRecoveryCodes(code: form["code"], by: context.caller)
                return try await render(recoveryCodes: codes, request: request, context: context)
            case .turnOff:
                try await twoFactor.turnOff(code: form["code"], by: context.caller)
                return views.redirect(to: .twoFactor, flash: "Two-factor sign-in is off. Signing in asks only for your password now.")
            }
        } catch AppError.invalid(let errors) {
            return try await render(form: FormState(values: [:], errors: errors), status: .unprocessableContent, request: request, context: context)
        }
    }

    struct StatusDTO: ResponseEncodable {
        let enabled: Bool
        let required: Bool
        let recoveryCodesLeft: Int
        /// While a set-up waits for its first code.
        let setup: SetupDTO?
    }

    struct SetupDTO: ResponseEncodable {
        /// The `otpauth://` address; a QR code of it is what apps scan.
        let address: String
        let key: String
        /// The same address as an SVG QR code.
        let qrCodeSVG: String

        init(_ setup: TwoFactorService.Setup) {
            address = setup.address
            key = setup.key
            qrCodeSVG = setup.qrCode
        }
    }

    struct RecoveryCodesDTO: ResponseEncodable {
        let recoveryCodes: [String]
    }

    struct CodeInput: Decodable {
        var code: String?
    }

    @Sendable func apiStatus(_ request: Request, context: SignedInContext) async throws -> StatusDTO {
        let state = try await twoFactor.status(of: context.identity)
        return StatusDTO(enabled: state.enabled, required: state.required, recoveryCodesLeft: state.recoveryCodesLeft, setup: state.setup.map(SetupDTO.init))
    }

    @Sendable func apiStep(_ step: TwoFactorStep, request: Request, context: SignedInContext) async throws -> Response {
        var request = request
        switch step {
        case .setup:
            return try EditedResponse(status: .created, response: SetupDTO(try await twoFactor.begin(by: context.caller))).response(from: request, context: context)
        case .confirm:
            let input = try await request.input(CodeInput.self, context: context)
            let codes = try await twoFactor.confirm(code: input.code, by: context.caller)
            return try RecoveryCodesDTO(recoveryCodes: codes).response(from: request, context: context)
        case .recoveryCodes:
            let input = try await request.input(CodeInput.self, context: context)
            let codes = try await twoFactor.renewRecoveryCodes(code: input.code, by: context.caller)
            return try RecoveryCodesDTO(recoveryCodes: codes).response(from: request, context: context)
        case .turnOff:
            let input = try await request.input(CodeInput.self, context: context)
            try await twoFactor.turnOff(code: input.code, by: context.caller)
            return Response(status: .noContent)
        }
    }
}
