import Foundation
import Hummingbird
import LiaisonCore

/// An RFC 9457 problem document: what went wrong, for programs.
struct ProblemDocument: Codable, Sendable {
    let type: String
    let title: String
    let status: Int
    let detail: String
    let requestID: String
    let errors: [ValidationErrors.Problem]?
    /// For an action a state machine refused: the state it is in and what may be done instead.
    let currentState: String?
    let allowedActions: [String]?

    init(status: HTTPResponse.Status, detail: String, requestID: String, errors: [ValidationErrors.Problem] = [], refusal: (any TransitionRefusal)? = nil) {
        type = "about:blank"
        title = status.reasonPhrase
        self.status = Int(status.code)
        self.detail = detail
        self.requestID = requestID
        self.errors = errors.isEmpty ? nil : errors
        currentState = refusal?.stateName
        allowedActions = refusal.map { $0.allowedActions.map(\.name) }
    }

    func response() -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(self)) ?? Data()
        return Response(
            status: .init(code: status), headers: [.contentType: "application/problem+json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
