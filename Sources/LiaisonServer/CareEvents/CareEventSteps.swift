import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// What the team does with an event once told: acknowledge it (once, perhaps with a note),
/// cancel one recorded by mistake, record the visit owed after a discharge. And the sweep that
/// escalates urgent events nobody acknowledged.
extension CareEventService {
    /// A clinician on the team acknowledges an event, once; the rest of the team is told.
    @discardableResult
    func acknowledge(_ eventID: UUID, note rawNote: String?, by caller: Caller) async throws -> CareEvent {
        var check = FieldChecker()
        let note = check.text(rawNote, field: "note", label: "Note", maxLength: 500)
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        return try await step(eventID, by: caller) { event, authorized, db in
            if let at = event.acknowledgedAt {
                let who = try await event.$acknowledgedBy.get(on: db)?.displayName ?? "a colleague"
                throw AppError.conflict("This event was already acknowledged by \(who) at \(DisplayDate.dateTime(at)).")
            }
            let now = clock.now()
            event.acknowledgedAt = now
            event.$acknowledgedBy.id = caller.userID
            event.acknowledgement = note.nilIfEmpty
            try await event.save(on: db)
            let patient = authorized.patient
            let others = authorized.team.filter { $0.membership.isActive(at: now) && $0.$user.id != caller.userID }.map(\.$user.id)
            try await notifier.notify(
                others, patient: patient.id!, kind: .careEventUpdate,
                message: "\(caller.identity.displayName) acknowledged \(event.eventKind.label.lowercased()) for \(patient.givenName) \(patient.familyName).\(note.isEmpty ? "" : " \(note)")",
                link: SiteURL.patientCareEvents(patient.id!).path, on: db)
            try await timeline.record(
                .careEvent, "\(caller.identity.displayName) acknowledged: \(event.eventKind.label).\(note.isEmpty ? "" : " \(note)")", patient: patient.id!, by: caller, on: db)
            try await auditor.record(.careEventAcknowledge, patient: patient.id!, subject: "care-event:\(event.id!)", by: caller, on: db)
        }
    }

    /// A team member cancels an event recorded by mistake, with the reason; the team is told.
    @discardableResult
    func cancel(_ eventID: UUID, reason rawReason: String?, by caller: Caller) async throws -> CareEvent {
        var check = FieldChecker()
        let reason = check.text(rawReason, field: "reason", label: "Reason", required: true, maxLength: 500)
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        return try await step(eventID, by: caller) { event, authorized, db in
            let patient = authorized.patient
            try await cancel(event, reason: reason, patient: patient, team: authorized.team, by: caller, on: db)
        }
    }

    /// Cancels `event` in the caller's transaction (a person, or a hospital's cancellation).
    func cancel(_ event: CareEvent, reason: String, patient: Patient, team: [CareTeamMember], by caller: Caller?, on db: any Database) async throws {
        let now = clock.now()
        event.cancelledAt = now
        event.cancelReason = reason
        try await event.save(on: db)
        let who = caller?.identity.displayName ?? "The hospital"
        let people = team.filter { $0.membership.isActive(at: now) && $0.$user.id != caller?.userID }.map(\.$user.id)
        try await notifier.notify(
            people, patient: patient.id!, kind: .careEventUpdate,
            message: "\(who) cancelled \(event.eventKind.label.lowercased()) for \(patient.givenName) \(patient.familyName): \(reason)",
            link: SiteURL.patientCareEvents(patient.id!).path, on: db)
        try await timeline.record(.careEvent, "\(who) cancelled: \(event.eventKind.label). \(reason)", patient: patient.id!, by: caller, on: db)
        if let caller {
            try await auditor.record(.careEventCancel, patient: patient.id!, subject: "care-event:\(event.id!)", by: caller, on: db)
        } else {
            try await auditor.recordSystem(.careEventCancel, [(patient.id!, "care-event:\(event.id!)")], purpose: "hospital feed", at: now, requestID: "feed", on: db)
        }
    }

