import FluentKit
import Foundation
import LiaisonCore

/// One saved version of a patient's treatment plan: every change is a new row, so who changed
/// what, and when, stays visible.
public final class CarePlanVersion: Model, @unchecked Sendable {
    public static let schema = "care_plan_versions"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    @Parent(key: "author_id") public var author: UserAccount
    @Field(key: "created_at") public var createdAt: Date
    /// The `CarePlan` as JSON.
    @Field(key: "plan") public var plan: String

    public init() {}

    public init(patientID: UUID, authorID: UUID, plan: CarePlan, createdAt: Date) throws {
        self.$patient.id = patientID
        self.$author.id = authorID
        self.plan = String(decoding: try JSONEncoder.sorted.encode(plan), as: UTF8.self)
        self.createdAt = createdAt
    }

    public var carePlan: CarePlan? { try? JSONDecoder().decode(CarePlan.self, from: Data(plan.utf8)) }
}

/// A medication on the prescriber's list. A change of dose stops this row (with the reason) and
/// starts a new one, so the list keeps its history.
public final class MedicationRecord: Model, @unchecked Sendable {
    public static let schema = "medications"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    @Field(key: "name") public var name: String
    @Field(key: "dose") public var dose: String
    @Field(key: "frequency") public var frequency: String
    @Field(key: "started_on") public var startedOn: String
    @OptionalField(key: "stopped_on") public var stoppedOn: String?
    /// Why it was started or changed to this.
    @Field(key: "reason") public var reason: String
    @OptionalField(key: "stop_reason") public var stopReason: String?
    @Parent(key: "prescribed_by") public var prescriber: UserAccount
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "replaced_by") public var replacedBy: UUID?

    public init() {}

    public init(patientID: UUID, draft: MedicationDraft, prescriberID: UUID, createdAt: Date) {
        self.$patient.id = patientID
        name = draft.name
        dose = draft.dose
        frequency = draft.frequency
        startedOn = draft.startedOn.description
        reason = draft.reason
        self.$prescriber.id = prescriberID
        self.createdAt = createdAt
    }

    public var isCurrent: Bool { stoppedOn == nil }
}

/// How often one role on the team sees the patient.
public final class FollowUpCadence: Model, @unchecked Sendable {
    public static let schema = "follow_up_cadences"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    /// `CareTeamRole` (prescriber or therapist).
    @Field(key: "role") public var role: String
    @Field(key: "level") public var level: String
    @Field(key: "interval_days") public var intervalDays: Int
    @Parent(key: "set_by") public var setBy: UserAccount
    @Field(key: "set_at") public var setAt: Date
    /// When the next visit in this role is due: the last visit (or, before any, the setting of the
    /// cadence) plus the interval; kept up to date as visits are recorded.
    @Field(key: "next_due_at") public var nextDueAt: Date
    /// The due time last reminded of, so each due date is reminded once.
    @OptionalField(key: "reminded_due_at") public var remindedDueAt: Date?

    public init() {}

    public init(patientID: UUID, role: CareTeamRole, level: CadenceLevel, intervalDays: Int, setBy: UUID, setAt: Date) {
        self.$patient.id = patientID
        self.role = role.rawValue
        self.level = level.rawValue
        self.intervalDays = intervalDays
        self.$setBy.id = setBy
        self.setAt = setAt
        nextDueAt = FollowUp.nextDue(lastVisit: nil, cadenceSetAt: setAt, intervalDays: intervalDays)
    }

    public var cadenceLevel: CadenceLevel { CadenceLevel(rawValue: level) ?? .custom }
    public var careTeamRole: CareTeamRole { CareTeamRole(rawValue: role) ?? .other }
}

/// A visit with the patient, recorded by whoever saw them.
public final class VisitRecord: Model, @unchecked Sendable {
    public static let schema = "visits"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    @Parent(key: "clinician_id") public var clinician: UserAccount
    /// The clinician's role on the team at the visit.
    @Field(key: "role") public var role: String
    @Field(key: "kind") public var kind: String
    /// The day, as the clinician gave it.
    @Field(key: "visited_on") public var visitedOn: String
    /// The day as a moment (noon in the organisation's time zone), for ordering and cadence.
    @Field(key: "visited_at") public var visitedAt: Date
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(patientID: UUID, clinicianID: UUID, role: CareTeamRole, kind: VisitKind, day: DateOnly, at: Date, createdAt: Date) {
        self.$patient.id = patientID
        self.$clinician.id = clinicianID
        self.role = role.rawValue
        self.kind = kind.rawValue
        visitedOn = day.description
        visitedAt = at
        self.createdAt = createdAt
    }
}
