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
        routes.signedIn.get(SiteURL.noticeSettings, use: settings)
        routes.signedIn.post(SiteURL.noticeSettings, use: saveSettings)
        routes.signedIn.get(APIURL.noticePreferences, use: apiPreferences)
        routes.signedIn.put(APIURL.noticePreferences, use: apiSavePreferences)
    }

    struct SettingsPage: Sendable {
        let modes: [Choice]
        let hours: [Choice]
        let quietFrom: [Choice]
        let quietUntil: [Choice]
        let timeZone: String
        let form: FormState
        let action = SiteURL.noticeSettings.path
    }

    private func renderSettings(
        _ values: NotificationService.PreferencesInput, errors: ValidationErrors = .init(), status: HTTPResponse.Status = .ok, request: Request,
        context: SignedInContext
    ) -> Response {
        func hours(_ selected: String?, none: String?) -> [Choice] {
            (none.map { [Choice(value: "", label: $0, selected: (selected ?? "").isEmpty)] } ?? [])
                + (0..<24).map { Choice(value: String($0), label: String(format: "%02d:00", $0), selected: selected == String($0)) }
        }
        let page = SettingsPage(
            modes: Choice.all(NoticePreferences.EmailMode.self, selected: values.email), hours: hours(values.digestHour, none: nil),
            quietFrom: hours(values.quietFrom, none: "No quiet hours"), quietUntil: hours(values.quietUntil, none: "—"), timeZone: values.timeZone ?? "UTC",
            form: FormState(values: [:], errors: errors))
        return views.page("notifications/settings", title: "Email about notices", page, request: request, context: context, status: status)
    }

    static func input(_ preferences: NoticePreferences) -> NotificationService.PreferencesInput {
        .init(
            email: preferences.email.rawValue, digestHour: String(preferences.digestHour), quietFrom: preferences.quietFrom.map(String.init),
            quietUntil: preferences.quietUntil.map(String.init), timeZone: preferences.timeZone.identifier)
    }

    @Sendable func settings(_ request: Request, context: SignedInContext) async throws -> Response {
        renderSettings(Self.input(try await notifications.preferences(of: context.caller)), request: request, context: context)
    }

    @Sendable func saveSettings(_ request: Request, context: SignedInContext) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let input = NotificationService.PreferencesInput(
            email: form["email"], digestHour: form["digestHour"], quietFrom: form["quietFrom"], quietUntil: form["quietUntil"], timeZone: form["timeZone"])
        do {
            try await notifications.savePreferences(input, by: context.caller)
            return views.redirect(to: .notifications, flash: "Saved: notices reach you by email as you chose.")
        } catch AppError.invalid(let errors) {
            return renderSettings(input, errors: errors, status: .unprocessableContent, request: request, context: context)
        }
    }

    struct PreferencesDTO: ResponseEncodable {
        let email: String
        let digestHour: Int
        let quietFrom: Int?
        let quietUntil: Int?
        let timeZone: String

        init(_ preferences: NoticePreferences) {
            email = preferences.email.rawValue
            digestHour = preferences.digestHour
            quietFrom = preferences.quietFrom
            quietUntil = preferences.quietUntil
            timeZone = preferences.timeZone.identifier
        }
    }

    @Sendable func apiPreferences(_ request: Request, context: SignedInContext) async throws -> PreferencesDTO {
        PreferencesDTO(try await notifications.preferences(of: context.caller))
    }

    @Sendable func apiSavePreferences(_ request: Request, context: SignedInContext) async throws -> PreferencesDTO {
        var request = request
        let input = try await request.input(NotificationService.PreferencesInput.self, context: context)
        return PreferencesDTO(try await notifications.savePreferences(input, by: context.caller))
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
    let settingsPath = SiteURL.noticeSettings.path
}

