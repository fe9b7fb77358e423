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
}
