/// Every kind of step the audit trail records, and the plain words a patient's access log shows
/// for it ("Dr Rivera viewed the record"). The raw value is what is stored and hashed.
public enum AuditAction: String, CaseIterable, Sendable {
    case patientCreate = "patient.create"
    case patientCorrect = "patient.correct"
    case patientRead = "patient.read"
    case patientsList = "patients.list"
    case careTeamAdd = "care-team.add"
    case careTeamEnd = "care-team.end"
    case consentUpdate = "consent.update"
    case consentRead = "consent.read"
    case noteCreate = "note.create"
    case emergencySearch = "emergency.search"
    case emergencyGrant = "emergency.grant"
    case accessLogRead = "access-log.read"
    case accessRefused = "access.refused"
    case portalInvite = "portal.invite"
    case portalRead = "portal.read"
    case referralCreate = "referral.create"
    case referralRead = "referral.read"
    case referralSend = "referral.send"
    case referralReceive = "referral.receive"
    case referralAccept = "referral.accept"
    case referralDecline = "referral.decline"
    case referralSchedule = "referral.schedule"
    case referralStartCare = "referral.start-care"
    case referralProgress = "referral.progress"
    case referralDischarge = "referral.discharge"
    case referralClose = "referral.close"
    case referralCancel = "referral.cancel"
    case referralExpire = "referral.expire"
    case referralChase = "referral.chase"
    case worklistOwed = "worklist.owed"
    case worklistWaiting = "worklist.waiting"
    case worklistOrganisationOverdue = "worklist.organisation-overdue"
    case twoFactorEnable = "two-factor.enable"
    case twoFactorDisable = "two-factor.disable"
    case twoFactorReset = "two-factor.reset"
    case recoveryCodesRenew = "two-factor.recovery-codes"
    case recoveryCodeUse = "two-factor.recovery-code-used"
    case emailRetry = "email.retry"
    case matchSearch = "match.search"
    case waitlistAdd = "waitlist.add"
    case waitlistRead = "waitlist.read"
    case waitlistOffer = "waitlist.offer"
    case waitlistAccept = "waitlist.accept"
    case waitlistDecline = "waitlist.decline"
    case waitlistLapse = "waitlist.lapse"
    case waitlistRejoin = "waitlist.rejoin"
    case waitlistRemove = "waitlist.remove"
    case webhookAdd = "webhook.add"
    case webhookRemove = "webhook.remove"
    case webhookTest = "webhook.test"
    case webhookRetry = "webhook.retry"
    case messageCreate = "message.create"
    case threadRead = "thread.read"
    case conversationRead = "conversation.read"
    case letterSend = "letter.send"
    case letterRead = "letter.read"
    case letterRelease = "letter.release"
    case consultationRequest = "consultation.request"
    case consultationRead = "consultation.read"
    case consultationAccept = "consultation.accept"
    case consultationDecline = "consultation.decline"
    case consultationSchedule = "consultation.schedule"
    case consultationDraft = "consultation.save-draft"
    case consultationRelease = "consultation.release"
    case consultationClose = "consultation.close"
    case consultationCancel = "consultation.cancel"
    case consultationExpire = "consultation.expire"
    case consultationCall = "consultation.call"
    case transferRequest = "transfer.request"
    case transferRead = "transfer.read"
    case transferAccept = "transfer.accept"
    case transferDecline = "transfer.decline"
    case transferHandoff = "transfer.write-handoff"
    case transferFirstVisit = "transfer.record-first-visit"
    case transferCancel = "transfer.cancel"
    case transferExpire = "transfer.expire"
    case questionnaireRequest = "questionnaire.request"
    case questionnaireRespond = "questionnaire.respond"
    case measuresRead = "measures.read"
    case flagRaise = "flag.raise"
    case flagAcknowledge = "flag.acknowledge"
    case flagEscalate = "flag.escalate"
    case carePlanRead = "care-plan.read"
    case carePlanUpdate = "care-plan.update"
    case medicationAdd = "medication.add"
    case medicationChange = "medication.change"
    case medicationStop = "medication.stop"
    case cadenceSet = "cadence.set"
    case visitRecord = "visit.record"
    case registryRead = "registry.read"
    case careEventRecord = "care-event.record"
    case careEventsRead = "care-events.read"
    case careEventAcknowledge = "care-event.acknowledge"
    case careEventCancel = "care-event.cancel"
    case careEventEscalate = "care-event.escalate"
    case careEventFollowUpDone = "care-event.follow-up-done"
    case careEventUpdate = "care-event.update"
    case feedRegister = "feed.register"
    case feedDisable = "feed.disable"
    case feedMessagesRead = "feed-messages.read"
    case feedMessageResolve = "feed-message.resolve"
    case feedMessageDismiss = "feed-message.dismiss"

