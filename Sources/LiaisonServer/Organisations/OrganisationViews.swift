import Foundation
import LiaisonCore
import LiaisonData

/// An organisation's page: its members, and for administrators, invitations and settings.
struct OrganisationPage: Sendable {
    struct MemberRow: Sendable {
        let name: String
        let email: String
        let role: String
        let isAdministrator: Bool
        let profileHref: String?
        let rolePath: String
        let roles: [Choice]
    }

    struct InvitationRow: Sendable {
        let name: String
        let email: String
        let role: String
        let expires: String
    }

    let name: String
    let kind: String
    let timeZone: String
    let businessDays: String
    let members: [MemberRow]
    let invitations: [InvitationRow]
    let canAdminister: Bool
    let settingsPath: String
    let holidaysPath: String
    let emergencyReportPath: String
    let waitlistsPath: String
    let webhooksPath: String
    let feedsPath: String
    let registryPath: String
    let invitePath: String
    let roles: [Choice]
    let form: FormState

    init(_ overview: OrganisationService.Overview, canAdminister: Bool, form: FormState = .empty) {
        let organisation = overview.organisation
        let id = organisation.id!
        let settings = organisation.settings
        name = organisation.name
        kind = settings.kind.label
        timeZone = settings.timeZone.identifier
        businessDays = settings.businessDays.sorted().map(\.label).joined(separator: ", ")
        members = overview.members.map { member in
            MemberRow(
                name: member.displayName, email: member.email, role: member.role.label,
                isAdministrator: member.role == .administrator,
                profileHref: member.hasProfile ? SiteURL.clinician(member.userID).path : nil,
                rolePath: SiteURL.memberRole(organisation: id, membership: member.membershipID).path,
                roles: MembershipRole.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == member.role) })
        }
        invitations = overview.pendingInvitations.map {
            InvitationRow(name: $0.displayName, email: $0.email, role: $0.role.label, expires: DisplayDate.dateTime($0.expiresAt, in: settings.timeZone))
        }
        self.canAdminister = canAdminister
        settingsPath = SiteURL.organisationSettings(id).path
        holidaysPath = SiteURL.organisationHolidays(id).path
        emergencyReportPath = SiteURL.emergencyReport(organisation: id).path
        waitlistsPath = SiteURL.organisationWaitlists(id).path
        webhooksPath = SiteURL.organisationWebhooks(id).path
        feedsPath = SiteURL.organisationFeeds(id).path
        registryPath = SiteURL.organisationRegistry(id).path
        invitePath = SiteURL.organisationInvitations(id).path
        roles = MembershipRole.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0.rawValue == (form.values["role"] ?? "clinician")) }
        self.form = form
    }
}

/// The settings form, used both to edit an organisation and (by operators) to create one.
struct OrganisationSettingsForm: Sendable {
    struct TargetField: Sendable {
        let key: String
        let label: String
        let value: String
        let min: Int
        let max: Int
        let error: String?
    }

    let form: FormState
    let kinds: [Choice]
    let days: [Choice]
    let targets: [TargetField]?
    /// An existing organisation's form (with targets), which also has the crisis text.
    let hasTargets: Bool
    /// Shown only with the targets (an existing organisation's settings).
    let safeguards: OrganisationSafeguards
    /// What the organisation's patients read when in crisis (in the portal, and after a worrying answer).
    let crisisText: String
    let crisisError: String?
    let action: String

    /// `targets` is nil where the form creates an organisation (the standard targets apply).
    init(
        draft: OrganisationSettingsDraft, targets: [String: String]?, safeguards: OrganisationSafeguards = .init(), crisisText: String = CrisisResources.standard,
        errors: ValidationErrors = .init(), action: String
    ) {
        form = FormState(values: ["name": draft.name ?? "", "timeZone": draft.timeZone ?? ""], errors: errors)
        self.targets = targets.map { values in
            ServiceLevelTargets.fields.map {
                TargetField(key: $0.key, label: $0.label, value: values[$0.key] ?? "", min: $0.range.lowerBound, max: $0.range.upperBound, error: errors.message(for: $0.key))
            }
        }
        hasTargets = targets != nil
        kinds = Choice.all(OrganisationKind.self, selected: draft.kind)
        days = Weekday.allCases.map { Choice(value: String($0.rawValue), label: $0.label, selected: draft.businessDays.contains(String($0.rawValue))) }
        self.safeguards = safeguards
        self.crisisText = crisisText
        crisisError = errors.message(for: "crisisText")
        self.action = action
    }

    init(organisation: Organisation, action: String) {
        let settings = organisation.settings
        self.init(
            draft: OrganisationSettingsDraft(
                name: settings.name, kind: settings.kind.rawValue, timeZone: settings.timeZone.identifier,
                businessDays: settings.businessDays.map { String($0.rawValue) }),
            targets: organisation.targets.formValues, safeguards: organisation.safeguards, crisisText: organisation.crisisText ?? CrisisResources.standard,
            action: action)
    }

    static func safeguards(from form: FormData) -> OrganisationSafeguards {
        OrganisationSafeguards(emergencyNeedsLicence: form.flag("emergencyNeedsLicence"), requireTwoFactor: form.flag("requireTwoFactor"))
    }

    static func draft(from form: FormData) -> OrganisationSettingsDraft {
        OrganisationSettingsDraft(name: form["name"], kind: form["kind"], timeZone: form["timeZone"], businessDays: form.all("businessDays"))
    }
}

/// The installation's administration page.
struct AdminPage: Sendable {
    struct Row: Sendable {
        let name: String
        let kind: String
        let members: Int
        let href: String
    }

    let organisations: [Row]
    let create: OrganisationSettingsForm
    let emailPath = SiteURL.adminEmail.path
}
