import Foundation

/// A member's role on one patient's care team.
public enum CareTeamRole: String, Sendable, Codable, CaseIterable, Labelled {
    case prescriber
    case therapist
    case primaryCare = "primary-care"
    case caseManager = "case-manager"
    case consultant
    case other

    public var label: String {
        switch self {
        case .prescriber: "Prescriber"
        case .therapist: "Therapist"
        case .primaryCare: "Primary care"
        case .caseManager: "Case manager"
        case .consultant: "Consultant"
        case .other: "Other"
        }
    }
}

extension CareTeamRole {
    /// The role a clinician takes on a team unless they choose another, from their discipline.
    public static func usual(for discipline: Discipline?) -> CareTeamRole {
        switch discipline {
        case .psychiatrist, .psychiatricNursePractitioner: .prescriber
        case .psychologist, .clinicalSocialWorker, .counsellor: .therapist
        case .primaryCarePhysician: .primaryCare
        case .caseManager: .caseManager
        default: .other
        }
    }
}

/// One person's membership of a care team over a period.
public struct CareTeamMembership: Sendable, Equatable {
    public let userID: UUID
    public let role: CareTeamRole
    public let isResponsiblePrescriber: Bool
    public let startedAt: Date
    public let endedAt: Date?

    public init(userID: UUID, role: CareTeamRole, isResponsiblePrescriber: Bool, startedAt: Date, endedAt: Date?) {
        self.userID = userID
        self.role = role
        self.isResponsiblePrescriber = isResponsiblePrescriber
        self.startedAt = startedAt
        self.endedAt = endedAt
    }

    /// On the team at `moment`: started, and not yet ended.
    public func isActive(at moment: Date) -> Bool {
        startedAt <= moment && (endedAt.map { moment < $0 } ?? true)
    }
}

/// The rules for changing a care team. History is never rewritten: members are ended, not removed.
public enum CareTeamRules {
    /// Checks that `userID` may join the team now in `role`.
    public static func checkJoin(
        userID: UUID, role: CareTeamRole, responsible: Bool, team: [CareTeamMembership], at now: Date
    ) throws(ValidationErrors) {
        var errors = ValidationErrors()
        let active = team.filter { $0.isActive(at: now) }
        if active.contains(where: { $0.userID == userID }) {
            errors.add("userID", "This clinician is already on the care team.")
        }
        if responsible, role != .prescriber {
            errors.add("responsible", "Only a prescriber can be the responsible prescriber.")
        }
        if responsible, active.contains(where: \.isResponsiblePrescriber) {
            errors.add("responsible", "The team already has a responsible prescriber. End that membership first, so responsibility is never shared or lost.")
        }
        try errors.throwIfAny()
    }

    /// Checks that `userID`'s membership may end now: someone must stay on the team, or the record
    /// would be no one's.
    public static func checkEnd(userID: UUID, by callerID: UUID? = nil, team: [CareTeamMembership], at now: Date) throws(ValidationErrors) {
        let active = team.filter { $0.isActive(at: now) }
        guard active.contains(where: { $0.userID != userID }) else {
            throw ValidationErrors("member", "This is the only member of the care team: add someone else before ending it, so the record is never left with no one.")
        }
        // Anyone may leave; ending someone else's place is for the responsible prescriber, who
        // answers for the team (on a team without one, every member does).
        guard let callerID, callerID != userID else { return }
        let responsible = active.filter(\.isResponsiblePrescriber).map(\.userID)
        guard responsible.isEmpty || responsible.contains(callerID) else {
            throw ValidationErrors(
                "member", "Only the patient's responsible prescriber can end another clinician's place on the care team. Ask them, or end your own.")
        }
    }
}
