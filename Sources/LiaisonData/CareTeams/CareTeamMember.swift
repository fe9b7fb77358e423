import FluentKit
import Foundation
import LiaisonCore

/// A clinician's membership of a patient's care team. Ended, never deleted: history stays.
public final class CareTeamMember: Model, @unchecked Sendable {
    public static let schema = "care_team_members"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    @Parent(key: "user_id") public var user: UserAccount
    @Field(key: "role") public var role: String
    @Field(key: "responsible") public var isResponsiblePrescriber: Bool
    @Field(key: "started_at") public var startedAt: Date
    @OptionalField(key: "ended_at") public var endedAt: Date?
    @Field(key: "added_by") public var addedBy: UUID
    @OptionalField(key: "ended_by") public var endedBy: UUID?

    public init() {}

    public init(patientID: UUID, userID: UUID, role: CareTeamRole, responsible: Bool, startedAt: Date, addedBy: UUID) {
        self.$patient.id = patientID
        self.$user.id = userID
        self.role = role.rawValue
        self.isResponsiblePrescriber = responsible
        self.startedAt = startedAt
        self.addedBy = addedBy
    }

    public var membership: CareTeamMembership {
        CareTeamMembership(
            userID: $user.id, role: CareTeamRole(rawValue: role) ?? .other, isResponsiblePrescriber: isResponsiblePrescriber,
            startedAt: startedAt, endedAt: endedAt)
    }
}
