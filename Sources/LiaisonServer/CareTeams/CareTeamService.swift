import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Joining and leaving a patient's care team: the one use case registration, adding a colleague
/// and accepting a referral all call. It checks `CareTeamRules`, and writes the membership, the
/// timeline event and the audit entry in the caller's transaction.
struct CareTeamService: Sendable {
    let clock: any Clock
    let auditor: Auditor
    let timeline: Timeline

    /// Someone joining, and how the timeline tells it.
    struct Joining: Sendable {
        let userID: UUID
        let role: CareTeamRole
        var responsible = false
        /// What the timeline says, e.g. "Dr A added Dr B to the care team as therapist."
        let summary: String
        var event: TimelineEventKind = .teamJoined
        /// What the audit entry names; the new membership when nil.
        var subject: String?
        /// The entry written; nil when the caller's own entry records the joining (registration).
        var audit: AuditAction? = .careTeamAdd
    }

    /// Adds `joining` to the team `team` (every membership of the patient, loaded in this transaction).
    func join(_ joining: Joining, patient patientID: UUID, team: [CareTeamMember], by caller: Caller, on db: any Database) async throws -> CareTeamMember {
        let now = clock.now()
        do {
            try CareTeamRules.checkJoin(userID: joining.userID, role: joining.role, responsible: joining.responsible, team: team.map(\.membership), at: now)
        } catch {
            throw AppError.invalid(error)
        }
        let member = CareTeamMember(
            patientID: patientID, userID: joining.userID, role: joining.role, responsible: joining.responsible, startedAt: now, addedBy: caller.userID)
        try await member.create(on: db)
        try await timeline.record(joining.event, joining.summary, patient: patientID, by: caller, on: db)
        if let action = joining.audit {
            try await auditor.record(action, patient: patientID, subject: joining.subject ?? "care-team-member:\(member.id!)", by: caller, on: db)
        }
        return member
    }

    /// Ends a membership (the history keeps it), now or at `later` (a consultant's access after
    /// the grace period). A clinician whose opening this patient took from a waiting list gets it
    /// back, for the next in line.
    func end(_ member: CareTeamMember, patient patientID: UUID, at later: Date? = nil, by caller: Caller, on db: any Database) async throws {
        guard member.endedAt == nil else { throw AppError.conflict("\(member.user.displayName)'s membership has already ended.") }
        member.endedAt = later ?? clock.now()
        member.endedBy = caller.userID
        try await member.save(on: db)
        let words = later.map { "\(member.user.displayName)'s place on the care team ends on \(DisplayDate.dateTime($0))." }
            ?? "\(caller.identity.displayName) ended \(member.user.displayName)'s membership of the care team."
        try await timeline.record(.teamLeft, words, patient: patientID, by: caller, on: db)
        try await auditor.record(.careTeamEnd, patient: patientID, subject: "care-team-member:\(member.id!)", by: caller, on: db)
        try await WaitlistQueries.returnOpenings(patient: patientID, clinician: member.$user.id, at: clock.now(), on: db)
    }

    /// A role changing hands (a transfer of care).
    struct Handover: Sendable {
        let role: CareTeamRole
        /// The outgoing clinician's membership in the role.
        let outgoingMembershipID: UUID
        let incomingUserID: UUID
        /// The end of the outgoing clinician's read-only place after the handover.
        let outgoingReadsUntil: Date
        /// What the audit entries name.
        let subject: String
    }

    /// Passes `handover.role` from one clinician to another at this moment, with the patient's team
    /// locked. Each membership keeps its own history: the outgoing clinician's place in the role
    /// ends now and a read-only place (never responsible) follows until `outgoingReadsUntil`; the
    /// incoming clinician's place in the role, responsible when the outgoing one was (or nobody
    /// else is), starts now. Before this moment the outgoing clinician holds the role, from it the
    /// incoming one: no gap and no overlap. Returns whether the incoming clinician is now the
    /// responsible prescriber.
    @discardableResult
    func handOver(_ handover: Handover, patient patientID: UUID, by caller: Caller, on db: any Database) async throws -> Bool {
        let now = clock.now()
        try await PatientQueries.lockTeam(of: patientID, on: db)
        let team = try await CareTeamQueries.team(of: patientID, on: db)
        var outgoingWasResponsible = false
        if let held = team.first(where: { $0.id == handover.outgoingMembershipID }), held.membership.isActive(at: now) {
            outgoingWasResponsible = held.isResponsiblePrescriber
            held.endedAt = now
            held.endedBy = caller.userID
            try await held.save(on: db)
            try await auditor.record(.careTeamEnd, patient: patientID, subject: handover.subject, by: caller, on: db)
            let reader = CareTeamMember(patientID: patientID, userID: held.$user.id, role: handover.role, responsible: false, startedAt: now, addedBy: caller.userID)
            reader.endedAt = handover.outgoingReadsUntil
            try await reader.create(on: db)
        }
        let current = team.first { $0.$user.id == handover.incomingUserID && $0.membership.isActive(at: now) }
        let someoneElseResponsible = team.contains {
            $0.membership.isActive(at: now) && $0.isResponsiblePrescriber && $0.id != handover.outgoingMembershipID && $0.$user.id != handover.incomingUserID
        }
        let responsible = handover.role == .prescriber && (outgoingWasResponsible || !someoneElseResponsible)
        let alreadyHeld = current.map { $0.membership.role == handover.role && $0.isResponsiblePrescriber == responsible } ?? false
        if !alreadyHeld {
            if let current {
                current.endedAt = now
                current.endedBy = caller.userID
                try await current.save(on: db)
            }
            try await CareTeamMember(
                patientID: patientID, userID: handover.incomingUserID, role: handover.role, responsible: responsible, startedAt: now, addedBy: caller.userID
            ).create(on: db)
            try await auditor.record(.careTeamAdd, patient: patientID, subject: handover.subject, by: caller, on: db)
        }
        return responsible
    }
}
