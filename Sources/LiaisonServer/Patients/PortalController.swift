import FluentKit
import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// The patient's portal page, the notifications page, and the emergency-access report.
struct PortalController: Sendable {
    let views: Views
    let portal: PortalService
    let accessLog: AccessLogService
    let emergency: EmergencyAccessService
    let organisations: OrganisationService
    let database: LiaisonDatabase
    let clock: any Clock

    func register(on router: Router<AppRequestContext>) {
        router.get(RouterPath(SiteURL.portal.path), use: portalPage)
        router.get(RouterPath(SiteURL.notifications.path), use: notificationsPage)
        router.post(RouterPath(SiteURL.readNotifications.path), use: readAll)
        router.get(RouterPath(SiteURL.Pattern.emergencyReport), use: emergencyReport)
    }

    @Sendable func portalPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard identity.isPatient else { return views.redirect(to: .home) }
        let caller = try context.caller()
        let overview = try await portal.overview(by: caller)
        let patientID = overview.patient.id!
        let (_, lines) = try await accessLog.log(of: patientID, by: caller, limit: 50)
        let team = overview.team.map { member, profile in
            PortalPage.Member(
                name: member.user.displayName, role: CareTeamRole(rawValue: member.role)?.label ?? member.role,
                discipline: profile?.discipline.label, contactMethod: profile?.contactMethod.label,
                phone: profile?.contactPhone.nilIfEmpty, email: profile?.contactEmail.nilIfEmpty, hours: profile?.contactHours.nilIfEmpty)
        }
        let page = PortalPage(
            name: overview.patient.givenName, team: team,
            consent: ConsentPage(name: overview.patient.givenName, consent: overview.consent, patientID: patientID, backPath: SiteURL.portal.path),
            accessLog: AccessLogPage(name: "", lines: lines, backPath: "").lines)
        return views.page("portal", title: "My care", page, request: request, context: context)
    }

    @Sendable func notificationsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let rows = try await Notification.query(on: database.db()).filter(\.$user.$id == identity.userID).sort(\.$createdAt, .descending).limit(100).all()
        let page = NotificationsPage(lines: rows.map {
            .init(at: DisplayDate.dateTime($0.createdAt), message: $0.message, link: $0.link, unread: $0.readAt == nil)
        })
        return views.page("notifications", title: "Notifications", page, request: request, context: context)
    }

    @Sendable func readAll(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        try await Notification.query(on: database.db()).filter(\.$user.$id == identity.userID).filter(\.$readAt == nil)
            .set(\.$readAt, to: clock.now()).update()
        return views.redirect(to: .notifications, flash: "All notifications marked as read.")
    }

    @Sendable func emergencyReport(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireClinician()
        let id = try context.uuid("id")
        let organisation = try await organisations.organisationForAdministration(id, by: identity.actor)
        let lines = try await emergency.report(for: id, by: identity.actor).map {
            EmergencyReportPage.Line(
                at: DisplayDate.dateTime($0.grant.grantedAt), accessor: $0.accessor, reason: $0.grant.reason,
                until: DisplayDate.dateTime($0.grant.expiresAt), patientReference: String($0.grant.$patient.id.uuidString.prefix(8)).lowercased())
        }
        return views.page("emergency-report", title: "Emergency access report", EmergencyReportPage(organisation: organisation.name, lines: lines), request: request, context: context)
    }
}
