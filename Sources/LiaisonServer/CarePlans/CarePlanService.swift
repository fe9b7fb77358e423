import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Split treatment, shared: the team's treatment plan (every change attributed, on the timeline,
/// and the prescriber and therapist told of each other's changes), the prescriber's medication
/// list (visible to the team as the patient's consent allows notes to be shared; a positive MDQ is
/// shown wherever an antidepressant is added or changed), each role's follow-up cadence and the
/// visits that keep it, with overdue follow-ups on the clinician's worklist and reminded by the sweep.
struct CarePlanService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let access: PatientAccessService
    let auditor: Auditor
    let notifier: Notifier
    let timeline: Timeline
    let patients: PatientService

    /// Everything the plan page shows.
    struct Overview: Sendable {
        let patient: Patient
        let versions: [CarePlanVersion]
        /// Nil when the patient's consent keeps the prescriber's list from the caller's role.
        let medications: [MedicationRecord]?
        let cadences: [FollowUpCadence]
        let visits: [VisitRecord]
        let team: [CareTeamMember]
        let callerRole: CareTeamRole?
        let mayWrite: Bool
        /// The date of a positive MDQ screen, if the patient has one.
        let positiveMDQ: Date?
        let now: Date

        var isPrescriber: Bool { callerRole == .prescriber }
    }

    func overview(of patientID: UUID, by caller: Caller) async throws -> Overview {
        let found = try await database.reader().transaction { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .clinicalRecord, on: db)
            let now = clock.now()
            let role = authorized.team.first { $0.$user.id == caller.userID && $0.membership.isActive(at: now) }.map(\.membership.role)
            let consent = try await patients.consentSettings(patientID, on: db)
            let seesMedications = role.map { $0 == .prescriber || consent.allowsSharing(between: .prescriber, and: $0) } ?? true
            return Overview(
                patient: authorized.patient, versions: try await CarePlanQueries.planVersions(of: patientID, on: db),
                medications: seesMedications ? try await CarePlanQueries.medications(of: patientID, on: db) : nil,
                cadences: try await CarePlanQueries.cadences(of: patientID, on: db), visits: try await CarePlanQueries.visits(of: patientID, on: db),
                team: authorized.team, callerRole: role, mayWrite: authorized.access.mayWrite, positiveMDQ: try await MeasurementQueries.latestPositiveMDQ(of: patientID, on: db), now: now)
        }
        try await auditor.recordRead(.carePlanRead, patient: patientID, subject: "care-plan", by: caller, in: database)
        return found
    }

    // MARK: The plan

    @discardableResult
    func savePlan(_ fields: [String: String], for patientID: UUID, by caller: Caller) async throws -> CarePlanVersion {
        let plan: CarePlan
        do throws(ValidationErrors) { plan = try CarePlan.validated(fields) } catch { throw AppError.invalid(error) }
        return try await database.write { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .write, on: db)
            let now = clock.now()
            let version = try CarePlanVersion(patientID: patientID, authorID: caller.userID, plan: plan, createdAt: now)
            try await version.create(on: db)
            try await timeline.record(.carePlan, "\(caller.identity.displayName) updated the treatment plan.", patient: patientID, by: caller, on: db)
            // The prescriber and the therapist hear of each other's changes.
            let told = authorized.team.filter {
                $0.membership.isActive(at: now) && [.prescriber, .therapist].contains($0.membership.role) && $0.$user.id != caller.userID
            }.map(\.$user.id)
            try await notifier.notify(
                told, patient: patientID, kind: .carePlanChanged,
                message: "\(caller.identity.displayName) updated the treatment plan for \(authorized.patient.givenName) \(authorized.patient.familyName).",
                link: SiteURL.patientPlan(patientID).path, on: db)
            try await auditor.record(.carePlanUpdate, patient: patientID, subject: "care-plan:\(version.id!)", by: caller, on: db)
            return version
        }
    }

    // MARK: Medications

    /// Only a prescriber on the team keeps the list.
    private func prescriber(_ patientID: UUID, _ caller: Caller, on db: any Database) async throws -> PatientAccessService.Authorized {
        let authorized = try await access.authorize(patientID, for: caller, need: .write, on: db)
        guard authorized.team.contains(where: { $0.$user.id == caller.userID && $0.membership.isActive(at: clock.now()) && $0.membership.role == .prescriber }) else {
            throw AppError.forbidden
        }
        return authorized
    }

    /// What a new or changed medication means, in a sentence, when it needs a second look.
    static func warning(for name: String, positiveMDQ: Date?) -> String? {
        guard let positiveMDQ, Antidepressants.contains(name) else { return nil }
        return "This patient screened positive on the MDQ on \(DisplayDate.day(positiveMDQ)): possible bipolar disorder. Assess before starting or changing an antidepressant."
    }

    /// Adds a medication; returns it and any warning (a positive MDQ with an antidepressant).
    func addMedication(_ fields: [String: String], for patientID: UUID, by caller: Caller) async throws -> (MedicationRecord, String?) {
        let draft = try Self.draft(fields, today: clock.now())
        return try await database.write { db in
            let authorized = try await prescriber(patientID, caller, on: db)
            let medication = MedicationRecord(patientID: patientID, draft: draft, prescriberID: caller.userID, createdAt: clock.now())
            try await medication.create(on: db)
            let words = "\(caller.identity.displayName) started \(draft.name) \(draft.dose), \(draft.frequency)"
            try await timeline.record(.medication, words + ".", patient: patientID, by: caller, on: db)
            try await tellTeam(authorized, "\(words) for \(authorized.patient.givenName) \(authorized.patient.familyName).", by: caller, on: db)
            try await auditor.record(.medicationAdd, patient: patientID, subject: "medication:\(medication.id!)", by: caller, on: db)
            return (medication, try await warning(draft.name, authorized, on: db))
        }
    }

    /// Changes a current medication: stops it with the reason and starts the new dose in its place.
    func changeMedication(_ id: UUID, _ fields: [String: String], for patientID: UUID, by caller: Caller) async throws -> (MedicationRecord, String?) {
        let draft = try Self.draft(fields, today: clock.now())
        guard !draft.reason.isEmpty else { throw AppError.invalid(ValidationErrors("reason", "Give the reason for the change.")) }
        return try await database.write { db in
            let authorized = try await prescriber(patientID, caller, on: db)
            guard let old = try await CarePlanQueries.lockMedication(id, on: db), old.$patient.id == patientID else { throw AppError.notFound }
            guard old.isCurrent else { throw AppError.conflict("\(old.name) was already stopped on \(old.stoppedOn ?? "").") }
            let now = clock.now()
            let replacement = MedicationRecord(patientID: patientID, draft: draft, prescriberID: caller.userID, createdAt: now)
            try await replacement.create(on: db)
            old.stoppedOn = draft.startedOn.description
            old.stopReason = "Changed: \(draft.reason)"
            old.replacedBy = replacement.id
            try await old.save(on: db)
            let words = "\(caller.identity.displayName) changed \(old.name) \(old.dose) to \(draft.name) \(draft.dose), \(draft.frequency)"
            try await timeline.record(.medication, "\(words): \(draft.reason)", patient: patientID, by: caller, on: db)
            try await tellTeam(authorized, "\(words) for \(authorized.patient.givenName) \(authorized.patient.familyName): \(draft.reason)", by: caller, on: db)
            try await auditor.record(.medicationChange, patient: patientID, subject: "medication:\(replacement.id!)", by: caller, on: db)
            return (replacement, try await warning(draft.name, authorized, on: db))
        }
    }

    func stopMedication(_ id: UUID, reason rawReason: String?, for patientID: UUID, by caller: Caller) async throws {
        var check = FieldChecker()
        let reason = check.text(rawReason, field: "reason", label: "Reason for stopping", required: true, maxLength: 500)
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        try await database.write { db in
            let authorized = try await prescriber(patientID, caller, on: db)
            guard let medication = try await CarePlanQueries.lockMedication(id, on: db), medication.$patient.id == patientID else { throw AppError.notFound }
            guard medication.isCurrent else { throw AppError.conflict("\(medication.name) was already stopped on \(medication.stoppedOn ?? "").") }
            medication.stoppedOn = DateOnly.of(clock.now(), in: .gmt).description
            medication.stopReason = reason
            try await medication.save(on: db)
            try await timeline.record(.medication, "\(caller.identity.displayName) stopped \(medication.name): \(reason)", patient: patientID, by: caller, on: db)
            try await tellTeam(
                authorized, "\(caller.identity.displayName) stopped \(medication.name) for \(authorized.patient.givenName) \(authorized.patient.familyName): \(reason)", by: caller, on: db)
            try await auditor.record(.medicationStop, patient: patientID, subject: "medication:\(id)", by: caller, on: db)
        }
    }

    /// The rest of the team hears of a medication change: everyone on it now whose role the
    /// patient lets see the prescriber's records.
    private func tellTeam(_ authorized: PatientAccessService.Authorized, _ message: String, by caller: Caller, on db: any Database) async throws {
        let now = clock.now()
        let consent = try await patients.consentSettings(authorized.patient.id!, on: db)
        let told = authorized.team.filter {
            $0.membership.isActive(at: now) && $0.$user.id != caller.userID
                && ($0.membership.role == .prescriber || consent.allowsSharing(between: .prescriber, and: $0.membership.role))
        }.map(\.$user.id)
        try await notifier.notify(told, patient: authorized.patient.id!, kind: .carePlanChanged, message: message, link: SiteURL.patientPlan(authorized.patient.id!).path, on: db)
    }

    private static func draft(_ fields: [String: String], today: Date) throws -> MedicationDraft {
        do throws(ValidationErrors) { return try MedicationDraft.validated(fields, today: DateOnly.of(today, in: .gmt)) } catch { throw AppError.invalid(error) }
    }

    private func warning(_ name: String, _ authorized: PatientAccessService.Authorized, on db: any Database) async throws -> String? {
        Self.warning(for: name, positiveMDQ: try await MeasurementQueries.latestPositiveMDQ(of: authorized.patient.id!, on: db))
    }

    // MARK: Cadence and visits

    /// Sets how often `role` sees the patient.
    @discardableResult
    func setCadence(role rawRole: String?, level: String?, days: String?, for patientID: UUID, by caller: Caller) async throws -> FollowUpCadence {
        var check = FieldChecker()
        let role = check.choice(rawRole, field: "role", label: "Role", as: CareTeamRole.self)
        if let role, ![.prescriber, .therapist].contains(role) { check.errors.add("role", "Cadence is kept for the prescriber and the therapist.") }
        var cadence: (CadenceLevel, Int)?
        do throws(ValidationErrors) { cadence = try FollowUp.validated(level: level, days: days) } catch {
            for problem in error.problems { check.errors.add(problem.field, problem.message) }
        }
        guard check.errors.isEmpty, let role, let (level, interval) = cadence else { throw AppError.invalid(check.errors) }
        return try await database.write { db in
            _ = try await access.authorize(patientID, for: caller, need: .write, on: db)
            let saved = try await Self.set(role, level: level, days: interval, patient: patientID, by: caller.userID, at: clock.now(), on: db)
            try await timeline.record(.carePlan, "\(caller.identity.displayName) set the \(role.label.lowercased())'s follow-up: every \(interval) days.", patient: patientID, by: caller, on: db)
            try await auditor.record(.cadenceSet, patient: patientID, subject: "cadence:\(role.rawValue)", by: caller, on: db)
            return saved
        }
    }

    /// Creates or replaces the cadence for one role (one row per patient and role).
    static func set(_ role: CareTeamRole, level: CadenceLevel, days: Int, patient patientID: UUID, by userID: UUID, at now: Date, on db: any Database) async throws -> FollowUpCadence {
        try await PatientQueries.lockTeam(of: patientID, on: db)
        if let existing = try await FollowUpCadence.query(on: db).filter(\.$patient.$id == patientID).filter(\.$role == role.rawValue).first() {
            existing.level = level.rawValue
            existing.intervalDays = days
            existing.$setBy.id = userID
            existing.setAt = now
            try await CarePlanQueries.refreshNextDue(existing, on: db)
            return existing
        }
        let cadence = FollowUpCadence(patientID: patientID, role: role, level: level, intervalDays: days, setBy: userID, setAt: now)
        try await cadence.create(on: db)
        try await CarePlanQueries.refreshNextDue(cadence, on: db)
        return cadence
    }

    /// Records a visit by the caller, in their role on the team.
    @discardableResult
    func recordVisit(kind rawKind: String?, day rawDay: String?, for patientID: UUID, by caller: Caller) async throws -> VisitRecord {
        var check = FieldChecker()
        let kind = check.choice(rawKind, field: "kind", label: "Kind of visit", as: VisitKind.self)
        let day = DateOnly((rawDay ?? "").trimmingCharacters(in: .whitespaces))
        if day == nil { check.errors.add("day", "Give the day of the visit as YYYY-MM-DD.") }
        guard check.errors.isEmpty, let kind, let day else { throw AppError.invalid(check.errors) }
        return try await database.write { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .write, on: db)
            let now = clock.now()
            guard let member = authorized.team.first(where: { $0.$user.id == caller.userID && $0.membership.isActive(at: now) }) else { throw AppError.forbidden }
            let at = day.start(in: .gmt, plusHours: 12)
            guard at <= now.addingTimeInterval(86400) else { throw AppError.invalid(ValidationErrors("day", "A visit is recorded once it has happened, not ahead.")) }
            let visit = VisitRecord(patientID: patientID, clinicianID: caller.userID, role: member.membership.role, kind: kind, day: day, at: at, createdAt: now)
            try await visit.create(on: db)
            if let cadence = try await FollowUpCadence.query(on: db).filter(\.$patient.$id == patientID).filter(\.$role == member.role).first() {
                try await CarePlanQueries.refreshNextDue(cadence, on: db)
            }
            try await timeline.record(.visit, "\(caller.identity.displayName) saw the patient (\(kind.label.lowercased()), \(day)).", patient: patientID, by: caller, on: db)
            // A visit after a discharge is the follow-up the discharge asked for.
            if !(try await CareEventQueries.completeFollowUps(of: patientID, visitAt: at, at: now, on: db)).isEmpty {
                try await timeline.record(.careEvent, "The visit owed after the patient's discharge has happened.", patient: patientID, by: caller, on: db)
            }
            try await auditor.record(.visitRecord, patient: patientID, subject: "visit:\(visit.id!)", by: caller, on: db)
            return visit
        }
    }

    /// The caller's follow-ups that are overdue now, most overdue first, with their patients.
    func overdue(by caller: Caller) async throws -> [FollowUpCadence] {
        let db = database.reader()
        let now = clock.now()
        let due = try await CarePlanQueries.followUps(forMember: caller.userID, at: now, on: db).filter { $0.nextDueAt < now }
        guard !due.isEmpty else { return [] }
        let patients = try await Patient.query(on: db).filter(\.$id ~~ due.map(\.$patient.id)).all()
        for cadence in due { cadence.$patient.value = patients.first { $0.id == cadence.$patient.id } }
        return due.filter { $0.$patient.value != nil }
    }

    /// Reminds the clinicians in each role a day before a follow-up is due, once per due date.
    @discardableResult
    func sweep() async throws -> Int {
        let now = clock.now()
        return try await database.write { db in
            let due = try await CarePlanQueries.claimReminders(lead: ServiceLevelTargets.standard.reminderLead, at: now, on: db)
            for cadence in due {
                let team = try await CareTeamQueries.team(of: cadence.$patient.id, on: db).filter { $0.membership.isActive(at: now) && $0.role == cadence.role }
                try await notifier.notify(
                    team.map(\.$user.id), patient: cadence.$patient.id, kind: .followUpDue,
                    message: "A follow-up with \(cadence.patient.givenName) \(cadence.patient.familyName) is due by \(DisplayDate.day(cadence.nextDueAt)).",
                    link: SiteURL.patientPlan(cadence.$patient.id).path, on: db)
            }
            return due.count
        }
    }
}
