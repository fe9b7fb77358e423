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
    /// Messages from colleagues not yet read, for the navigation badge.
    public var unreadMessages: Int = 0
    /// Follow-ups overdue in a role they hold, for the navigation badge.
    public var overdueFollowUps: Int = 0
    /// Care events on their patients waiting to be acknowledged, for the navigation badge.
    public var eventsToAcknowledge: Int = 0
    /// Where they read times: their own choice, else their organisation's zone.
    public var timeZone: TimeZone = .gmt
    /// Signs in with a code from an authenticator app as well as the password.
    public let twoFactorEnabled: Bool
    /// Must do so: an administrator, or in an organisation that requires it (`TwoFactor.isRequired`).
    public let twoFactorRequired: Bool

    /// Must set up two-factor sign-in before doing anything else.
    public var mustEnrolTwoFactor: Bool { twoFactorRequired && !twoFactorEnabled }

    public struct OrganisationLink: Sendable {
        public let id: UUID
        public let name: String
        public let role: MembershipRole
    }
}

/// What every request carries through middleware to its handler.
public struct AppRequestContext: LiaisonRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthenticationMiddleware` when the request carries a valid session or token.
    public var identity: Identity?
    /// The anti-forgery token forms must echo; set by `CSRFMiddleware`.
    public var csrfToken: String = ""

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    public var signedIn: Identity? { identity }
}

/// What pages and errors need of any request's context: who is signed in, and the form token.
public protocol LiaisonRequestContext: RequestContext {
    var signedIn: Identity? { get }
    var csrfToken: String { get }
}

extension LiaisonRequestContext {
    /// Request bodies above 1 MiB are refused; nothing Liaison accepts is larger.
    public var maxUploadSize: Int { 1 << 20 }
}

/// A request from someone signed in, a clinician or a patient. Routes in a group with this
/// context answer anyone else with sign-in (pages) or 401 (API) before the handler runs.
struct SignedInContext: ChildRequestContext, LiaisonRequestContext {
    var coreContext: CoreRequestContextStorage
    let caller: Caller
    let csrfToken: String

    init(context: AppRequestContext) throws {
        guard let identity = context.identity else { throw AppError.unauthenticated }
        coreContext = context.coreContext
        caller = Caller(identity: identity, requestID: context.id)
        csrfToken = context.csrfToken
    }

    var identity: Identity { caller.identity }
    var signedIn: Identity? { identity }
}

/// A request from a signed-in professional: as `SignedInContext`, and a patient's portal account
/// gets "not found", as for anything else that is not theirs.
struct ClinicianContext: ChildRequestContext, LiaisonRequestContext {
    var coreContext: CoreRequestContextStorage
    /// Replaced only to bring the navigation's counts up to date (`Caller.havingRead`).
    var caller: Caller
    let csrfToken: String

    init(context: AppRequestContext) throws {
        let signedIn = try SignedInContext(context: context)
        guard !signedIn.identity.isPatient else { throw AppError.notFound }
        coreContext = signedIn.coreContext
        caller = signedIn.caller
        csrfToken = signedIn.csrfToken
    }

    var identity: Identity { caller.identity }
    var signedIn: Identity? { identity }
}