    /// What the person did, as the patient reads it after their name.
    public var words: String {
        switch self {
        case .patientCreate: "registered the record"
        case .patientCorrect: "corrected your details"
        case .patientRead: "viewed the record"
        case .patientsList: "listed their patients"
        case .careTeamAdd: "added a care-team member"
        case .careTeamEnd: "ended a care-team membership"
        case .consentUpdate: "recorded consent choices"
        case .consentRead: "viewed consent choices"
        case .noteCreate: "wrote a note"
        case .emergencySearch: "searched for the record with emergency access"
        case .emergencyGrant: "opened the record with emergency access"
        case .accessLogRead: "viewed this access log"
        case .accessRefused: "tried to open the record and was refused"
        case .portalInvite: "invited the patient to the portal"
        case .portalRead: "viewed the portal"
        case .referralCreate: "wrote a referral"
        case .referralRead: "viewed a referral"
        case .referralSend: "sent a referral"
        case .referralReceive: "received a referral"
        case .referralAccept: "accepted a referral"
        case .referralDecline: "declined a referral"
        case .referralSchedule: "recorded the first appointment of a referral"
        case .referralStartCare: "recorded the first visit of a referral"
        case .referralProgress: "sent a progress update on a referral"
        case .referralDischarge: "recorded discharge from a referral"
        case .referralClose: "closed a referral with a closing note"
        case .referralCancel: "cancelled a referral"
        case .referralExpire: "marked a referral expired"
        case .referralChase: "asked for an overdue referral to be answered"
        case .worklistOwed: "viewed their referral worklist"
        case .worklistWaiting: "viewed the referrals they are waiting on"
        case .worklistOrganisationOverdue: "viewed their organisation's overdue referrals"
        case .twoFactorEnable: "turned on two-factor sign-in"
        case .twoFactorDisable: "turned off two-factor sign-in"
        case .twoFactorReset: "had two-factor sign-in reset by an operator"
        case .recoveryCodesRenew: "made new recovery codes"
        case .recoveryCodeUse: "signed in with a recovery code"
        case .emailRetry: "queued an undelivered email again"
        case .matchSearch: "looked for a clinician who could see the patient"
        case .waitlistAdd: "put the patient on a waiting list"
        case .waitlistRead: "viewed a waiting list"
        case .waitlistOffer: "offered the patient an opening from a waiting list"
        case .waitlistAccept: "accepted an opening from a waiting list"
        case .waitlistDecline: "declined an opening from a waiting list"
        case .waitlistLapse: "marked an unanswered waiting-list offer lapsed"
        case .waitlistRejoin: "put the patient back on a waiting list"
        case .waitlistRemove: "took the patient off a waiting list"
        case .webhookAdd: "registered a webhook endpoint"
        case .webhookRemove: "removed a webhook endpoint"
        case .webhookTest: "sent a test event to a webhook endpoint"
        case .webhookRetry: "queued an undelivered webhook call again"
        case .messageCreate: "wrote a message to colleagues about the patient"
        case .threadRead: "read the care team's conversation"
        case .conversationRead: "read a conversation between colleagues about the patient"
        case .letterSend: "sent a letter to a colleague about the patient"
        case .letterRead: "read a letter about the patient"
        case .letterRelease: "shared a letter with you in your portal"
        case .consultationRequest: "asked for a second opinion"
        case .consultationRead: "viewed a second-opinion consultation"
        case .consultationAccept: "accepted a second-opinion consultation"
        case .consultationDecline: "declined a second-opinion consultation"
        case .consultationSchedule: "recorded the second-opinion appointment"
        case .consultationDraft: "worked on a second-opinion report"
        case .consultationRelease: "released a second-opinion report"
        case .consultationClose: "closed a second-opinion consultation"
        case .consultationCancel: "cancelled a second-opinion request"
        case .consultationExpire: "marked an unanswered second-opinion request expired"
        case .consultationCall: "arranged a call about a second-opinion report"
        case .transferRequest: "asked for a change of clinician"
        case .transferRead: "viewed a change of clinician"
        case .transferAccept: "accepted taking over the patient's care"
        case .transferDecline: "declined taking over the patient's care"
        case .transferHandoff: "wrote a handoff summary for the next clinician"
        case .transferFirstVisit: "recorded the first visit, and took over the patient's care"
        case .transferCancel: "cancelled a change of clinician"
        case .transferExpire: "marked an unanswered change of clinician expired"
        case .questionnaireRequest: "asked the patient to complete a questionnaire"
        case .questionnaireRespond: "recorded a completed questionnaire"
        case .measuresRead: "viewed questionnaire scores"
        case .flagRaise: "raised an alert from a questionnaire"
        case .flagAcknowledge: "acknowledged an alert from a questionnaire"
        case .flagEscalate: "escalated an unacknowledged alert"
        case .carePlanRead: "viewed the treatment plan and medications"
        case .carePlanUpdate: "updated the treatment plan"
        case .medicationAdd: "added a medication"
        case .medicationChange: "changed a medication"
        case .medicationStop: "stopped a medication"
        case .cadenceSet: "set how often follow-up visits are due"
        case .visitRecord: "recorded a visit"
        case .registryRead: "viewed the measurement-based-care registry"
        case .careEventRecord: "told your care team of an event in your care (such as a hospital visit)"
        case .careEventsRead: "viewed the events in your care"
        case .careEventAcknowledge: "acknowledged an event in your care"
        case .careEventCancel: "cancelled an event recorded by mistake"
        case .careEventEscalate: "reminded your care team of an event nobody had acknowledged"
        case .careEventFollowUpDone: "recorded the visit after your hospital stay"
        case .careEventUpdate: "updated an event in your care with the hospital's details"
        case .feedRegister: "registered a hospital feed"
        case .feedDisable: "turned off a hospital feed"
        case .feedMessagesRead: "viewed a hospital feed's messages"
        case .feedMessageResolve: "matched a hospital message to your record"
        case .feedMessageDismiss: "set aside a hospital message that matched no record"
        }
    }

