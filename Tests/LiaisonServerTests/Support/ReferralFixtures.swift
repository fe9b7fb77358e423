import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
@testable import LiaisonServer

extension TestWorld {
    var referralService: ReferralService { services.referrals }

    var sweep: ReferralSweep { services.sweep }

    static let letter = ["reason": "Panic attacks twice weekly despite sertraline.", "questions": "Is CBT for panic suitable?", "hopes": "Fewer attacks; back to work."]

    /// Sends a referral from `referrer` (on the patient's team) to `recipient`.
    func referral(_ patient: Patient, from referrer: UserAccount, to recipient: UserAccount, urgency: Urgency = .routine) async throws -> Referral {
        try await referralService.create(
            .init(patientID: patient.id, recipientID: recipient.id, recipientOrganisationID: nil, urgency: urgency.rawValue, letter: Self.letter, sendNow: true),
            by: caller(referrer))
    }

    func notifications(for user: UserAccount) async throws -> [String] {
        try await Notification.query(on: database.db()).filter(\.$user.$id == user.requireID()).sort(\.$createdAt).all().map(\.message)
    }
}
