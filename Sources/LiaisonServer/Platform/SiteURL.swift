import Foundation
import Hummingbird
import LiaisonCore

/// One piece of a path: fixed text, or a named parameter with the value a link fills in.
enum PathSegment: ExpressibleByStringLiteral, Sendable {
    case text(String)
    case parameter(String, value: String)

    init(stringLiteral text: String) { self = .text(text) }

    /// A UUID parameter, written in lower case in links.
    static func id(_ value: UUID, _ name: String = "id") -> PathSegment { .parameter(name, value: value.uuidString.lowercased()) }

    var link: String {
        switch self {
        case .text(let text): text
        case .parameter(_, let value): value
        }
    }

    var pattern: String {
        switch self {
        case .text(let text): text
        case .parameter(let name, _): ":\(name)"
        }
    }
}

/// A path declared once: links are built from it and routes are registered from it, so a link
/// cannot point at a route that does not exist. Register with a placeholder value
/// (`.patient(.placeholder)`): only the parameter's name counts then.
protocol RoutePath: Sendable {
    var segments: [PathSegment] { get }
}

extension RoutePath {
    /// The path for a link.
    var path: String { "/" + segments.map(\.link).joined(separator: "/") }
    /// The route pattern, with `:name` parameters.
    var pattern: String { "/" + segments.map(\.pattern).joined(separator: "/") }
}

extension UUID {
    /// Stands for any id when a route is registered.
    static let placeholder = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
}

/// Every page's path.
enum SiteURL: RoutePath {
    case home
    case signIn
    case signOut
    case signInCode
    case twoFactor
    case twoFactorStep(TwoFactorStep)
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
    case adminEmail
    case adminEmailRetry(UUID)
    case stylesheet
    case patients
    case newPatient
    case patient(UUID)
    case patientTeam(UUID)
    case endMembership(patient: UUID, member: UUID)
    case patientConsent(UUID)
    case patientNotes(UUID)
    case patientAccessLog(UUID)
    case patientMatches(UUID)
    case patientWaitlist(UUID)
    case waitlist
    case waitlistStep(UUID, WaitlistStep)
    case patientPortalInvitation(UUID)
    case emergencyAccess
    case notifications
    case noticeSettings
    case readNotifications
    case openNotification(UUID)
    case portal
    case emergencyReport(organisation: UUID)
    case organisationWaitlists(UUID)
    case organisationWebhooks(UUID)
    case patientThread(UUID)
    case patientLetters(UUID)
    case newLetter(UUID)
    case patientConsultations(UUID)
    case consultations
    case consultation(UUID)
    case consultationReport(UUID)
    case consultationAction(UUID, ConsultationAction)
    case consultationCall(UUID, CallStep)
    case portalSecondOpinion
    case patientTransfers(UUID)
    case transfers
    case transfer(UUID)
    case transferHandoff(UUID)
    case transferAction(UUID, TransferAction)
    case portalTransfer
    case patientMeasures(UUID)
    case newMeasure(UUID)
    case portalQuestionnaire(UUID)
    case flagAcknowledge(UUID)
    case patientPlan(UUID)
    case patientPlanPart(UUID, String)
    case medicationStep(patient: UUID, medication: UUID, step: String)
    case followUps
    case registry
    case organisationRegistry(UUID)
    case letter(UUID)
    case messages
    case conversation(UUID)
    case organisationWebhookStep(organisation: UUID, endpoint: UUID, WebhookStep)
    case organisationWebhookRetry(organisation: UUID, call: UUID)
    case referrals
    case newReferral
    case referral(UUID)
    case referralAction(UUID, ReferralAction)
    case referralLetter(referral: UUID, note: UUID?)
    case referralReport
    case health
    case ready
    case metrics

