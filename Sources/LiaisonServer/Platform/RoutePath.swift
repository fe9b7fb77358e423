import Foundation
import Hummingbird
import LiaisonCore

/// One piece of a path: fixed text, or a named parameter with the value a link fills in.
enum PathSegment: ExpressibleByStringLiteral, Sendable {
    case text(String)
    case parameter(String, value: String)

    init(stringLiteral text: String) { self = .text(text) }

    /// A UUID parameter, written in lower case in links.
    static func id(_ value: UUID, _ name: String = "id") -> PathSegment { .parameter(name, value: value.uuidString.lowercased()) }

    var link: String {
        switch self {
        case .text(let text): text
        case .parameter(_, let value): value
        }
    }

    var pattern: String {
        switch self {
        case .text(let text): text
        case .parameter(let name, _): ":\(name)"
        }
    }
}

/// A path declared once: links are built from it and routes are registered from it, so a link
/// cannot point at a route that does not exist. Register with a placeholder value
/// (`.patient(.placeholder)`): only the parameter's name counts then.
protocol RoutePath: Sendable {
    var segments: [PathSegment] { get }
}

extension RoutePath {
    /// The path for a link.
    var path: String { "/" + segments.map(\.link).joined(separator: "/") }
    /// The route pattern, with `:name` parameters.
    var pattern: String { "/" + segments.map(\.pattern).joined(separator: "/") }
}

extension UUID {
    /// Stands for any id when a route is registered.
    static let placeholder = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
}

/// The steps of setting up and managing two-factor sign-in, the same on pages and in the API.
enum TwoFactorStep: String, CaseIterable, Sendable {
    case setup
    case confirm
    case recoveryCodes = "recovery-codes"
    case turnOff = "turn-off"
}

/// What the patient's team (or the clinician, or an administrator) does with a waiting-list entry.
enum WaitlistStep: String, CaseIterable, Sendable {
    case accept
    case decline
    case rejoin
    case remove
}

/// What an administrator does with a webhook endpoint, the same on pages and in the API.
enum WebhookStep: String, CaseIterable, Sendable {
    case test
    case remove
}

/// What a team member does with a care event, the same on pages and in the API.
enum CareEventStep: String, CaseIterable, Sendable {
    case acknowledge
    /// Recorded by mistake, or cancelled by the hospital.
    case cancel
    /// The visit owed after a discharge happened.
    case followUpDone = "follow-up-done"
}

/// What an administrator does with a hospital feed.
enum FeedStep: String, CaseIterable, Sendable {
    case disable
}

/// What an administrator does with a feed message that matched no patient.
enum FeedMessageStep: String, CaseIterable, Sendable {
    /// Match again, now that a clinician has recorded the identifier on the patient's record.
    case retry
    /// Apply it to the patient whose record id the administrator gives.
    case attach
    /// Set it aside: not a patient of anyone in Liaison.
    case dismiss
}

extension RequestContext {
    /// A UUID path parameter; anything else is "not found", as an unknown id would be.
    func uuid(_ name: String) throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else { throw AppError.notFound }
        return id
    }
}

extension RouterMethods {
    @discardableResult
    func get(_ url: some RoutePath, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator) -> Self {
        get(RouterPath(url.pattern), use: handler)
    }

    @discardableResult
    func post(_ url: some RoutePath, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator) -> Self {
        post(RouterPath(url.pattern), use: handler)
    }

    @discardableResult
    func put(_ url: some RoutePath, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator) -> Self {
        put(RouterPath(url.pattern), use: handler)
    }

    @discardableResult
    func patch(_ url: some RoutePath, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator) -> Self {
        patch(RouterPath(url.pattern), use: handler)
    }

    @discardableResult
    func delete(_ url: some RoutePath, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator) -> Self {
        delete(RouterPath(url.pattern), use: handler)
    }
}
