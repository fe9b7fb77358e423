import Foundation
import LiaisonCore

/// Every page and endpoint's path, in one place: routes are registered from `pattern` and links
/// are built from the same cases, so a link cannot point at a route that does not exist.
enum SiteURL {
    case home
    case signIn
    case signOut
    case forgotPassword
    case resetPassword(token: String)
    case invitation(token: String)
    case profile
    case directory
    case clinician(UUID)
    case tokens
    case revokeToken(UUID)
    case organisation(UUID)
    case organisationInvitations(UUID)
    case organisationSettings(UUID)
    case memberRole(organisation: UUID, membership: UUID)
    case admin
    case adminOrganisations
    case stylesheet
    case patients
    case newPatient
    case patient(UUID)
    case patientTeam(UUID)
    case endMembership(patient: UUID, member: UUID)
    case patientConsent(UUID)
    case patientNotes(UUID)
    case patientAccessLog(UUID)
    case patientPortalInvitation(UUID)
    case emergencyAccess
    case notifications
    case readNotifications
    case portal
    case emergencyReport(organisation: UUID)
    case referrals
    case newReferral
    case referral(UUID)
    case referralAction(UUID, ReferralAction)
    case referralLetter(referral: UUID, note: UUID?)
    case referralReport

    var path: String {
        switch self {
        case .home: "/"
        case .signIn: "/sign-in"
        case .signOut: "/sign-out"
        case .forgotPassword: "/password/forgot"
        case .resetPassword(let token): "/password/reset/\(token)"
        case .invitation(let token): "/invitations/\(token)"
        case .profile: "/profile"
        case .directory: "/directory"
        case .clinician(let id): "/clinicians/\(id.uuidString.lowercased())"
        case .tokens: "/settings/tokens"
        case .revokeToken(let id): "/settings/tokens/\(id.uuidString.lowercased())/revoke"
        case .organisation(let id): "/organisations/\(id.uuidString.lowercased())"
        case .organisationInvitations(let id): "/organisations/\(id.uuidString.lowercased())/invitations"
        case .organisationSettings(let id): "/organisations/\(id.uuidString.lowercased())/settings"
        case .memberRole(let organisation, let membership):
            "/organisations/\(organisation.uuidString.lowercased())/members/\(membership.uuidString.lowercased())/role"
        case .admin: "/admin"
        case .adminOrganisations: "/admin/organisations"
        case .stylesheet: "/static/liaison.css"
        case .patients: "/patients"
        case .newPatient: "/patients/new"
        case .patient(let id): "/patients/\(id.uuidString.lowercased())"
        case .patientTeam(let id): "/patients/\(id.uuidString.lowercased())/team"
        case .endMembership(let patient, let member): "/patients/\(patient.uuidString.lowercased())/team/\(member.uuidString.lowercased())/end"
        case .patientConsent(let id): "/patients/\(id.uuidString.lowercased())/consent"
        case .patientNotes(let id): "/patients/\(id.uuidString.lowercased())/notes"
        case .patientAccessLog(let id): "/patients/\(id.uuidString.lowercased())/access-log"
        case .patientPortalInvitation(let id): "/patients/\(id.uuidString.lowercased())/portal-invitation"
        case .emergencyAccess: "/emergency-access"
        case .notifications: "/notifications"
        case .readNotifications: "/notifications/read"
        case .portal: "/portal"
        case .emergencyReport(let organisation): "/organisations/\(organisation.uuidString.lowercased())/emergency-access"
        case .referrals: "/referrals"
        case .newReferral: "/referrals/new"
        case .referral(let id): "/referrals/\(id.uuidString.lowercased())"
        case .referralAction(let id, let action): "/referrals/\(id.uuidString.lowercased())/\(action.rawValue)"
        case .referralLetter(let referral, let note):
            "/referrals/\(referral.uuidString.lowercased())/letter" + (note.map { "/\($0.uuidString.lowercased())" } ?? "")
        case .referralReport: "/reports/referrals"
        }
    }

    /// Route patterns for registration, with `:name` parameters.
    enum Pattern {
        static let resetPassword = "/password/reset/:token"
        static let invitation = "/invitations/:token"
        static let clinician = "/clinicians/:id"
        static let revokeToken = "/settings/tokens/:id/revoke"
        static let organisation = "/organisations/:id"
        static let organisationInvitations = "/organisations/:id/invitations"
        static let organisationSettings = "/organisations/:id/settings"
        static let memberRole = "/organisations/:id/members/:membership/role"
        static let patient = "/patients/:id"
        static let patientTeam = "/patients/:id/team"
        static let endMembership = "/patients/:id/team/:member/end"
        static let patientConsent = "/patients/:id/consent"
        static let patientNotes = "/patients/:id/notes"
        static let patientAccessLog = "/patients/:id/access-log"
        static let patientPortalInvitation = "/patients/:id/portal-invitation"
        static let emergencyReport = "/organisations/:id/emergency-access"
        static let referral = "/referrals/:id"
        static let referralAction = "/referrals/:id/:action"
        static let referralLetter = "/referrals/:id/letter"
        static let referralNoteLetter = "/referrals/:id/letter/:note"
    }
}

/// The JSON API's paths.
enum APIURL {
    static let base = "/api/v1"
    static let openAPI = "/api/v1/openapi.json"
    static let me = "/api/v1/me"
    static let myProfile = "/api/v1/me/profile"
    static let clinicians = "/api/v1/clinicians"
    static let clinician = "/api/v1/clinicians/:id"
    static let organisation = "/api/v1/organisations/:id"
    static let tokens = "/api/v1/tokens"
    static let token = "/api/v1/tokens/:id"
    static let patients = "/api/v1/patients"
    static let patient = "/api/v1/patients/:id"
    static let careTeam = "/api/v1/patients/:id/care-team"
    static let endMembership = "/api/v1/patients/:id/care-team/:member/end"
    static let consent = "/api/v1/patients/:id/consent"
    static let notes = "/api/v1/patients/:id/notes"
    static let accessLog = "/api/v1/patients/:id/access-log"
    static let emergencyAccess = "/api/v1/emergency-access"
    static let referrals = "/api/v1/referrals"
    static let referral = "/api/v1/referrals/:id"
    static let referralAction = "/api/v1/referrals/:id/actions/:action"
}

extension AppRequestContext {
    /// A UUID path parameter; anything else is "not found", as an unknown id would be.
    func uuid(_ name: String) throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else { throw AppError.notFound }
        return id
    }
}
