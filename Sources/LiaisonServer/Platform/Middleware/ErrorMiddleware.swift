import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData
import Logging

/// Turns every error into what the person or program should see: a friendly page for browsers,
/// an RFC 9457 problem document for the API. Internal details go to the log with the request id.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let views: Views
    /// Records refused attempts at a patient's record.
    let refusals: RefusalLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let refused as AccessRefused {
            await refusals.record(refused, by: context.identity, requestID: context.id, logger: context.logger)
            return try await handle(request, context: context) { _, _ in throw AppError.notFound }
        } catch {
            let (status, message, problems) = describe(error, context: context)
            if request.wantsJSON {
                return ProblemDocument(status: status, detail: message, requestID: context.id, errors: problems, refusal: error as? any TransitionRefusal).response()
            }
            if status == .unauthorized {
                let next = request.method == .get ? request.uri.description : SiteURL.home.path
                let query = next == SiteURL.home.path ? "" : "?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                return .redirect(to: SiteURL.signIn.path + query)
            }
            let page = ErrorPage(status: Int(status.code), heading: ErrorPage.heading(for: status), message: message, requestID: context.id)
            return views.page("error", title: page.heading, page, request: request, context: context, status: status)
        }
    }

    private func describe(_ error: any Error, context: Context) -> (HTTPResponse.Status, String, [ValidationErrors.Problem]) {
        switch error {
        case let error as AppError:
            if case .invalid(let errors) = error { return (error.status, error.message, errors.problems) }
            return (error.status, error.message, [])
        case let refusal as any TransitionRefusal:
            let allowed = refusal.allowedActions.map { $0.label.lowercased() }
            let next = allowed.isEmpty ? "Nothing more can be done with it." : "What can be done now: \(allowed.joined(separator: ", "))."
            return (.conflict, "\(refusal.reason) It is \(refusal.stateLabel.lowercased()). \(next)", [])
        case let error where DatabaseBusy.matches(error):
            return (.serviceUnavailable, "Liaison is very busy with this record just now. Nothing was changed; try again in a moment.", [])
        case is ConcurrentChange:
            return (.conflict, "Someone changed this at the same moment. Nothing of yours was changed; reload the page and try again.", [])
        case let error as ValidationErrors:
            return (.unprocessableContent, AppError.invalid(error).message, error.problems)
        case let error as any HTTPResponseError where error.status.code < 500:
            return (error.status, Self.clientMessage(for: error.status), [])
        case let error as DecodingError:
            // A field of the wrong type is a problem with that field, like any other (422); a body
            // that is not JSON at all cannot be read (400).
            if let field = Self.decodingField(error) {
                let message = "The field \"\(field)\" \(Self.decodingProblem(error))."
                return (.unprocessableContent, message, ValidationErrors(field, message).problems)
            }
            return (.badRequest, "The request body could not be read: \(Self.decodingSummary(error)).", [])
        default:
            context.logger.error("unhandled error", metadata: ["error": .string(String(reflecting: error))])
            return (.internalServerError, "Something went wrong on our side. Nothing was changed. If it happens again, quote request id \(context.id).", [])
        }
    }

    static func clientMessage(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: AppError.notFound.message
        case .contentTooLarge: "The request is too large."
        case .methodNotAllowed: "That action is not available here."
        default: status.reasonPhrase
        }
    }

    /// The field a decoding error is about, as a dotted path; nil when the body itself is unreadable.
    static func decodingField(_ error: DecodingError) -> String? {
        let path: [any CodingKey] = switch error {
        case .keyNotFound(let key, let context): context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): context.codingPath
        @unknown default: []
        }
        return path.isEmpty ? nil : path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    static func decodingProblem(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound: "is missing"
        case .typeMismatch, .valueNotFound: "has the wrong type"
        default: "is not valid"
        }
    }

    static func decodingSummary(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _): "the field \"\(key.stringValue)\" is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "the field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type"
        case .dataCorrupted(let context):
            context.codingPath.isEmpty ? "it is not valid JSON" : "the field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" is invalid"
        default: "it is not valid JSON"
        }
    }
}

struct ErrorPage: Sendable {
    let status: Int
    let heading: String
    let message: String
    let requestID: String

    static func heading(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "Not found"
        case .forbidden: "Not allowed"
        case .badRequest, .unprocessableContent: "That could not be read"
        case .conflict: "That clashes with what is already there"
        case .internalServerError: "Something went wrong"
        default: status.reasonPhrase
        }
    }
}

extension Request {
    /// API paths and requests that ask for JSON get problem documents instead of pages.
    var wantsJSON: Bool {
        uri.path.hasPrefix(APIURL.base) || (headers[.accept]?.contains("application/json") ?? false)
    }
}
