import FluentKit
import Foundation

/// The patient's consent choices (which role pairs may not read each other's notes).
public final class ConsentRecord: Model, @unchecked Sendable {
    public static let schema = "consents"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    /// Comma-separated role-pair keys, e.g. "primary-care:therapist".
    @Field(key: "withheld") public var withheld: String
    @Field(key: "updated_at") public var updatedAt: Date
    @Field(key: "updated_by") public var updatedBy: UUID

    public init() {}

    public init(patientID: UUID, withheld: String, updatedAt: Date, updatedBy: UUID) {
        self.$patient.id = patientID
        self.withheld = withheld
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }
}

/// A note on the team record, shared within consent, or private to its author.
public final class Note: Model, @unchecked Sendable {
    public static let schema = "notes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    @Parent(key: "author_id") public var author: UserAccount
    @Field(key: "author_role") public var authorRole: String
    @Field(key: "kind") public var kind: String
    @Field(key: "body") public var body: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(patientID: UUID, authorID: UUID, authorRole: String, kind: String, body: String, createdAt: Date) {
        self.$patient.id = patientID
        self.$author.id = authorID
        self.authorRole = authorRole
        self.kind = kind
        self.body = body
        self.createdAt = createdAt
    }
}

/// Something that happened to a patient's team record, for the timeline.
public final class PatientEvent: Model, @unchecked Sendable {
    public static let schema = "patient_events"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    @OptionalField(key: "actor_id") public var actorID: UUID?
    @Field(key: "kind") public var kind: String
    @Field(key: "summary") public var summary: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(patientID: UUID, actorID: UUID?, kind: String, summary: String, createdAt: Date) {
        self.$patient.id = patientID
        self.actorID = actorID
        self.kind = kind
        self.summary = summary
        self.createdAt = createdAt
    }
}

/// "Break the glass": time-limited read access for a clinician outside the team, with a reason.
public final class EmergencyAccess: Model, @unchecked Sendable {
    public static let schema = "emergency_accesses"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    @Parent(key: "user_id") public var user: UserAccount
    @Field(key: "reason") public var reason: String
    @Field(key: "granted_at") public var grantedAt: Date
    @Field(key: "expires_at") public var expiresAt: Date

    public init() {}

    public init(patientID: UUID, userID: UUID, reason: String, grantedAt: Date, expiresAt: Date) {
        self.$patient.id = patientID
        self.$user.id = userID
        self.reason = reason
        self.grantedAt = grantedAt
        self.expiresAt = expiresAt
    }
}
