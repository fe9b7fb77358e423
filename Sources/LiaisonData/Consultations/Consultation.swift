import FluentKit
import Foundation
import LiaisonCore

/// A second-opinion consultation: asked for by the patient or their treating team, answered by a
/// consultant who reads the record while it runs (a time-limited place on the care team) and
/// writes a report that the patient and the treating team receive at the same moment.
public final class Consultation: Model, @unchecked Sendable {
    public static let schema = "consultations"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    @Parent(key: "consultant_id") public var consultant: UserAccount
    /// The consultant's organisation: its calendar and targets apply.
    @OptionalParent(key: "organisation_id") public var organisation: Organisation?
    /// Who asked: a team member, or the patient's own portal account.
    @Parent(key: "requested_by") public var requester: UserAccount
    @Field(key: "requested_by_patient") public var requestedByPatient: Bool
    @Field(key: "state") public var state: String
    /// Comma-separated `ConsultationReason`s.
    @Field(key: "reasons") public var reasons: String
    @Field(key: "concerns") public var concerns: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "updated_at") public var updatedAt: Date
    @OptionalField(key: "answer_due_at") public var answerDueAt: Date?
    @OptionalField(key: "expires_at") public var expiresAt: Date?
    @OptionalField(key: "accepted_at") public var acceptedAt: Date?
    @OptionalField(key: "appointment_at") public var appointmentAt: Date?
    /// The report as stored text (`Letter`), a draft until released.
    @OptionalField(key: "report") public var report: String?
    @OptionalField(key: "released_at") public var releasedAt: Date?
    @OptionalField(key: "closed_at") public var closedAt: Date?
    @OptionalField(key: "ended_reason") public var endedReason: String?
    /// The consultant's care-team membership, ended at close (after the grace period).
    @OptionalField(key: "membership_id") public var membershipID: UUID?
    /// The call the treating psychiatrist may ask for after the report (`CallLoop`).
    @Field(key: "call_state") public var callState: String
    /// The times the consultant offered, in their words.
    @OptionalField(key: "call_times") public var callTimes: String?
    /// When the consultant was reminded that an answer is due.
    @OptionalField(key: "reminded_at") public var remindedAt: Date?
    /// When an answer still missing goes to the consultant's organisation's administrators, and
    /// when it went.
    @OptionalField(key: "escalate_at") public var escalateAt: Date?
    @OptionalField(key: "escalated_at") public var escalatedAt: Date?

    public init() {}

    public init(patientID: UUID, consultantID: UUID, organisationID: UUID?, requesterID: UUID, byPatient: Bool, request: ConsultationRequest, createdAt: Date) {
        self.$patient.id = patientID
        self.$consultant.id = consultantID
        self.$organisation.id = organisationID
        self.$requester.id = requesterID
        requestedByPatient = byPatient
        state = ConsultationState.requested.rawValue
        reasons = request.reasons.map(\.rawValue).joined(separator: ",")
        concerns = request.concerns
        self.createdAt = createdAt
        updatedAt = createdAt
        callState = CallState.none.rawValue
    }

    public var consultationState: ConsultationState { ConsultationState(rawValue: state) ?? .requested }
    public var call: CallState { CallState(rawValue: callState) ?? .none }
    public var reasonList: [ConsultationReason] { reasons.split(separator: ",").compactMap { ConsultationReason(rawValue: String($0)) } }
    public var reportLetter: Letter? { report.flatMap(Letter.init(storedText:)) }
}