    var segments: [PathSegment] {
        switch self {
        case .home: []
        case .signIn: ["sign-in"]
        case .signOut: ["sign-out"]
        case .signInCode: ["sign-in", "code"]
        case .twoFactor: ["account", "two-factor"]
        case .twoFactorStep(let step): ["account", "two-factor", .text(step.rawValue)]
        case .forgotPassword: ["password", "forgot"]
        case .resetPassword(let token): ["password", "reset", .parameter("token", value: token)]
        case .invitation(let token): ["invitations", .parameter("token", value: token)]
        case .profile: ["profile"]
        case .directory: ["directory"]
        case .clinician(let id): ["clinicians", .id(id)]
        case .tokens: ["settings", "tokens"]
        case .revokeToken(let id): ["settings", "tokens", .id(id), "revoke"]
        case .organisation(let id): ["organisations", .id(id)]
        case .organisationInvitations(let id): ["organisations", .id(id), "invitations"]
        case .organisationSettings(let id): ["organisations", .id(id), "settings"]
        case .memberRole(let organisation, let membership): ["organisations", .id(organisation), "members", .id(membership, "membership"), "role"]
        case .admin: ["admin"]
        case .adminOrganisations: ["admin", "organisations"]
        case .adminEmail: ["admin", "email"]
        case .adminEmailRetry(let id): ["admin", "email", .id(id), "retry"]
        case .stylesheet: ["static", "liaison.css"]
        case .patients: ["patients"]
        case .newPatient: ["patients", "new"]
        case .patient(let id): ["patients", .id(id)]
        case .patientTeam(let id): ["patients", .id(id), "team"]
        case .endMembership(let patient, let member): ["patients", .id(patient), "team", .id(member, "member"), "end"]
        case .patientConsent(let id): ["patients", .id(id), "consent"]
        case .patientNotes(let id): ["patients", .id(id), "notes"]
        case .patientAccessLog(let id): ["patients", .id(id), "access-log"]
        case .patientMatches(let id): ["patients", .id(id), "matches"]
        case .patientWaitlist(let id): ["patients", .id(id), "waitlist"]
        case .waitlist: ["waitlist"]
        case .waitlistStep(let id, let step): ["waitlist", .id(id), .parameter("step", value: step.rawValue)]
        case .patientPortalInvitation(let id): ["patients", .id(id), "portal-invitation"]
        case .emergencyAccess: ["emergency-access"]
        case .notifications: ["notifications"]
        case .noticeSettings: ["notifications", "settings"]
        case .readNotifications: ["notifications", "read"]
        case .openNotification(let id): ["notifications", .id(id)]
        case .portal: ["portal"]
        case .emergencyReport(let organisation): ["organisations", .id(organisation), "emergency-access"]
        case .organisationWaitlists(let id): ["organisations", .id(id), "waitlists"]
        case .organisationWebhooks(let id): ["organisations", .id(id), "webhooks"]
        case .patientThread(let id): ["patients", .id(id), "thread"]
        case .patientLetters(let id): ["patients", .id(id), "letters"]
        case .newLetter(let id): ["patients", .id(id), "letters", "new"]
        case .patientConsultations(let id): ["patients", .id(id), "second-opinions"]
        case .consultations: ["second-opinions"]
        case .consultation(let id): ["second-opinions", .id(id)]
        case .consultationReport(let id): ["second-opinions", .id(id), "report"]
        case .consultationAction(let id, let action): ["second-opinions", .id(id), .parameter("action", value: action.rawValue)]
        case .consultationCall(let id, let step): ["second-opinions", .id(id), "call", .parameter("step", value: step.rawValue)]
        case .portalSecondOpinion: ["portal", "second-opinion"]
        case .patientTransfers(let id): ["patients", .id(id), "transfers"]
        case .transfers: ["transfers"]
        case .transfer(let id): ["transfers", .id(id)]
        case .transferHandoff(let id): ["transfers", .id(id), "handoff"]
        case .transferAction(let id, let action): ["transfers", .id(id), .parameter("action", value: action.rawValue)]
        case .portalTransfer: ["portal", "change-clinician"]
        case .patientMeasures(let id): ["patients", .id(id), "measures"]
        case .newMeasure(let id): ["patients", .id(id), "measures", "new"]
        case .portalQuestionnaire(let id): ["portal", "questionnaires", .id(id)]
        case .flagAcknowledge(let id): ["alerts", .id(id), "acknowledge"]
        case .patientPlan(let id): ["patients", .id(id), "plan"]
        case .patientPlanPart(let id, let part): ["patients", .id(id), "plan", .parameter("part", value: part)]
        case .medicationStep(let patient, let medication, let step): ["patients", .id(patient), "medications", .id(medication, "medication"), .parameter("step", value: step)]
        case .followUps: ["follow-ups"]
        case .registry: ["registry"]
        case .organisationRegistry(let id): ["organisations", .id(id), "registry"]
        case .letter(let id): ["letters", .id(id)]
        case .messages: ["messages"]
        case .conversation(let id): ["messages", .id(id)]
        case .organisationWebhookStep(let organisation, let endpoint, let step):
            ["organisations", .id(organisation), "webhooks", .id(endpoint, "endpoint"), .parameter("step", value: step.rawValue)]
        case .organisationWebhookRetry(let organisation, let call): ["organisations", .id(organisation), "webhook-calls", .id(call, "call"), "retry"]
        case .referrals: ["referrals"]
        case .newReferral: ["referrals", "new"]
        case .referral(let id): ["referrals", .id(id)]
        case .referralAction(let id, let action): ["referrals", .id(id), .parameter("action", value: action.rawValue)]
        case .referralLetter(let referral, let note): ["referrals", .id(referral), "letter"] + (note.map { [.id($0, "note")] } ?? [])
        case .referralReport: ["reports", "referrals"]
        case .health: ["health"]
        case .ready: ["ready"]
        case .metrics: ["metrics"]
        }
    }
}

