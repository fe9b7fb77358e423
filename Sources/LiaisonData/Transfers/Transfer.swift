import FluentKit
import Foundation
import LiaisonCore

/// A transfer of care: the patient (or someone treating them) asks to change clinician for one
/// role. The incoming clinician answers; on accepting they join the team, and the outgoing
/// clinician owes a handoff summary. Responsibility passes at the first recorded visit with the
/// incoming clinician; the outgoing clinician then keeps reading the record for a grace period.
public final class Transfer: Model, @unchecked Sendable {
    public static let schema = "transfers"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    /// `TransferRole`.
    @Field(key: "role") public var role: String
    @Parent(key: "outgoing_id") public var outgoing: UserAccount
    /// The outgoing clinician's membership in the role when the request was made.
    @Field(key: "outgoing_membership_id") public var outgoingMembershipID: UUID
    @Parent(key: "incoming_id") public var incoming: UserAccount
    /// The incoming clinician's organisation: its calendar and targets apply to their answer.
    @OptionalParent(key: "organisation_id") public var organisation: Organisation?
    @Parent(key: "requested_by") public var requester: UserAccount
    @Field(key: "requested_by_patient") public var requestedByPatient: Bool
    @Field(key: "reason") public var reason: String
    @Field(key: "state") public var state: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date
    @OptionalField(key: "answer_due_at") public var answerDueAt: Date?
    @OptionalField(key: "expires_at") public var expiresAt: Date?
    @OptionalField(key: "reminded_at") public var remindedAt: Date?
    @OptionalField(key: "accepted_at") public var acceptedAt: Date?
    /// The membership the incoming clinician took on accepting (nil if they were already on the team).
    @OptionalField(key: "incoming_membership_id") public var incomingMembershipID: UUID?
    /// The handoff summary (`Letter`), owed by the outgoing clinician from acceptance.
    @OptionalField(key: "handoff") public var handoff: String?
    @OptionalField(key: "handoff_due_at") public var handoffDueAt: Date?
    @OptionalField(key: "handoff_escalate_at") public var handoffEscalateAt: Date?
    @OptionalField(key: "handoff_written_at") public var handoffWrittenAt: Date?
    @OptionalField(key: "handoff_reminded_at") public var handoffRemindedAt: Date?
    @OptionalField(key: "handoff_escalated_at") public var handoffEscalatedAt: Date?
    /// The day of the first visit, as the incoming clinician recorded it.
    @OptionalField(key: "first_visit_on") public var firstVisitOn: String?
    /// The moment responsibility passed.
    @OptionalField(key: "completed_at") public var completedAt: Date?
    /// When the outgoing clinician stops reading the record.
    @OptionalField(key: "outgoing_access_ends_at") public var outgoingAccessEndsAt: Date?
    @OptionalField(key: "ended_reason") public var endedReason: String?

    public init() {}

    public init(
        patientID: UUID, request: TransferRequest, outgoingID: UUID, outgoingMembershipID: UUID, incomingID: UUID, organisationID: UUID?,
        requesterID: UUID, byPatient: Bool, createdAt: Date
    ) {
        self.$patient.id = patientID
        role = request.role.rawValue
        self.$outgoing.id = outgoingID
        self.outgoingMembershipID = outgoingMembershipID
        self.$incoming.id = incomingID
        self.$organisation.id = organisationID
        self.$requester.id = requesterID
        requestedByPatient = byPatient
        reason = request.reason
        state = TransferState.requested.rawValue
        self.createdAt = createdAt
        updatedAt = createdAt
    }

    public var transferState: TransferState { TransferState(rawValue: state) ?? .requested }
    public var transferRole: TransferRole { TransferRole(rawValue: role) ?? .prescriber }
    public var handoffLetter: Letter? { handoff.flatMap(Letter.init(storedText:)) }
    public var handoffOwed: Bool { TransferStateMachine.handoffOwed(in: transferState, handoffWritten: handoffWrittenAt != nil) }
}
