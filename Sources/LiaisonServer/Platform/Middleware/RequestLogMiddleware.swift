import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// One structured log line per request (method, path, status, duration, request id), and the
/// request id echoed in `X-Request-ID` so a person can quote it.
///
/// Hummingbird's `LogRequestsMiddleware` logs before the handler runs, so it cannot record the
/// outcome; this logs after.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        response.headers[.requestID] = context.id
        context.logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue),
                "path": .string(request.uri.path),
                "status": .stringConvertible(response.status.code),
                "duration_ms": .string(String(format: "%.1f", milliseconds)),
            ])
        return response
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-ID")!
}

