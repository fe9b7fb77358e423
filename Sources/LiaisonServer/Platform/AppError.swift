import Hummingbird
import LiaisonCore

/// The errors handlers throw; `ErrorMiddleware` turns each into the right page or problem document.
public enum AppError: Error, Equatable {
    /// Not signed in (HTML: go to sign-in; API: 401).
    case unauthenticated
    /// Signed in, but the role does not allow it.
    case forbidden
    /// Signed in and allowed in general, but not now, for the reason given (set up two-factor first).
    case refused(String)
    /// A form post without the anti-forgery token (stale page, or another site posting).
    case forbiddenForgery
    /// No such thing, or the person may not know it exists.
    case notFound
    /// The input is malformed in a way a form cannot show next to a field.
    case badRequest(String)
    /// The input failed validation (API answers 422 with every problem).
    case invalid(ValidationErrors)
    /// The request conflicts with the current state.
    case conflict(String)
    /// The body is of a kind the route does not take; `expected` names what it does take.
    case unsupportedMediaType(expected: String)

    var status: HTTPResponse.Status {
        switch self {
        case .unauthenticated: .unauthorized
        case .forbidden, .forbiddenForgery, .refused: .forbidden
        case .notFound: .notFound
        case .badRequest: .badRequest
        case .invalid: .unprocessableContent
        case .conflict: .conflict
        case .unsupportedMediaType: .unsupportedMediaType
        }
    }

    /// What the person is told.
    var message: String {
        switch self {
        case .unauthenticated: "Please sign in to continue."
        case .forbidden: "Your role does not allow this. Ask your organisation's administrator if you need it."
        case .forbiddenForgery: "This form has expired or did not come from Liaison. Go back, reload the page and try again."
        case .notFound: "There is nothing here. The link may be mistyped, or what it pointed to is not available to you."
        case .badRequest(let message), .conflict(let message), .refused(let message): message
        case .invalid(let errors): errors.problems.map(\.message).joined(separator: " ")
        case .unsupportedMediaType(let expected): "Send the body as \(expected)."
        }
    }
}
