import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// What the team timeline records, besides notes and referrals.
enum TimelineEventKind: String, Sendable {
    case registered
    case corrected
    case teamJoined = "team.joined"
    case teamLeft = "team.left"
    case consentUpdated = "consent.updated"
    case portalInvited = "portal.invited"
    case emergencyAccess = "emergency.access"
    case letterSent = "letter.sent"
    case consultation
    case transfer
    case measurement
    case carePlan = "care-plan"
    case medication
    case visit
    case careEvent = "care-event"
}

/// Writes the patient's team timeline, in the transaction of the change it describes.
struct Timeline: Sendable {
    let clock: any Clock

    func record(_ kind: TimelineEventKind, _ summary: String, patient patientID: UUID, by caller: Caller?, on db: any Database) async throws {
        try await PatientEvent(patientID: patientID, actorID: caller?.userID, kind: kind.rawValue, summary: summary, createdAt: clock.now()).create(on: db)
    }
}
