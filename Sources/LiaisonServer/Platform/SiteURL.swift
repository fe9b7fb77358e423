import Foundation
import LiaisonCore

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
    case organisationHolidays(UUID)
    case organisationHolidaysImport(UUID)
    case organisationHoliday(UUID, day: String)
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
    /// Correcting the patient's demographics, with the history of corrections.
    case patientDetails(UUID)
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
    case careEvents
    case patientCareEvents(UUID)
    case careEventStep(UUID, CareEventStep)
    case organisationFeeds(UUID)
    case feedStep(organisation: UUID, feed: UUID, FeedStep)
    case feedMessageStep(organisation: UUID, message: UUID, FeedMessageStep)
    case registry
    case organisationRegistry(UUID)
    case letter(UUID)
    case messages
    case conversation(UUID)
    case letterRelease(UUID)
    case portalLetter(UUID)
    case organisationWebhookStep(organisation: UUID, endpoint: UUID, WebhookStep)
    case organisationWebhookRetry(organisation: UUID, call: UUID)
    case referrals
    case newReferral
    case referral(UUID)
    case referralAction(UUID, ReferralAction)
    case referralLetter(referral: UUID, note: UUID?)
    case referralReport
    /// An administrator asks the recipients of an overdue referral to answer it.
    case referralChase(UUID)
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
        case .organisationHolidays(let id): ["organisations", .id(id), "holidays"]
        case .organisationHolidaysImport(let id): ["organisations", .id(id), "holidays", "import"]
        case .organisationHoliday(let id, let day): ["organisations", .id(id), "holidays", .parameter("day", value: day), "remove"]
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
        case .patientDetails(let id): ["patients", .id(id), "details"]
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
        case .careEvents: ["care-events"]
        case .patientCareEvents(let id): ["patients", .id(id), "care-events"]
        case .careEventStep(let id, let step): ["care-events", .id(id), .parameter("step", value: step.rawValue)]
        case .organisationFeeds(let id): ["organisations", .id(id), "feeds"]
        case .feedStep(let organisation, let feed, let step): ["organisations", .id(organisation), "feeds", .id(feed, "feed"), .parameter("step", value: step.rawValue)]
        case .feedMessageStep(let organisation, let message, let step):
            ["organisations", .id(organisation), "feed-messages", .id(message, "message"), .parameter("step", value: step.rawValue)]
        case .registry: ["registry"]
        case .organisationRegistry(let id): ["organisations", .id(id), "registry"]
        case .letter(let id): ["letters", .id(id)]
        case .messages: ["messages"]
        case .conversation(let id): ["messages", .id(id)]
        case .letterRelease(let id): ["letters", .id(id), "share-with-patient"]
        case .portalLetter(let id): ["portal", "letters", .id(id)]
        case .organisationWebhookStep(let organisation, let endpoint, let step):
            ["organisations", .id(organisation), "webhooks", .id(endpoint, "endpoint"), .parameter("step", value: step.rawValue)]
        case .organisationWebhookRetry(let organisation, let call): ["organisations", .id(organisation), "webhook-calls", .id(call, "call"), "retry"]
        case .referrals: ["referrals"]
        case .newReferral: ["referrals", "new"]
        case .referral(let id): ["referrals", .id(id)]
        case .referralAction(let id, let action): ["referrals", .id(id), .parameter("action", value: action.rawValue)]
        case .referralLetter(let referral, let note): ["referrals", .id(referral), "letter"] + (note.map { [.id($0, "note")] } ?? [])
        case .referralReport: ["reports", "referrals"]
        case .referralChase(let id): ["reports", "referrals", .id(id), "chase"]
        case .health: ["health"]
        case .ready: ["ready"]
        case .metrics: ["metrics"]
        }
    }
}
