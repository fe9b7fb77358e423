import Foundation

/// What the system knows about who is connected to one patient, at the moment of a request.
public struct PatientConnections: Sendable {
    public let team: [CareTeamMembership]
    /// Emergency ("break the glass") grants: who, until when.
    public let emergencyGrants: [(userID: UUID, expiresAt: Date)]
    /// The patient's own portal account, if any.
    public let patientUserID: UUID?

    public init(team: [CareTeamMembership], emergencyGrants: [(userID: UUID, expiresAt: Date)], patientUserID: UUID?) {
        self.team = team
        self.emergencyGrants = emergencyGrants
        self.patientUserID = patientUserID
    }
}

/// How someone may see a patient's record. Decided only by `PatientAccessPolicy`.
public enum PatientAccess: Sendable, Equatable {
    /// Nothing: the record does not exist for them (pages and API answer 404).
    case none
    /// An active care-team member: reads and writes within consent.
    case careTeam(CareTeamRole)
    /// A clinician outside the team who broke the glass: reads until the grant expires.
    case emergency(until: Date)
    /// The patient, through the portal: their team, how to reach them, and who looked.
    case patientSelf

    public var mayReadClinicalRecord: Bool {
        switch self {
        case .careTeam, .emergency: true
        case .none, .patientSelf: false
        }
    }

    /// Changing the team, consent, notes or demographics.
    public var mayWrite: Bool {
        if case .careTeam = self { return true }
        return false
    }

    /// Telling the team of something that happened (a care event): the team, and an emergency
    /// clinician who is seeing the patient now.
    public var mayRecordCareEvent: Bool {
        switch self {
        case .careTeam, .emergency: true
        case .none, .patientSelf: false
        }
    }

    public var mayReadAccessLog: Bool {
        switch self {
        case .careTeam, .patientSelf: true
        case .none, .emergency: false
        }
    }
}

/// The one place that decides who may see a patient's record.
///
/// Care-team membership, an unexpired emergency grant, or being the patient: nothing else.
/// Role in an organisation (even system administrator) never grants access to a patient.
public enum PatientAccessPolicy {
    public static func access(of userID: UUID, to connections: PatientConnections, at now: Date) -> PatientAccess {
        if let membership = connections.team.first(where: { $0.userID == userID && $0.isActive(at: now) }) {
            return .careTeam(membership.role)
        }
        if let grant = connections.emergencyGrants.filter({ $0.userID == userID && $0.expiresAt > now }).max(by: { $0.expiresAt < $1.expiresAt }) {
            return .emergency(until: grant.expiresAt)
        }
        if let patient = connections.patientUserID, patient == userID {
            return .patientSelf
        }
        return .none
    }

    /// How long a broken glass stays open.
    public static let emergencyAccessDuration: TimeInterval = 4 * 3600
}
