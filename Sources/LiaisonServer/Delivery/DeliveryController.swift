import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Email delivery for the installation's operators: what waits, what was delivered, what was set
/// aside and why, with a button to try again. Addresses are shown shortened: a set-aside portal
/// invitation goes to a patient, and operators are not treating them.
struct DeliveryController: Sendable {
    let views: Views
    let database: LiaisonDatabase
    let clock: any Clock
    let auditor: Auditor

    func register(on routes: RouteGroups) {
        routes.clinicians.get(SiteURL.adminEmail, use: page)
        routes.clinicians.post(SiteURL.adminEmailRetry(.placeholder), use: retry)
        routes.clinicians.get(APIURL.outbox, use: apiList)
        routes.clinicians.post(APIURL.outboxRetry(.placeholder), use: apiRetry)
    }

    struct SetAsideDTO: Codable, Sendable {
        let id: UUID
        /// Shortened: the first letter and the domain.
        let recipient: String
        let subject: String
        let attempts: Int
        let lastError: String
        let setAsideAt: Date
    }

    struct OutboxDTO: ResponseEncodable {
        let waiting: Int
        let delivered: Int
        let setAside: [SetAsideDTO]
    }

    struct Page: Sendable {
        struct Line: Sendable {
            let recipient: String
            let subject: String
            let attempts: Int
            let lastError: String
            let when: String
            let retryPath: String
        }

        let waiting: Int
        let delivered: Int
        let lines: [Line]
        let configured: Bool
    }

    private func overview(_ context: ClinicianContext) async throws -> OutboxDTO {
        guard context.identity.actor.mayOperateInstallation else { throw AppError.forbidden }
        let db = database.reader()
        let counts = try await OutboxQueries.counts(on: db)
        let aside = try await OutboxQueries.setAside(on: db).map {
            SetAsideDTO(
                id: $0.id!, recipient: Self.shortened($0.recipient), subject: $0.subject, attempts: $0.attempts, lastError: $0.lastError ?? "",
                setAsideAt: $0.deadAt ?? $0.createdAt)
        }
        return OutboxDTO(waiting: counts.waiting, delivered: counts.delivered, setAside: aside)
    }

    @Sendable func page(_ request: Request, context: ClinicianContext) async throws -> Response {
        let overview = try await overview(context)
        let page = Page(
            waiting: overview.waiting, delivered: overview.delivered,
            lines: overview.setAside.map {
                .init(recipient: $0.recipient, subject: $0.subject, attempts: $0.attempts, lastError: $0.lastError,
                      when: DisplayDate.dateTime($0.setAsideAt), retryPath: SiteURL.adminEmailRetry($0.id).path)
            },
            configured: configured)
        return views.page("delivery/email", title: "Email delivery", page, request: request, context: context)
    }

    /// Set by the server from `LIAISON_SMTP_URL`.
    var configured = false

    @Sendable func retry(_ request: Request, context: ClinicianContext) async throws -> Response {
        try await retry(try context.uuid("id"), context: context)
        return views.redirect(to: .adminEmail, flash: "Queued again; it goes out within a minute.")
    }

    @Sendable func apiList(_ request: Request, context: ClinicianContext) async throws -> OutboxDTO {
        try await overview(context)
    }

    @Sendable func apiRetry(_ request: Request, context: ClinicianContext) async throws -> HTTPResponse.Status {
        try await retry(try context.uuid("id"), context: context)
        return .accepted
    }

    private func retry(_ id: UUID, context: ClinicianContext) async throws {
        guard context.identity.actor.mayOperateInstallation else { throw AppError.forbidden }
        let queued = try await database.write { db in
            guard try await OutboxQueries.retry(id, at: clock.now(), on: db) else { return false }
            try await auditor.record(.emailRetry, patient: nil, subject: "outbox:\(id)", purpose: "operations", by: context.caller, on: db)
            return true
        }
        guard queued else { throw AppError.notFound }
    }

    /// "a…@clinic.example": enough to recognise a colleague's address, not a patient's.
    static func shortened(_ address: String) -> String {
        guard let at = address.firstIndex(of: "@"), at > address.startIndex else { return "…" }
        return String(address[address.startIndex]) + "…" + address[at...]
    }
}
