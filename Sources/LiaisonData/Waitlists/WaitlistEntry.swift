import FluentKit
import Foundation

/// A patient waiting for an opening in one service: on a clinician's list, or on an organisation's
/// intake list (`organisation`), where the clinician is set when a member offers an opening.
public final class WaitlistEntry: Model, @unchecked Sendable {
    public static let schema = "waitlist_entries"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    @OptionalParent(key: "clinician_id") public var clinician: UserAccount?
    @OptionalParent(key: "organisation_id") public var organisation: Organisation?
    @Field(key: "service") public var service: String
    @Field(key: "urgency") public var urgency: String
    @Field(key: "status") public var status: String
    /// When the patient first joined; kept when they come back after a declined or lapsed offer.
    @Field(key: "added_at") public var addedAt: Date
    /// The care-team member who put the patient on the list; told of each step.
    @Parent(key: "requested_by") public var requestedBy: UserAccount
    @OptionalField(key: "offered_at") public var offeredAt: Date?
    @OptionalField(key: "offer_expires_at") public var offerExpiresAt: Date?
    @OptionalField(key: "closed_at") public var closedAt: Date?
    @OptionalField(key: "closed_reason") public var closedReason: String?

    public init() {}

    /// On `clinicianID`'s list, or on `organisationID`'s intake list.
    public init(patientID: UUID, clinicianID: UUID?, organisationID: UUID? = nil, service: String, urgency: String, requestedBy: UUID, addedAt: Date) {
        self.$patient.id = patientID
        self.$clinician.id = clinicianID
        self.$organisation.id = organisationID
        self.service = service
        self.urgency = urgency
        self.status = "waiting"
        self.$requestedBy.id = requestedBy
        self.addedAt = addedAt
    }
}
