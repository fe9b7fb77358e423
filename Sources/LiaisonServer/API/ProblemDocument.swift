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

    init(status: HTTPResponse.Status, detail: String, requestID: String, errors: [ValidationErrors.Problem] = []) {
        type = "about:blank"
        title = status.reasonPhrase
        self.status = Int(status.code)
        self.detail = detail
        self.requestID = requestID
        self.errors = errors.isEmpty ? nil : errors
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
