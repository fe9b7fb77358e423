import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// The notifications page, and marking them all read.
struct NotificationsController: Sendable {
    let views: Views
    let notifications: NotificationService

    func register(on routes: RouteGroups) {
        routes.signedIn.get(SiteURL.notifications, use: page)
        routes.signedIn.post(SiteURL.readNotifications, use: readAll)
        routes.signedIn.get(SiteURL.openNotification(.placeholder), use: open)
    }

    /// Following a notice marks it read, then leads where it points (a page of Liaison only).
    @Sendable func open(_ request: Request, context: SignedInContext) async throws -> Response {
        guard let link = try await notifications.open(try context.uuid("id"), by: context.caller) else { throw AppError.notFound }
        return .redirect(to: AccountsController.safeNext(link))
    }

    @Sendable func page(_ request: Request, context: SignedInContext) async throws -> Response {
        let rows = try await notifications.recent(for: context.caller)
        let page = NotificationsPage(lines: rows.map {
            .init(at: DisplayDate.dateTime($0.createdAt), message: $0.message, link: SiteURL.openNotification($0.id).path, unread: $0.readAt == nil)
        })
        return views.page("notifications/notifications", title: "Notifications", page, request: request, context: context)
    }

    @Sendable func readAll(_ request: Request, context: SignedInContext) async throws -> Response {
        try await notifications.markAllRead(by: context.caller)
        return views.redirect(to: .notifications, flash: "All notifications marked as read.")
    }
}

struct NotificationsPage: Sendable {
    struct Line: Sendable {
        let at: String
        let message: String
        let link: String
        let unread: Bool
    }

    let lines: [Line]
    let readPath = SiteURL.readNotifications.path
}