    /// The visit owed after a discharge happened (also done by recording a visit on the plan).
    @discardableResult
    func followUpDone(_ eventID: UUID, by caller: Caller) async throws -> CareEvent {
        try await step(eventID, by: caller) { event, authorized, db in
            guard event.followUpOwed else { throw AppError.conflict("No visit is owed for this event: it is done, cancelled, or not a discharge.") }
            event.followUpDoneAt = clock.now()
            try await event.save(on: db)
            try await timeline.record(.careEvent, "\(caller.identity.displayName) saw the patient after the discharge.", patient: authorized.patient.id!, by: caller, on: db)
            try await auditor.record(.careEventFollowUpDone, patient: authorized.patient.id!, subject: "care-event:\(event.id!)", by: caller, on: db)
        }
    }

    /// Locks the event, checks the caller is on the team and it is not cancelled, then runs `change`.
    private func step(
        _ eventID: UUID, by caller: Caller, _ change: @Sendable @escaping (CareEvent, PatientAccessService.Authorized, any Database) async throws -> Void
    ) async throws -> CareEvent {
        try await database.write { db in
            guard let event = try await CareEventQueries.lock(eventID, on: db) else { throw AppError.notFound }
            let authorized = try await access.authorize(event.$patient.id, for: caller, need: .write, on: db)
            if let at = event.cancelledAt { throw AppError.conflict("This event was cancelled at \(DisplayDate.dateTime(at)): \(event.cancelReason ?? "").") }
            try await change(event, authorized, db)
            return event
        }
    }

    // MARK: Escalation

    /// Urgent events nobody acknowledged in time: first the whole team is told again, urgently,
    /// that the responsible clinician has not acknowledged it; a window later the administrators
    /// of the team's organisations hear of it by reference. Each step once, whichever server
    /// sweeps. Returns the steps taken.
    @discardableResult
    func sweep() async throws -> Int {
        let now = clock.now()
        return try await database.write { db in
            let team = try await CareEventQueries.claimEscalations(.team, at: now, on: db)
            for event in team {
                let patient = event.patient
                let members = try await CareTeamQueries.team(of: patient.id!, on: db).filter { $0.membership.isActive(at: now) }.map(\.$user.id)
                let link = SiteURL.patientCareEvents(patient.id!).path
                try await notifier.notify(
                    members, patient: patient.id!, kind: .careEventEscalated,
                    message: "Still not acknowledged: \(event.eventKind.label) for \(patient.givenName) \(patient.familyName) at \(event.facility). Someone on the team must follow it up now.",
                    link: link, on: db)
                try await outbox.notices(
                    members, subject: "Liaison: a care event is still not acknowledged", words: "A care event for a patient of yours is still not acknowledged:",
                    url: baseURL + link, urgent: true, on: db)
            }
            let late = try await CareEventQueries.claimEscalations(.administrators, at: now, on: db)
            for event in late {
                let members = try await CareTeamQueries.team(of: event.$patient.id, on: db).filter { $0.membership.isActive(at: now) }
                let organisations = try await OrganisationQueries.firstOrganisations(of: members.map(\.$user.id), on: db)
                for (organisation, people) in try await OrganisationQueries.administrators(of: organisations, on: db) {
                    let words = "Care event \(ReferralReference.short(event.id!)) on patient \(PatientReference.short(event.$patient.id)) has not been acknowledged by the care team."
                    let ids = people.compactMap(\.id)
                    let url = SiteURL.organisation(organisation).path
                    try await notifier.notify(ids, patient: nil, kind: .careEventEscalated, message: words, link: url, on: db)
                    try await outbox.notices(ids, subject: "Liaison: a care event is still not acknowledged", words: words, url: baseURL + url, urgent: true, on: db)
                }
            }
            let steps = team.map { (patient: Optional($0.$patient.id), subject: "care-event:\($0.id!):team") }
                + late.map { (patient: Optional($0.$patient.id), subject: "care-event:\($0.id!):administrators") }
            try await auditor.recordSystem(.careEventEscalate, steps, purpose: "care event not acknowledged in time", at: now, on: db)
            return steps.count
        }
    }
}
