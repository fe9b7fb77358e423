import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// The settings page where people create and revoke API tokens, and the same through the API.
struct TokensController: Sendable {
    let views: Views
    let tokens: TokenService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(SiteURL.tokens, use: page)
        routes.clinicians.post(SiteURL.tokens, use: create)
        routes.clinicians.post(SiteURL.revokeToken(.placeholder), use: revoke)
        routes.clinicians.get(APIURL.tokens, use: apiList)
        routes.clinicians.post(APIURL.tokens, use: apiCreate)
        routes.clinicians.delete(APIURL.token(.placeholder), use: apiRevoke)
    }

    struct TokenRow: Sendable, Codable {
        let id: UUID
        let name: String
        let prefix: String
        let createdAt: Date
        let lastUsedAt: Date?
        let revokedAt: Date?

        init(_ token: APIToken) {
            id = token.id!
            name = token.name
            prefix = token.prefix
            createdAt = token.createdAt
            lastUsedAt = token.lastUsedAt
            revokedAt = token.revokedAt
        }
    }

    /// A token as the settings page lists it.
    struct TokenLine: Sendable {
        let name: String
        let prefix: String
        let created: String
        let lastUsed: String
        let isActive: Bool
        let revokePath: String

        init(_ token: APIToken) {
            name = token.name
            prefix = token.prefix
            created = DisplayDate.dateTime(token.createdAt)
            lastUsed = token.lastUsedAt.map { DisplayDate.dateTime($0) } ?? "never"
            isActive = token.revokedAt == nil
            revokePath = SiteURL.revokeToken(token.id!).path
        }
    }

    struct TokensPage: Sendable {
        let tokens: [TokenLine]
        let newSecret: String?
        let form: FormState
        let action = SiteURL.tokens.path
        let openAPIPath = APIURL.openAPI.path
    }

    @Sendable func page(_ request: Request, context: ClinicianContext) async throws -> Response {
        let identity = context.identity
        return try await render(identity: identity, secret: nil, form: .empty, request: request, context: context)
    }

    private func render(identity: Identity, secret: String?, form: FormState, request: Request, context: ClinicianContext) async throws -> Response {
        let rows = try await tokens.tokens(for: identity.userID).map(TokenLine.init)
        let page = TokensPage(tokens: rows, newSecret: secret, form: form)
        return views.page("accounts/tokens", title: "API tokens", page, request: request, context: context, status: form.hasErrors ? .unprocessableContent : .ok)
    }

    @Sendable func create(_ request: Request, context: ClinicianContext) async throws -> Response {
        let identity = context.identity
        var request = request
        let form = try await request.form(context: context)
        let secret: String
        do {
            secret = try await tokens.create(for: identity.userID, name: form["name"] ?? "").secret
        } catch {
            return try await render(identity: identity, secret: nil, form: FormState(values: form.dictionary, errors: error), request: request, context: context)
        }
        return try await render(identity: identity, secret: secret, form: .empty, request: request, context: context)
    }

    @Sendable func revoke(_ request: Request, context: ClinicianContext) async throws -> Response {
        let identity = context.identity
        try await tokens.revoke(try context.uuid("id"), of: identity.userID)
        return views.redirect(to: .tokens, flash: "Token revoked. Programs using it can no longer sign in.")
    }

    struct CreateInput: Decodable { let name: String }
    struct Created: ResponseEncodable {
        let token: String
        let details: TokenRow
    }

    @Sendable func apiList(_ request: Request, context: ClinicianContext) async throws -> [TokenRow] {
        try await tokens.tokens(for: context.identity.userID).map(TokenRow.init)
    }

    @Sendable func apiCreate(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<Created> {
        let identity = context.identity
        var request = request

        let input = try await request.input(CreateInput.self, context: context)
        do {
            let created = try await tokens.create(for: identity.userID, name: input.name)
            return EditedResponse(status: .created, response: Created(token: created.secret, details: TokenRow(created.token)))
        } catch {
            throw AppError.invalid(error)
        }
    }

    @Sendable func apiRevoke(_ request: Request, context: ClinicianContext) async throws -> HTTPResponse.Status {
        try await tokens.revoke(try context.uuid("id"), of: context.identity.userID)
        return .noContent
    }
}

extension TokensController.TokenRow: ResponseEncodable {}
