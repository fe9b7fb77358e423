import Foundation
import Hummingbird
import LiaisonCore
import Mustache

/// The HTML templates, loaded once at start-up, and how a page is rendered into the layout.
public struct Views: Sendable {
    let library: MustacheLibrary
    let secureCookies: Bool

    /// Every template a route renders; start-up fails if one is missing or does not parse.
    static let required = [
        "layout", "error", "csrf", "form-errors", "home/home",
        "accounts/sign-in", "accounts/sign-in-code", "accounts/two-factor", "accounts/forgot-password", "accounts/reset-password",
        "accounts/invitation", "accounts/tokens",
        "directory/profile-edit", "directory/directory", "directory/clinician",
        "organisations/organisation", "organisations/organisation-settings", "organisations/holidays", "organisations/admin",
        "patients/patients", "patients/patient-new", "patients/details-fields", "patients/details", "patients/patient", "patients/patient-consent", "patients/access-log",
        "patients/emergency-access", "patients/portal", "patients/emergency-report", "patients/end-membership",
        "notifications/notifications", "delivery/email", "matching/matches", "matching/waitlist-button",
        "waitlists/patient-waitlists", "waitlists/my-waitlists", "waitlists/organisation-waitlists",
        "webhooks/webhooks",
        "conversations/messages", "conversations/conversation", "notifications/settings", "letters/letters", "letters/letter-new",
        "consultations/request", "consultations/mine", "consultations/consultation",
        "transfers/request", "transfers/mine", "transfers/transfer",
        "measurement/measures", "measurement/questionnaire", "measurement/done", "careplans/plan", "careplans/follow-ups", "measurement/registry",
        "careevents/events", "careevents/worklist", "careevents/event", "careevents/feeds",
        "referrals/referrals", "referrals/owed-table", "referrals/cancel-confirm", "referrals/referral-new", "referrals/referral", "letters/letter", "referrals/referral-report",
    ]

    init(secureCookies: Bool) async throws {
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw ViewsError.missingTemplates("the Templates resource folder")
        }
        let library = try await MustacheLibrary(directory: folder.path)
        let missing = Self.required.filter { library.getTemplate(named: $0) == nil }
        guard missing.isEmpty else { throw ViewsError.missingTemplates(missing.joined(separator: ", ")) }
        self.library = library
        self.secureCookies = secureCookies
    }

    /// Renders `template` with `content` inside the site layout.
    func page(
        _ template: String, title: String, _ content: some Sendable, request: Request, context: some LiaisonRequestContext,
        status: HTTPResponse.Status = .ok
    ) -> Response {
        let flash = Flash.read(request)
        let model = PageModel(
            title: title, layout: LayoutModel(identity: context.signedIn, csrf: context.csrfToken, flash: flash, requestID: context.id),
            page: content)
        let html = library.render(TemplateContext.build(model) ?? [:], withTemplate: template) ?? ""
        var response = Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
        if flash != nil { response.setCookie(Flash.clearing) }
        return response
    }

    func redirect(to url: SiteURL, flash: String? = nil) -> Response {
        redirect(to: url.path, flash: flash)
    }

    /// To a path with a query (a report with its choices).
    func redirect(to path: String, flash: String? = nil) -> Response {
        .redirect(to: path, flash: flash, secureCookies: secureCookies)
    }
}

enum ViewsError: Error, CustomStringConvertible {
    case missingTemplates(String)

    var description: String {
        switch self {
        case .missingTemplates(let names): "Templates missing or invalid: \(names)"
        }
    }
}

/// What every template sees: the page title, the layout's data and the page's own model.
struct PageModel<Content: Sendable>: Sendable {
    let title: String
    let layout: LayoutModel
    let page: Content
}

/// Navigation, the signed-in person, the flash message and the anti-forgery token.
struct LayoutModel: Sendable {
    struct Link: Sendable {
        let label: String
        let href: String
    }

    let user: String?
    let links: [Link]
    let hasLinks: Bool
    let csrf: String
    /// The one-time token of this page's forms (see `SubmissionKey`).
    let once = SubmissionKey.newToken()
    let flash: String?
    let requestID: String
    let signOutPath = SiteURL.signOut.path
    let signInPath = SiteURL.signIn.path
    let homePath = SiteURL.home.path
    let stylesheet = SiteURL.stylesheet.path

    init(identity: Identity?, csrf: String, flash: String?, requestID: String) {
        user = identity?.displayName
        var links: [Link] = []
        if let identity, identity.isPatient {
            links.append(Link(label: "My care", href: SiteURL.portal.path))
            links.append(Link(label: "Two-factor sign-in", href: SiteURL.twoFactor.path))
        } else if let identity {
            links.append(Link(label: "My patients", href: SiteURL.patients.path))
            links.append(Link(label: "Referrals", href: SiteURL.referrals.path))
            links.append(Link(
                label: identity.eventsToAcknowledge > 0 ? "Care events (\(identity.eventsToAcknowledge) to acknowledge)" : "Care events", href: SiteURL.careEvents.path))
            links.append(Link(label: identity.overdueFollowUps > 0 ? "Follow-ups (\(identity.overdueFollowUps) overdue)" : "Follow-ups", href: SiteURL.followUps.path))
            links.append(Link(label: "Registry", href: SiteURL.registry.path))
            links.append(Link(label: "Waiting lists", href: SiteURL.waitlist.path))
            links.append(Link(label: "Second opinions", href: SiteURL.consultations.path))
            links.append(Link(label: "Transfers", href: SiteURL.transfers.path))
            links.append(Link(label: identity.unreadMessages > 0 ? "Messages (\(identity.unreadMessages))" : "Messages", href: SiteURL.messages.path))
            links.append(Link(label: identity.unreadNotifications > 0 ? "Notifications (\(identity.unreadNotifications))" : "Notifications", href: SiteURL.notifications.path))
            links.append(Link(label: "Directory", href: SiteURL.directory.path))
            links.append(Link(label: "My profile", href: SiteURL.profile.path))
            for organisation in identity.organisations {
                links.append(Link(label: organisation.name, href: SiteURL.organisation(organisation.id).path))
            }
            links.append(Link(label: "Two-factor sign-in", href: SiteURL.twoFactor.path))
            links.append(Link(label: "API tokens", href: SiteURL.tokens.path))
            if identity.actor.mayOperateInstallation || identity.organisations.contains(where: { $0.role == .administrator }) {
                links.append(Link(label: "Referral report", href: SiteURL.referralReport.path))
            }
            if identity.actor.mayOperateInstallation {
                links.append(Link(label: "Administration", href: SiteURL.admin.path))
            }
        }
        self.links = links
        hasLinks = !links.isEmpty
        self.csrf = csrf
        self.flash = flash
        self.requestID = requestID
    }
}
