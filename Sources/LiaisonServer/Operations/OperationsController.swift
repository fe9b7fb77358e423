import Foundation
import Hummingbird
import LiaisonData
import Prometheus

/// Health, readiness and metrics for operators and load balancers.
struct OperationsController: Sendable {
    let database: LiaisonDatabase
    let metrics: PrometheusCollectorRegistry
    /// `LIAISON_METRICS_TOKEN`: metrics go only to a scraper that sends it; without one, to nobody.
    let metricsToken: String?

    func register(on routes: RouteGroups) {
        routes.open.get(SiteURL.health, use: health)
        routes.open.get(SiteURL.ready, use: ready)
        routes.open.get(SiteURL.metrics, use: metricsText)
    }

    struct Status: ResponseEncodable {
        let status: String
        let detail: String?
    }

    /// The process is alive and answering.
    @Sendable func health(_ request: Request, context: AppRequestContext) async throws -> Status {
        Status(status: "ok", detail: nil)
    }

    /// The database answers and every migration is applied: safe to send traffic here.
    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<Status> {
        do {
            try await database.ping()
            let pending = try await database.pendingMigrations()
            if !pending.isEmpty {
                return EditedResponse(status: .serviceUnavailable, response: Status(status: "unavailable", detail: "\(pending.count) migration(s) not applied; run `liaison migrate`"))
            }
            return EditedResponse(status: .ok, response: Status(status: "ready", detail: nil))
        } catch {
            context.logger.warning("readiness check failed", metadata: ["error": .string(String(reflecting: error))])
            return EditedResponse(status: .serviceUnavailable, response: Status(status: "unavailable", detail: "database not reachable"))
        }
    }

    @Sendable func metricsText(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let metricsToken, let sent = request.bearerToken, SecretToken.constantTimeEquals(sent, metricsToken) else { throw AppError.notFound }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
    }
}