/// The steps of setting up and managing two-factor sign-in, the same on pages and in the API.
enum TwoFactorStep: String, CaseIterable, Sendable {
    case setup
    case confirm
    case recoveryCodes = "recovery-codes"
    case turnOff = "turn-off"
}

/// What the patient's team (or the clinician, or an administrator) does with a waiting-list entry.
enum WaitlistStep: String, CaseIterable, Sendable {
    case accept
    case decline
    case rejoin
    case remove
}

/// What an administrator does with a webhook endpoint, the same on pages and in the API.
enum WebhookStep: String, CaseIterable, Sendable {
    case test
    case remove
}

/// The JSON API's paths, under `/api/v1`.
enum APIURL: RoutePath {
    case openAPI
    case me
    case myProfile
    case twoFactor
    case twoFactorStep(TwoFactorStep)
    case noticePreferences
    case clinicians
    case clinician(UUID)
    case organisation(UUID)
    case tokens
    case token(UUID)
    case patients
    case patient(UUID)
    case careTeam(UUID)
    case endMembership(patient: UUID, member: UUID)
    case consent(UUID)
    case notes(UUID)
    case accessLog(UUID)
    case matches(UUID)
    case patientWaitlist(UUID)
    case waitlist
    case waitlistStep(UUID, WaitlistStep)
    case emergencyAccess
    case referrals
    case referral(UUID)
    case referralAction(UUID, ReferralAction)
    case outbox
    case outboxRetry(UUID)
    case patientThread(UUID)
    case patientLetters(UUID)
    case letter(UUID)
    case patientConsultations(UUID)
    case consultations
    case consultation(UUID)
    case consultationAction(UUID, ConsultationAction)
    case consultationCall(UUID, CallStep)
    case patientTransfers(UUID)
    case transfers
    case transfer(UUID)
    case transferAction(UUID, TransferAction)
    case patientMeasures(UUID)
    case patientQuestionnaireRequests(UUID)
    case patientResponses(UUID)
    case myQuestionnaires
    case questionnaireResponse(UUID)
    case alerts
    case alertAcknowledge(UUID)
    case patientPlan(UUID)
    case patientMedications(UUID)
    case medicationStep(patient: UUID, medication: UUID, step: String)
    case patientCadence(UUID, String)
    case patientVisits(UUID)
    case followUps
    case registry
    case organisationRegistry(UUID)
    case conversations
    case conversation(UUID)
    case conversationMessages(UUID)
    case webhooks(UUID)
    case webhook(organisation: UUID, endpoint: UUID)
    case webhookTest(organisation: UUID, endpoint: UUID)
    case webhookRetry(organisation: UUID, call: UUID)

    static let base = "/api/v1"

