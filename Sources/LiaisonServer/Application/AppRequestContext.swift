import Hummingbird
import LiaisonCore
import Foundation

/// The signed-in person behind a request, and how they proved it.
public struct Identity: Sendable {
    public enum Credential: Sendable, Equatable {
        case session(UUID)
        case apiToken(UUID)
    }

    public let userID: UUID
    public let email: String
    public let displayName: String
    public let actor: Actor
    public let credential: Credential
    /// The organisations the person belongs to, for navigation.
    public let organisations: [OrganisationLink]
    /// A patient's portal account rather than a professional's.
    public let isPatient: Bool
    /// In-app notifications not yet read, for the navigation badge.
    public let unreadNotifications: Int

    public struct OrganisationLink: Sendable {
        public let id: UUID
        public let name: String
        public let role: MembershipRole
    }
}

/// What every request carries through middleware to its handler.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthenticationMiddleware` when the request carries a valid session or token.
    public var identity: Identity?
    /// The anti-forgery token forms must echo; set by `CSRFMiddleware`.
    public var csrfToken: String = ""

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The signed-in person, or an error that sends them to sign in.
    public func requireIdentity() throws -> Identity {
        guard let identity else { throw AppError.unauthenticated }
        return identity
    }

    /// The signed-in professional; patients' portal accounts are refused.
    public func requireClinician() throws -> Identity {
        let identity = try requireIdentity()
        guard !identity.isPatient else { throw AppError.forbidden }
        return identity
    }

    /// Request bodies above 1 MiB are refused; nothing Liaison accepts is larger.
    public var maxUploadSize: Int { 1 << 20 }
}
