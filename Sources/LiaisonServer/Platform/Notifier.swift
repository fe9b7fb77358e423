import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Every kind of in-app notice Liaison sends.
enum NotificationKind: String, CaseIterable, Sendable {
    case referralNew = "referral.new"
    case referralUpdate = "referral.update"
    case referralCancelled = "referral.cancelled"
    case referralExpired = "referral.expired"
    case referralDueSoon = "referral.due-soon"
    case referralOverdue = "referral.overdue"
    case referralEscalated = "referral.escalated"
    case referralClosingOverdue = "referral.closing-overdue"
    case careTeamAdded = "care-team.added"
    case emergencyAccess = "emergency.access"
    case possibleDuplicate = "patient.possible-duplicate"
    case patientCorrected = "patient.corrected"
    case waitlistAdded = "waitlist.added"
    case waitlistOffer = "waitlist.offer"
    case waitlistAnswer = "waitlist.answer"
    case waitlistLapsed = "waitlist.lapsed"
    case letterReceived = "letter.received"
    case consultationRequested = "consultation.requested"
    case consultationUpdate = "consultation.update"
    case consultationReport = "consultation.report"
    case consultationEscalated = "consultation.escalated"
    case transferRequested = "transfer.requested"
    case transferUpdate = "transfer.update"
    case handoffRequested = "transfer.handoff-requested"
    case handoffEscalated = "transfer.handoff-escalated"
    case questionnaireRequested = "questionnaire.requested"
    case measurementFlag = "measurement.flag"
    case measurementFlagEscalated = "measurement.flag-escalated"
    case carePlanChanged = "care-plan.changed"
    case followUpDue = "follow-up.due"
    case cadenceTightened = "follow-up.tightened"
    case careEvent = "care-event.new"
    case careEventUpdate = "care-event.update"
    case careEventEscalated = "care-event.escalated"
    case feedMessageUnmatched = "feed.unmatched"
}

/// In-app notifications, written in the transaction of the change that causes them.
struct Notifier: Sendable {
    let clock: any Clock

    /// One message for one person.
    struct Notice: Sendable {
        let userID: UUID
        let patientID: UUID?
        let kind: NotificationKind
        let message: String
        let link: String
    }

    /// Tells each of `userIDs` (once each) the same thing.
    func notify(_ userIDs: [UUID], patient: UUID?, kind: NotificationKind, message: String, link: String, on db: any Database) async throws {
        var seen = Set<UUID>()
        let notices = userIDs.filter { seen.insert($0).inserted }.map { Notice(userID: $0, patientID: patient, kind: kind, message: message, link: link) }
        try await notify(notices, on: db)
    }

    /// Writes many notices with a few statements.
    func notify(_ notices: [Notice], on db: any Database) async throws {
        try await NotificationQueries.insert(
            notices.map { NewNotification(userID: $0.userID, patientID: $0.patientID, kind: $0.kind.rawValue, message: $0.message, link: $0.link) },
            at: clock.now(), on: db)
    }
}