    /// The entry a referral step writes.
    public static func referral(_ action: ReferralAction) -> AuditAction {
        switch action {
        case .send: .referralSend
        case .receive: .referralReceive
        case .accept: .referralAccept
        case .decline: .referralDecline
        case .schedule: .referralSchedule
        case .startCare: .referralStartCare
        case .progress: .referralProgress
        case .discharge: .referralDischarge
        case .close: .referralClose
        case .cancel: .referralCancel
        case .expire: .referralExpire
        }
    }

    /// The entry a consultation step writes.
    public static func consultation(_ action: ConsultationAction) -> AuditAction {
        switch action {
        case .accept: .consultationAccept
        case .decline: .consultationDecline
        case .schedule: .consultationSchedule
        case .draft: .consultationDraft
        case .release: .consultationRelease
        case .close: .consultationClose
        case .cancel: .consultationCancel
        case .expire: .consultationExpire
        }
    }

    /// The entry a transfer step writes.
    public static func transfer(_ action: TransferAction) -> AuditAction {
        switch action {
        case .accept: .transferAccept
        case .decline: .transferDecline
        case .handoff: .transferHandoff
        case .firstVisit: .transferFirstVisit
        case .cancel: .transferCancel
        case .expire: .transferExpire
        }
    }

    /// Words for a stored action, including ones written by older versions.
    public static func words(for stored: String) -> String {
        AuditAction(rawValue: stored)?.words ?? "worked on the record"
    }

    /// One line of a patient's access log as a sentence they can read without knowing Liaison:
    /// "Dr. Sato viewed the record as part of your care."
    /// - Parameters:
    ///   - who: the person's name; nil for the patient themself ("You"), or "Liaison" for the system.
    ///   - purpose: as stored with the entry ("treatment", "emergency: <reason>", …).
    public static func sentence(who: String?, action stored: String, purpose: String) -> String {
        let why: String
        switch purpose {
        case "treatment": why = " as part of your care"
        case "patient access", "account", "operations", "": why = ""
        case "administration": why = " to run the service"
        case "service-level target": why = " because a deadline for an answer had passed"
        case "hospital feed": why = " when a hospital reported a visit"
        case "alert not acknowledged in time", "care event not acknowledged in time": why = " because nobody had answered in time"
        case "refused": why = ", and was refused: they are not on your care team"
        case "waitlist": why = " for a waiting list"
        default:
            if purpose.hasPrefix("emergency") {
                let reason = purpose.dropFirst("emergency".count).drop { $0 == ":" || $0 == " " }
                why = " in an emergency, with emergency access" + (reason.isEmpty ? "" : " (the reason they gave: \(reason))")
            } else if purpose.hasPrefix("waitlist: ") {
                why = " for a waiting list (\(purpose.dropFirst("waitlist: ".count)))"
            } else {
                why = " (\(purpose))"
            }
        }
        return "\(who ?? "You") \(words(for: stored))\(why)."
    }
}