    var segments: [PathSegment] {
        let rest: [PathSegment] = switch self {
        case .openAPI: ["openapi.json"]
        case .me: ["me"]
        case .myProfile: ["me", "profile"]
        case .twoFactor: ["me", "two-factor"]
        case .twoFactorStep(let step): ["me", "two-factor", .text(step.rawValue)]
        case .noticePreferences: ["me", "notice-preferences"]
        case .clinicians: ["clinicians"]
        case .clinician(let id): ["clinicians", .id(id)]
        case .organisation(let id): ["organisations", .id(id)]
        case .tokens: ["tokens"]
        case .token(let id): ["tokens", .id(id)]
        case .patients: ["patients"]
        case .patient(let id): ["patients", .id(id)]
        case .careTeam(let id): ["patients", .id(id), "care-team"]
        case .endMembership(let patient, let member): ["patients", .id(patient), "care-team", .id(member, "member"), "end"]
        case .consent(let id): ["patients", .id(id), "consent"]
        case .notes(let id): ["patients", .id(id), "notes"]
        case .accessLog(let id): ["patients", .id(id), "access-log"]
        case .matches(let id): ["patients", .id(id), "matches"]
        case .patientWaitlist(let id): ["patients", .id(id), "waitlist"]
        case .waitlist: ["waitlist"]
        case .waitlistStep(let id, let step): ["waitlist", .id(id), .parameter("step", value: step.rawValue)]
        case .emergencyAccess: ["emergency-access"]
        case .referrals: ["referrals"]
        case .referral(let id): ["referrals", .id(id)]
        case .referralAction(let id, let action): ["referrals", .id(id), "actions", .parameter("action", value: action.rawValue)]
        case .outbox: ["admin", "outbox"]
        case .outboxRetry(let id): ["admin", "outbox", .id(id), "retry"]
        case .patientThread(let id): ["patients", .id(id), "thread"]
        case .patientLetters(let id): ["patients", .id(id), "letters"]
        case .letter(let id): ["letters", .id(id)]
        case .patientConsultations(let id): ["patients", .id(id), "second-opinions"]
        case .consultations: ["second-opinions"]
        case .consultation(let id): ["second-opinions", .id(id)]
        case .consultationAction(let id, let action): ["second-opinions", .id(id), "actions", .parameter("action", value: action.rawValue)]
        case .consultationCall(let id, let step): ["second-opinions", .id(id), "call", .parameter("step", value: step.rawValue)]
        case .patientTransfers(let id): ["patients", .id(id), "transfers"]
        case .transfers: ["transfers"]
        case .transfer(let id): ["transfers", .id(id)]
        case .transferAction(let id, let action): ["transfers", .id(id), "actions", .parameter("action", value: action.rawValue)]
        case .patientMeasures(let id): ["patients", .id(id), "measures"]
        case .patientQuestionnaireRequests(let id): ["patients", .id(id), "questionnaire-requests"]
        case .patientResponses(let id): ["patients", .id(id), "questionnaire-responses"]
        case .myQuestionnaires: ["me", "questionnaires"]
        case .questionnaireResponse(let id): ["questionnaires", .id(id), "response"]
        case .alerts: ["alerts"]
        case .alertAcknowledge(let id): ["alerts", .id(id), "acknowledge"]
        case .patientPlan(let id): ["patients", .id(id), "plan"]
        case .patientMedications(let id): ["patients", .id(id), "medications"]
        case .medicationStep(let patient, let medication, let step): ["patients", .id(patient), "medications", .id(medication, "medication"), .parameter("step", value: step)]
        case .patientCadence(let id, let role): ["patients", .id(id), "cadences", .parameter("role", value: role)]
        case .patientVisits(let id): ["patients", .id(id), "visits"]
        case .followUps: ["follow-ups"]
        case .registry: ["registry"]
        case .organisationRegistry(let id): ["organisations", .id(id), "registry"]
        case .conversations: ["conversations"]
        case .conversation(let id): ["conversations", .id(id)]
        case .conversationMessages(let id): ["conversations", .id(id), "messages"]
        case .webhooks(let id): ["organisations", .id(id), "webhooks"]
        case .webhook(let organisation, let endpoint): ["organisations", .id(organisation), "webhooks", .id(endpoint, "endpoint")]
        case .webhookTest(let organisation, let endpoint): ["organisations", .id(organisation), "webhooks", .id(endpoint, "endpoint"), "test"]
        case .webhookRetry(let organisation, let call): ["organisations", .id(organisation), "webhook-calls", .id(call, "call"), "retry"]
        }
        return ["api", "v1"] + rest
    }
}

extension RequestContext {
    /// A UUID path parameter; anything else is "not found", as an unknown id would be.
    func uuid(_ name: String) throws -> UUID {
        guard let text = parameters.get(name), let id = UUID(uuidString: text) else { throw AppError.notFound }
        return id
    }
}

extension RouterMethods {
    @discardableResult
    func get(_ url: some RoutePath, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator) -> Self {
        get(RouterPath(url.pattern), use: handler)
    }

    @discardableResult
    func post(_ url: some RoutePath, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator) -> Self {
        post(RouterPath(url.pattern), use: handler)
    }

    @discardableResult
    func put(_ url: some RoutePath, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator) -> Self {
        put(RouterPath(url.pattern), use: handler)
    }

    @discardableResult
    func delete(_ url: some RoutePath, use handler: @Sendable @escaping (Request, Context) async throws -> some ResponseGenerator) -> Self {
        delete(RouterPath(url.pattern), use: handler)
    }
}
