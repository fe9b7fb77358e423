import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Organisation pages (members, invitations, settings) and the installation's admin page.
struct OrganisationsController: Sendable {
    let views: Views
    let organisations: OrganisationService
    let invitations: InvitationService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(SiteURL.organisation(.placeholder), use: page)
        routes.clinicians.post(SiteURL.organisationInvitations(.placeholder), use: invite)
        routes.clinicians.get(SiteURL.organisationSettings(.placeholder), use: settingsPage)
        routes.clinicians.post(SiteURL.organisationSettings(.placeholder), use: saveSettings)
        routes.clinicians.post(SiteURL.memberRole(organisation: .placeholder, membership: .placeholder), use: changeRole)
        routes.clinicians.get(SiteURL.admin, use: adminPage)
        routes.clinicians.post(SiteURL.adminOrganisations, use: createOrganisation)
        routes.clinicians.get(APIURL.organisation(.placeholder), use: apiOrganisation)
    }

    @Sendable func page(_ request: Request, context: ClinicianContext) async throws -> Response {
        let actor = context.identity.actor
        let id = try context.uuid("id")
        let overview = try await organisations.overview(id, for: actor)
        let page = OrganisationPage(overview, canAdminister: actor.mayAdminister(organisation: id))
        return views.page("organisations/organisation", title: page.name, page, request: request, context: context)
    }

    @Sendable func invite(_ request: Request, context: ClinicianContext) async throws -> Response {
        let actor = context.identity.actor
        let id = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        do {
            let invitation = try await invitations.invite(
                .init(email: form["email"], displayName: form["displayName"], role: form["role"]), to: id, by: actor)
            return views.redirect(to: .organisation(id), flash: "Invitation sent to \(invitation.email).")
        } catch AppError.invalid(let errors) {
            let overview = try await organisations.overview(id, for: actor)
            let page = OrganisationPage(overview, canAdminister: true, form: FormState(values: form.dictionary, errors: errors))
            return views.page("organisations/organisation", title: page.name, page, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func settingsPage(_ request: Request, context: ClinicianContext) async throws -> Response {
        let actor = context.identity.actor
        let id = try context.uuid("id")
        let organisation = try await organisations.organisationForAdministration(id, by: actor)
        let page = OrganisationSettingsForm(organisation: organisation, action: SiteURL.organisationSettings(id).path)
        return views.page("organisations/organisation-settings", title: "Settings: \(organisation.name)", page, request: request, context: context)
    }

    @Sendable func saveSettings(_ request: Request, context: ClinicianContext) async throws -> Response {
        let actor = context.identity.actor
        let id = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        let draft = OrganisationSettingsForm.draft(from: form)
        let targets = form.dictionary.filter { key, _ in ServiceLevelTargets.fields.contains { $0.key == key } }
        do {
            _ = try await organisations.updateSettings(
                id, draft, targets: targets, safeguards: OrganisationSettingsForm.safeguards(from: form), crisisText: form["crisisText"], by: actor)
            return views.redirect(to: .organisation(id), flash: "Settings saved.")
        } catch AppError.invalid(let errors) {
            let page = OrganisationSettingsForm(
                draft: draft, targets: targets, safeguards: OrganisationSettingsForm.safeguards(from: form), crisisText: form["crisisText"] ?? "", errors: errors,
                action: SiteURL.organisationSettings(id).path)
            return views.page("organisations/organisation-settings", title: "Settings", page, request: request, context: context, status: .unprocessableContent)
        }
    }

    @Sendable func changeRole(_ request: Request, context: ClinicianContext) async throws -> Response {
        let actor = context.identity.actor
        let id = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        try await organisations.changeRole(of: try context.uuid("membership"), in: id, to: form["role"] ?? "", by: actor)
        return views.redirect(to: .organisation(id), flash: "Role changed.")
    }

    @Sendable func adminPage(_ request: Request, context: ClinicianContext) async throws -> Response {
        let actor = context.identity.actor
        guard actor.mayOperateInstallation else { throw AppError.forbidden }
        let draft = OrganisationSettingsDraft(timeZone: "UTC", businessDays: Weekday.mondayToFriday.map { String($0.rawValue) })
        return try await renderAdmin(OrganisationSettingsForm(draft: draft, targets: nil, action: SiteURL.adminOrganisations.path), status: .ok, request: request, context: context)
    }

    private func renderAdmin(_ create: OrganisationSettingsForm, status: HTTPResponse.Status, request: Request, context: ClinicianContext) async throws -> Response {
        let rows = try await organisations.all().map { organisation, members in
            AdminPage.Row(name: organisation.name, kind: organisation.settings.kind.label, members: members, href: SiteURL.organisation(organisation.id!).path)
        }
        return views.page("organisations/admin", title: "Administration", AdminPage(organisations: rows, create: create), request: request, context: context, status: status)
    }

    @Sendable func createOrganisation(_ request: Request, context: ClinicianContext) async throws -> Response {
        let actor = context.identity.actor
        guard actor.mayOperateInstallation else { throw AppError.forbidden }
        var request = request
        let draft = OrganisationSettingsForm.draft(from: try await request.form(context: context))
        do {
            let organisation = try await organisations.create(draft, by: actor)
            return views.redirect(to: .organisation(organisation.id!), flash: "Organisation created. Invite its administrator next.")
        } catch AppError.invalid(let errors) {
            let form = OrganisationSettingsForm(draft: draft, targets: nil, errors: errors, action: SiteURL.adminOrganisations.path)
            return try await renderAdmin(form, status: .unprocessableContent, request: request, context: context)
        }
    }

    struct OrganisationDTO: ResponseEncodable {
        struct MemberDTO: Codable {
            let id: UUID
            let displayName: String
            let role: String
        }

        let id: UUID
        let name: String
        let kind: String
        let timeZone: String
        let businessDays: [Int]
        let emergencyNeedsLicence: Bool
        let requireTwoFactor: Bool
        let members: [MemberDTO]
    }

    @Sendable func apiOrganisation(_ request: Request, context: ClinicianContext) async throws -> OrganisationDTO {
        let actor = context.identity.actor
        let overview = try await organisations.overview(try context.uuid("id"), for: actor)
        let settings = overview.organisation.settings
        return OrganisationDTO(
            id: overview.organisation.id!, name: settings.name, kind: settings.kind.rawValue, timeZone: settings.timeZone.identifier,
            businessDays: settings.businessDays.sorted().map(\.rawValue),
            emergencyNeedsLicence: overview.organisation.emergencyNeedsLicence, requireTwoFactor: overview.organisation.requireTwoFactor,
            members: overview.members.map { .init(id: $0.userID, displayName: $0.displayName, role: $0.role.rawValue) })
    }
}
