import Foundation
import LiaisonCore

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
    case organisationHolidays(UUID)
    case organisationHoliday(UUID, day: String)
    case tokens
    case token(UUID)
    case patients
    case patient(UUID)
    case careTeam(UUID)
    case corrections(UUID)
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
    case letterRelease(UUID)
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
    case careEvents
    case patientCareEvents(UUID)
    case careEventStep(UUID, CareEventStep)
    case feeds(UUID)
    case feedStep(organisation: UUID, feed: UUID, FeedStep)
    case feedMessages(UUID)
    case feedMessageStep(organisation: UUID, message: UUID, FeedMessageStep)
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
        case .organisationHolidays(let id): ["organisations", .id(id), "holidays"]
        case .organisationHoliday(let id, let day): ["organisations", .id(id), "holidays", .parameter("day", value: day)]
        case .tokens: ["tokens"]
        case .token(let id): ["tokens", .id(id)]
        case .patients: ["patients"]
        case .patient(let id): ["patients", .id(id)]
        case .careTeam(let id): ["patients", .id(id), "care-team"]
        case .corrections(let id): ["patients", .id(id), "corrections"]
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
        case .letterRelease(let id): ["letters", .id(id), "share-with-patient"]
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
        case .careEvents: ["care-events"]
        case .patientCareEvents(let id): ["patients", .id(id), "care-events"]
        case .careEventStep(let id, let step): ["care-events", .id(id), .parameter("step", value: step.rawValue)]
        case .feeds(let id): ["organisations", .id(id), "feeds"]
        case .feedStep(let organisation, let feed, let step): ["organisations", .id(organisation), "feeds", .id(feed, "feed"), .parameter("step", value: step.rawValue)]
        case .feedMessages(let id): ["organisations", .id(id), "feed-messages"]
        case .feedMessageStep(let organisation, let message, let step):
            ["organisations", .id(organisation), "feed-messages", .id(message, "message"), .parameter("step", value: step.rawValue)]
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
