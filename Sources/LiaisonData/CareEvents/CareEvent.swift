import FluentKit
import Foundation
import LiaisonCore

/// Something that happened to a patient, told to the whole care team: recorded by a clinician,
/// sent by another system, or read from a hospital's ADT feed. Urgent kinds are escalated until
/// the responsible clinician acknowledges them; a discharge owes the team a visit within a week.
public final class CareEvent: Model, @unchecked Sendable {
    public static let schema = "care_events"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    /// `CareEventKind`.
    @Field(key: "kind") public var kind: String
    @Field(key: "occurred_at") public var occurredAt: Date
    @Field(key: "recorded_at") public var recordedAt: Date
    /// `CareEventSource`.
    @Field(key: "source") public var source: String
    /// The clinician or API client who recorded it; nil for a feed.
    @OptionalParent(key: "recorded_by") public var recordedBy: UserAccount?
    @OptionalField(key: "feed_id") public var feedID: UUID?
    @Field(key: "facility") public var facility: String
    /// The facility's visit (encounter) number, for admissions and discharges.
    @OptionalField(key: "visit_number") public var visitNumber: String?
    @Field(key: "details") public var details: String
    /// The sender's own id for the event (API): the same id sent twice records one event.
    @OptionalField(key: "external_id") public var externalID: String?
    @OptionalField(key: "escalate_team_at") public var escalateTeamAt: Date?
    @OptionalField(key: "escalate_administrators_at") public var escalateAdministratorsAt: Date?
    @OptionalField(key: "team_escalated_at") public var teamEscalatedAt: Date?
    @OptionalField(key: "administrators_escalated_at") public var administratorsEscalatedAt: Date?
    @OptionalField(key: "acknowledged_at") public var acknowledgedAt: Date?
    @OptionalParent(key: "acknowledged_by") public var acknowledgedBy: UserAccount?
    @OptionalField(key: "acknowledgement") public var acknowledgement: String?
    @OptionalField(key: "cancelled_at") public var cancelledAt: Date?
    @OptionalField(key: "cancel_reason") public var cancelReason: String?
    /// The visit owed after a discharge.
    @OptionalField(key: "follow_up_due_at") public var followUpDueAt: Date?
    @OptionalField(key: "follow_up_done_at") public var followUpDoneAt: Date?

    public init() {}

    public init(
        patientID: UUID, kind: CareEventKind, occurredAt: Date, recordedAt: Date, source: CareEventSource, recordedBy: UUID?, feedID: UUID?,
        facility: String, visitNumber: String?, details: String, externalID: String?, acknowledgeHours: Int
    ) {
        self.$patient.id = patientID
        self.kind = kind.rawValue
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
        self.source = source.rawValue
        self.$recordedBy.id = recordedBy
        self.feedID = feedID
        self.facility = facility
        self.visitNumber = visitNumber
        self.details = details
        self.externalID = externalID
        let escalations = CareEventRules.escalations(for: kind, recordedAt: recordedAt, hours: acknowledgeHours)
        escalateTeamAt = escalations?.team
        escalateAdministratorsAt = escalations?.administrators
        followUpDueAt = CareEventRules.followUpDue(for: kind, occurredAt: occurredAt)
    }

    public var eventKind: CareEventKind { CareEventKind(rawValue: kind) ?? .other }
    public var eventSource: CareEventSource { CareEventSource(rawValue: source) ?? .person }
    public var isCancelled: Bool { cancelledAt != nil }
    /// Still waiting for the responsible clinician.
    public var awaitsAcknowledgement: Bool { acknowledgedAt == nil && cancelledAt == nil }
    /// The visit after a discharge, still owed.
    public var followUpOwed: Bool { followUpDueAt != nil && followUpDoneAt == nil && cancelledAt == nil }
}

/// A hospital that sends ADT messages over MLLP, recognised by the sending facility in MSH-4.
public final class HospitalFeed: Model, @unchecked Sendable {
    public static let schema = "hospital_feeds"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "organisation_id") public var organisation: Organisation
    @Field(key: "name") public var name: String
    /// MSH-4's first component, as the hospital sends it.
    @Field(key: "sending_facility") public var sendingFacility: String
    /// The zone the hospital's times are in when a message gives no offset.
    @Field(key: "time_zone") public var timeZone: String
    @Parent(key: "created_by") public var creator: UserAccount
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "disabled_at") public var disabledAt: Date?

    public init() {}

    public init(organisationID: UUID, name: String, sendingFacility: String, timeZone: String, createdBy: UUID, createdAt: Date) {
        self.$organisation.id = organisationID
        self.name = name
        self.sendingFacility = sendingFacility
        self.timeZone = timeZone
        self.$creator.id = createdBy
        self.createdAt = createdAt
    }
}

/// What became of one message from a feed.
public enum FeedMessageStatus: String, Sendable, CaseIterable {
    /// Applied: an event recorded, updated or cancelled.
    case applied
    /// No patient, or more than one, has the message's identifiers: kept for an administrator.
    case unmatched
    /// Understood but not applicable (an update or cancellation for no known visit); answered AE.
    case refused
    /// Matched by hand after arriving unmatched.
    case resolved
    /// Set aside by an administrator (not a patient of anyone in Liaison).
    case dismissed
}

/// One ADT message received from a feed, kept so a repeat (the same MSH-10) is applied once and
/// answered as before, and so an unmatched one waits for an administrator.
public final class FeedMessage: Model, @unchecked Sendable {
    public static let schema = "hospital_feed_messages"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "feed_id") public var feed: HospitalFeed
    @Field(key: "control_id") public var controlID: String
    /// `ADTTrigger`, e.g. A01.
    @Field(key: "trigger") public var trigger: String
    @Field(key: "received_at") public var receivedAt: Date
    /// `FeedMessageStatus`.
    @Field(key: "status") public var status: String
    /// AA or AE, as answered.
    @Field(key: "ack_code") public var ackCode: String
    @Field(key: "ack_text") public var ackText: String
    /// PID-3's identifiers as "value (authority)", for matching by hand: never a name.
    @Field(key: "identifiers") public var identifiers: String
    /// The message itself, to apply once an unmatched one is resolved.
    @Field(key: "raw") public var raw: String
    @OptionalField(key: "event_id") public var eventID: UUID?
    @OptionalField(key: "resolved_at") public var resolvedAt: Date?
    @OptionalParent(key: "resolved_by") public var resolvedBy: UserAccount?

    public init() {}

    public init(feedID: UUID, controlID: String, trigger: String, receivedAt: Date, status: FeedMessageStatus, ackCode: String, ackText: String, identifiers: String, raw: String) {
        self.$feed.id = feedID
        self.controlID = controlID
        self.trigger = trigger
        self.receivedAt = receivedAt
        self.status = status.rawValue
        self.ackCode = ackCode
        self.ackText = ackText
        self.identifiers = identifiers
        self.raw = raw
    }

    public var messageStatus: FeedMessageStatus { FeedMessageStatus(rawValue: status) ?? .applied }
}
