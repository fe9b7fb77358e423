import Foundation

/// Every page and endpoint's path, in one place: routes are registered from `pattern` and links
/// are built from the same cases, so a link cannot point at a route that does not exist.
enum SiteURL {
    case home
    case signIn
    case signOut
    case forgotPassword
    case resetPassword(token: String)
    case invitation(token: String)
    case profile
    case directory
    case clinician(UUID)
    case tokens
    case revokeToken(UUID)
    case organisation(UUID)
    case organisationInvitations(UUID)
    case organisationSettings(UUID)
    case memberRole(organisation: UUID, membership: UUID)
    case admin
    case adminOrganisations
    case stylesheet

    var path: String {
        switch self {
        case .home: "/"
        case .signIn: "/sign-in"
        case .signOut: "/sign-out"
        case .forgotPassword: "/password/forgot"
        case .resetPassword(let token): "/password/reset/\(token)"
        case .invitation(let token): "/invitations/\(token)"
        case .profile: "/profile"
        case .directory: "/directory"
        case .clinician(let id): "/clinicians/\(id.uuidString.lowercased())"
        case .tokens: "/settings/tokens"
        case .revokeToken(let id): "/settings/tokens/\(id.uuidString.lowercased())/revoke"
        case .organisation(let id): "/organisations/\(id.uuidString.lowercased())"
        case .organisationInvitations(let id): "/organisations/\(id.uuidString.lowercased())/invitations"
        case .organisationSettings(let id): "/organisations/\(id.uuidString.lowercased())/settings"
        case .memberRole(let organisation, let membership):
            "/organisations/\(organisation.uuidString.lowercased())/members/\(membership.uuidString.lowercased())/role"
        case .admin: "/admin"
        case .adminOrganisations: "/admin/organisations"
        case .stylesheet: "/static/liaison.css"
        }
    }

    /// Route patterns for registration, with `:name` parameters.
    enum Pattern {
        static let resetPassword = "/password/reset/:token"
        static let invitation = "/invitations/:token"
        static let clinician = "/clinicians/:id"
        static let revokeToken = "/settings/tokens/:id/revoke"
        static let organisation = "/organisations/:id"
        static let organisationInvitations = "/organisations/:id/invitations"
        static let organisationSettings = "/organisations/:id/settings"
        static let memberRole = "/organisations/:id/members/:membership/role"
    }
}

/// The JSON API's paths.
enum APIURL {
    static let base = "/api/v1"
    static let openAPI = "/api/v1/openapi.json"
    static let me = "/api/v1/me"
    static let myProfile = "/api/v1/me/profile"
    static let clinicians = "/api/v1/clinicians"
    static let clinician = "/api/v1/clinicians/:id"
    static let organisation = "/api/v1/organisations/:id"
    static let tokens = "/api/v1/tokens"
    static let token = "/api/v1/tokens/:id"
}

extension AppRequestContext {
    /// A UUID path parameter; anything else is "not found", as an unknown id would be.
    func uuid(_ name: String) throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else { throw AppError.notFound }
        return id
    }
}
