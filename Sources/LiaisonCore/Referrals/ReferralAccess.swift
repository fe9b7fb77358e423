import Foundation

/// Who may see or act on a referral, and from which side. Like `PatientAccessPolicy`, the only
/// place this is decided; everyone else gets "not found".
///
/// - The referrer, always: it is their letter.
/// - The recipient (the named clinician, or any member of the receiving organisation's intake)
///   only once it is sent, and only while the loop gives them a reason: while it awaits their
///   answer, or, after it was accepted, while they are on the patient's care team. A declined,
///   cancelled or expired referral, or a recipient who has left the team, shows nothing more.
public enum ReferralAccess {
    /// What the rule needs to know of the referral.
    public struct Loop: Sendable {
        public let referrerID: UUID
        public let recipientID: UUID?
        public let recipientOrganisationID: UUID?
        public let state: ReferralState

        public init(referrerID: UUID, recipientID: UUID?, recipientOrganisationID: UUID?, state: ReferralState) {
            self.referrerID = referrerID
            self.recipientID = recipientID
            self.recipientOrganisationID = recipientOrganisationID
            self.state = state
        }
    }

    /// The caller's side, or nil when they may not know the referral exists.
    /// - Parameter onCareTeam: whether the caller is on the patient's care team now.
    public static func side(of userID: UUID, organisations: Set<UUID>, in loop: Loop, onCareTeam: Bool) -> ReferralSide? {
        if loop.referrerID == userID { return .referrer }
        let addressed = loop.recipientID.map { $0 == userID } ?? loop.recipientOrganisationID.map(organisations.contains) ?? false
        guard addressed else { return nil }
        switch loop.state {
        case .draft, .declined, .cancelled, .expired: return nil
        case .sent, .received: return .recipient
        case .accepted, .scheduled, .inCare, .closed: return onCareTeam ? .recipient : nil
        }
    }
}
