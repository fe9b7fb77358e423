import FluentKit
import Foundation
import LiaisonCore

/// A closed-loop referral: from a clinician on the patient's team to a clinician or an
/// organisation's intake, until a closing note comes back (or it is declined, cancelled, expired).
public final class Referral: Model, @unchecked Sendable {
    public static let schema = "referrals"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    @Parent(key: "referrer_id") public var referrer: UserAccount
    /// The clinician who owns the answer; for an organisation's intake, set when someone accepts.
    @OptionalParent(key: "recipient_id") public var recipient: UserAccount?
    /// The organisation whose calendar and targets apply (the recipient's, or its intake).
    @OptionalParent(key: "recipient_organisation_id") public var recipientOrganisation: Organisation?
    @Field(key: "urgency") public var urgency: String
    @Field(key: "state") public var state: String
    /// The referral letter (reason, questions, hopes, history) as a JSON-encoded `Letter`.
    @Field(key: "letter") public var letter: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date
    @OptionalField(key: "sent_at") public var sentAt: Date?
    @OptionalField(key: "received_at") public var receivedAt: Date?
    @OptionalField(key: "acknowledgement_due_at") public var acknowledgementDueAt: Date?
    @OptionalField(key: "acknowledged_at") public var acknowledgedAt: Date?
    @OptionalField(key: "escalate_at") public var escalateAt: Date?
    @OptionalField(key: "expires_at") public var expiresAt: Date?
    @OptionalField(key: "first_appointment_at") public var firstAppointmentAt: Date?
    @OptionalField(key: "in_care_at") public var inCareAt: Date?
    @OptionalField(key: "discharged_at") public var dischargedAt: Date?
    @OptionalField(key: "closing_due_at") public var closingDueAt: Date?
    @OptionalField(key: "closed_at") public var closedAt: Date?
    @OptionalField(key: "ended_reason") public var endedReason: String?
    @OptionalField(key: "redirected_from_id") public var redirectedFromID: UUID?

    public init() {}

    public init(patientID: UUID, referrerID: UUID, recipientID: UUID?, recipientOrganisationID: UUID?, urgency: Urgency, letter: String, createdAt: Date) {
        self.$patient.id = patientID
        self.$referrer.id = referrerID
        self.$recipient.id = recipientID
        self.$recipientOrganisation.id = recipientOrganisationID
        self.urgency = urgency.rawValue
        self.state = ReferralState.draft.rawValue
        self.letter = letter
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    public var referralState: ReferralState { ReferralState(rawValue: state) ?? .draft }
    public var referralUrgency: Urgency { Urgency(rawValue: urgency) ?? .routine }
}

/// A structured note on a referral (acknowledgement, progress update, closing summary).
public final class ReferralNoteRecord: Model, @unchecked Sendable {
    public static let schema = "referral_notes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "referral_id") public var referral: Referral
    @Parent(key: "author_id") public var author: UserAccount
    @Field(key: "kind") public var kind: String
    /// JSON-encoded `Letter`.
    @Field(key: "content") public var content: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(referralID: UUID, authorID: UUID, kind: LetterKind, content: String, createdAt: Date) {
        self.$referral.id = referralID
        self.$author.id = authorID
        self.kind = kind.rawValue
        self.content = content
        self.createdAt = createdAt
    }
}

/// A reminder or escalation already sent for a referral. The unique (referral, kind) pair makes
/// the sweep idempotent: a restart or a second server cannot send the same reminder twice.
public final class ReferralReminder: Model, @unchecked Sendable {
    public static let schema = "referral_reminders"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "referral_id") public var referral: Referral
    @Field(key: "kind") public var kind: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(referralID: UUID, kind: String, createdAt: Date) {
        self.$referral.id = referralID
        self.kind = kind
        self.createdAt = createdAt
    }
}
