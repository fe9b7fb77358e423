import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Second-opinion consultations. The patient (from the portal) or someone on their team asks,
/// saying what is not working, and chooses a consultant through matching, seeing each one's
/// stance on transfers. The consultant answers; on accepting they join the care team as
/// "consultant" until the consultation closes, plus the organisation's grace period. Their
/// report is a draft only they see until they release it: release is one transaction, after
/// which the patient and the treating team (the treating psychiatrist always; the rest of the
/// team as the patient's consent allows) read the same report. Each step goes through
/// `ConsultationStateMachine` with the consultation locked; refusals name the state (409).
struct ConsultationService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let access: PatientAccessService
    let auditor: Auditor
    let notifier: Notifier
    let outbox: Outbox
    let timeline: Timeline
    let careTeams: CareTeamService
    let patients: PatientService
    /// Where emailed links point.
    let baseURL: String

    /// A consultant the requester may choose, with their stance on transfers.
    struct Choice: Sendable {
        let userID: UUID
        let name: String
        let discipline: Discipline
        let stance: String
        let reasons: [String]
    }

    /// The request form's or the API's fields.
    struct Request: Decodable, Sendable {
        var consultantID: String?
        var reasons: [String]?
        var concerns: String?
    }

    /// A consultation as one person may see it.
    struct Viewed: Sendable {
        let consultation: Consultation
        let side: ConsultationSide
        let isPatient: Bool
        /// The report this person may read: the consultant's draft, or the released report.
        let report: Letter?
        let allowed: [ConsultationAction]
    }

    // MARK: Choosing and asking

    /// Who can give this patient a second opinion, best fit first (matching, service
    /// second-opinion consultation), for the patient or someone treating them.
    func choices(for patientID: UUID, by caller: Caller) async throws -> (Patient, [Choice]) {
        try await database.reader().transaction { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .askOnBehalf, on: db)
            let candidates = try await MatchingQueries.candidates(offering: .secondOpinion, except: caller.userID, on: db)
            let onTeam = Set(authorized.team.filter { $0.membership.isActive(at: clock.now()) }.map(\.$user.id))
            let ranked = Matching.rank(MatchRequest(service: .secondOpinion), candidates.filter { !onTeam.contains($0.userID) })
            return (authorized.patient, ranked.matches.map {
                Choice(userID: $0.candidate.userID, name: $0.candidate.name, discipline: $0.candidate.discipline,
                       stance: ConsultantStance.words($0.candidate.intake.transfers), reasons: $0.reasons)
            })
        }
    }

    /// Asks for a second opinion; bad input changes nothing.
    @discardableResult
    func request(_ input: Request, for patientID: UUID, by caller: Caller) async throws -> Consultation {
        var errors = ValidationErrors()
        var request: ConsultationRequest?
        do { request = try ConsultationRequest.validated(reasons: input.reasons ?? [], concerns: input.concerns) } catch { errors = error }
        let consultantID = input.consultantID.flatMap { UUID(uuidString: $0.trimmingCharacters(in: .whitespaces)) }
        if consultantID == nil { errors.add("consultantID", "Choose the consultant.") }
        guard errors.isEmpty, let request, let consultantID else { throw AppError.invalid(errors) }
        let (_, choices) = try await choices(for: patientID, by: caller)
        guard let choice = choices.first(where: { $0.userID == consultantID }) else {
            throw AppError.invalid(ValidationErrors("consultantID", "Choose one of the consultants offered: they offer second opinions and have an opening."))
        }
        return try await database.write { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .askOnBehalf, on: db)
            let now = clock.now()
            let organisation = try await OrganisationQueries.firstOrganisation(of: consultantID, on: db)
            let consultation = Consultation(
                patientID: patientID, consultantID: consultantID, organisationID: organisation?.id, requesterID: caller.userID,
                byPatient: caller.identity.isPatient, request: request, createdAt: now)
            let targets = organisation?.targets ?? .standard
            let calendar = organisation?.calendar ?? .standard
            let due = targets.acknowledgementDue(sentAt: now, urgency: .routine, calendar: calendar)
            consultation.answerDueAt = due
            consultation.escalateAt = targets.escalationAt(due: due, calendar: calendar)
            consultation.expiresAt = targets.expiresAt(sentAt: now)
            try await consultation.create(on: db)
            let patient = authorized.patient, id = consultation.id!
            let asker = caller.identity.isPatient ? "\(patient.givenName) \(patient.familyName)" : caller.identity.displayName
            try await timeline.record(.consultation, "\(asker) asked \(choice.name) for a second opinion.", patient: patientID, by: caller, on: db)
            try await tell([consultantID], kind: .consultationRequested,
                           "\(asker) asks you for a second opinion about \(patient.givenName) \(patient.familyName).", about: consultation, on: db)
            // The treating psychiatrist hears of it, neutrally.
            let treating = Self.treatingPsychiatrists(authorized.team, at: now).filter { $0 != caller.userID }
            try await tell(treating, kind: .consultationUpdate,
                           "A second opinion from \(choice.name) was requested for \(patient.givenName) \(patient.familyName).", about: consultation, on: db)
            try await auditor.record(.consultationRequest, patient: patientID, subject: "consultation:\(id)", by: caller, on: db)
            consultation.$consultant.value = try await UserAccount.find(consultantID, on: db)
            return consultation
        }
    }

    // MARK: Reading

    /// A consultation for the consultant, the patient, or someone on the patient's team now;
    /// anyone else: not found. Nobody but the consultant sees the report before release.
    func view(_ id: UUID, by caller: Caller) async throws -> Viewed {
        let seen = try await database.reader().transaction { db in
            guard let consultation = try await ConsultationQueries.consultation(id, on: db) else { throw AppError.notFound }
            return try await viewed(consultation, caller, on: db)
        }
        try await auditor.recordRead(
            .consultationRead, patient: seen.consultation.$patient.id, subject: "consultation:\(id)",
            purpose: seen.isPatient ? "patient access" : "treatment", by: caller, in: database)
        return seen
    }

    /// The patient's consultations, for the patient or their team.
    func consultations(of patientID: UUID, by caller: Caller) async throws -> [Consultation] {
        try await database.reader().transaction { db in
            _ = try await access.authorize(patientID, for: caller, need: .askOnBehalf, on: db)
            return try await ConsultationQueries.consultations(ofPatient: patientID, on: db)
        }
    }

    /// The consultations the caller gives or asked for.
    func mine(by caller: Caller) async throws -> [Consultation] {
        try await ConsultationQueries.consultations(of: caller.userID, on: database.reader())
    }

    // MARK: Steps

    /// One step, through the state machine, with the consultation locked.
    @discardableResult
    func act(_ action: ConsultationAction, on id: UUID, fields: [String: String], by caller: Caller) async throws -> Consultation {
        guard action != .expire else { throw AppError.notFound }
        var check = FieldChecker()
        let reason = [.decline, .cancel].contains(action)
            ? check.text(fields["reason"], field: "reason", label: action == .decline ? "Reason for declining" : "Reason for cancelling", required: true, maxLength: 1000) : ""
        let day = action == .schedule ? DateOnly(fields["appointment"] ?? "") : nil
        if action == .schedule, day == nil { check.errors.add("appointment", "Give the date of the appointment, written YYYY-MM-DD.") }
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        return try await database.write { db in
            guard let consultation = try await ConsultationQueries.lockForChange(id, on: db) else { throw AppError.notFound }
            let side = try await viewed(consultation, caller, on: db).side
            let state = try ConsultationStateMachine.apply(action, to: consultation.consultationState, by: side)
            let now = clock.now()
            let patient = consultation.patient, consultant = consultation.consultant
            let patientName = "\(patient.givenName) \(patient.familyName)"
            var team = try await CareTeamQueries.team(of: patient.id!, on: db)
            switch action {
            case .accept:
                consultation.acceptedAt = now
                try await PatientQueries.lockTeam(of: patient.id!, on: db)
                team = try await CareTeamQueries.team(of: patient.id!, on: db)
                if let current = team.first(where: { $0.$user.id == consultant.id && $0.membership.isActive(at: now) }) {
                    consultation.membershipID = current.id
                } else {
                    let member = try await careTeams.join(
                        .init(userID: consultant.id!, role: .consultant,
                              summary: "\(consultant.displayName) joined the care team as consultant for a second opinion.", subject: "consultation:\(id)"),
                        patient: patient.id!, team: team, by: caller, on: db)
                    consultation.membershipID = member.id
                }
                try await tellAskers(consultation, team, "\(consultant.displayName) accepted the second-opinion request for \(patientName).", on: db)
            case .decline:
                consultation.endedReason = reason
                try await tellAskers(consultation, team, "\(consultant.displayName) declined the second-opinion request for \(patientName): \(reason)", on: db)
            case .schedule:
                let calendar = consultation.organisation?.calendar ?? .standard
                consultation.appointmentAt = day!.start(in: calendar.timeZone, plusHours: 12)
                try await tellAskers(consultation, team, "The second-opinion appointment for \(patientName) with \(consultant.displayName) is on \(day!).", on: db)
            case .draft:
                consultation.report = try Self.draft(fields).storedText
            case .release:
                // The draft as saved (with any last changes sent along) must be complete.
                var sections = consultation.reportLetter.map { Dictionary(uniqueKeysWithValues: $0.sections.map { ($0.key, $0.text) }) } ?? [:]
                for part in Letter.template(.consultationReport) where fields[part.key] != nil { sections[part.key] = fields[part.key] }
                let report: Letter
                do throws(ValidationErrors) { report = try Letter.validated(.consultationReport, fields: sections) } catch { throw AppError.invalid(error) }
                consultation.report = try report.storedText
                consultation.releasedAt = now
                try await timeline.record(.consultation, "\(consultant.displayName) released the second-opinion report.", patient: patient.id!, by: caller, on: db)
                var readers = Self.treatingPsychiatrists(team, at: now) + [consultation.$requester.id]
                if let portal = patient.portalUserID { readers.append(portal) }
                try await tell(readers.filter { $0 != caller.userID }, kind: .consultationReport,
                               "\(consultant.displayName)'s second-opinion report for \(patientName) is ready.", about: consultation, on: db)
            case .close:
                consultation.closedAt = now
                try await endAccess(consultation, team, at: (consultation.organisation?.targets ?? .standard).readAccessEnds(after: now), by: caller, on: db)
            case .cancel:
                consultation.endedReason = reason
                try await endAccess(consultation, team, at: nil, by: caller, on: db)
                try await tell([consultant.id!], kind: .consultationUpdate, "The second-opinion request for \(patientName) was cancelled: \(reason)", about: consultation, on: db)
            case .expire:
                break
            }
            consultation.state = state.rawValue
            consultation.updatedAt = now
            try await consultation.save(on: db)
            try await auditor.record(.consultation(action), patient: patient.id!, subject: "consultation:\(id)", by: caller, on: db)
            return consultation
        }
    }

    /// A step of the call loop after the report: the treating side asks, the consultant offers
    /// times, either marks it held. The patient follows it but does not take these steps.
    @discardableResult
    func call(_ step: CallStep, on id: UUID, times rawTimes: String?, by caller: Caller) async throws -> Consultation {
        var check = FieldChecker()
        let times = step == .offer ? check.text(rawTimes, field: "times", label: "Times you offer", required: true, maxLength: 500) : ""
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        return try await database.write { db in
            guard let consultation = try await ConsultationQueries.lockForChange(id, on: db) else { throw AppError.notFound }
            let viewed = try await viewed(consultation, caller, on: db)
            guard !viewed.isPatient else { throw AppError.forbidden }
            let isConsultant = viewed.side == .consultant
            consultation.callState = try CallLoop.apply(
                step, to: consultation.call, reportReleased: consultation.consultationState.reportReleased, consultant: isConsultant).rawValue
            if step == .offer { consultation.callTimes = times }
            consultation.updatedAt = clock.now()
            try await consultation.save(on: db)
            let patient = consultation.patient
            let team = try await CareTeamQueries.team(of: patient.id!, on: db)
            let about = "\(patient.givenName) \(patient.familyName)"
            switch step {
            case .ask:
                try await tell([consultation.$consultant.id], kind: .consultationUpdate, "\(caller.identity.displayName) asks to talk about your report on \(about).", about: consultation, on: db)
            case .offer:
                try await tell(Self.treatingPsychiatrists(team, at: clock.now()) + [consultation.$requester.id], kind: .consultationUpdate,
                               "\(consultation.consultant.displayName) offered times to talk about \(about): \(times)", about: consultation, on: db)
            case .done:
                break
            }
            try await auditor.record(.consultationCall, patient: patient.id!, subject: "consultation:\(id):\(step.rawValue)", by: caller, on: db)
            return consultation
        }
    }

    /// A draft keeps what is written so far, each section within the length ceiling.
    static func draft(_ fields: [String: String]) throws -> Letter {
        var check = FieldChecker()
        var sections: [Letter.Section] = []
        for part in Letter.template(.consultationReport) {
            let text = check.text(fields[part.key], field: part.key, label: part.title, maxLength: Letter.maximumSectionLength)
            if !text.isEmpty { sections.append(.init(key: part.key, title: part.title, text: text)) }
        }
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        return Letter(kind: .consultationReport, sections: sections)
    }

    /// Reminds consultants of answers due within a day, tells their organisation's administrators
    /// of answers well overdue (a reference, never the patient's name), and expires requests
    /// nobody answered in time (the referral sweep's minute, with the referral's reminder lead).
    @discardableResult
    func sweep() async throws -> Int {
        let now = clock.now()
        try await database.write { db in
            let due = try await ConsultationQueries.claimReminders(dueBefore: now.addingTimeInterval(ServiceLevelTargets.standard.reminderLead), at: now, on: db)
            for consultation in due {
                try await tell(
                    [consultation.$consultant.id], kind: .consultationUpdate,
                    "Your answer to the second-opinion request for \(consultation.patient.givenName) \(consultation.patient.familyName) is due soon.",
                    about: consultation, on: db)
            }
            let overdue = try await ConsultationQueries.claimEscalations(at: now, on: db)
            let administrators = try await OrganisationQueries.administrators(of: overdue.compactMap(\.$organisation.id), on: db)
            for consultation in overdue {
                guard let organisation = consultation.$organisation.id, let people = administrators[organisation], !people.isEmpty else { continue }
                let words = "Second-opinion request \(ReferralReference.short(consultation.id!)) to \(consultation.consultant.displayName) is still unanswered well past its due time."
                let link = SiteURL.organisation(organisation).path
                try await notifier.notify(people.map { $0.id! }, patient: nil, kind: .consultationEscalated, message: words, link: link, on: db)
                try await outbox.notices(people.map { $0.id! }, subject: "Liaison: a second-opinion request needs an answer", words: words, url: baseURL + link, on: db)
            }
        }
        return try await database.write { db in
            let found = try await ConsultationQueries.expiryCandidates(at: now, limit: 500, on: db)
            let expired = try await ConsultationQueries.expire(found.map { $0.id! }, reason: "No answer before the request expired.", at: now, on: db)
            for consultation in found where expired.contains(consultation.id!) {
                try await notifier.notify(
                    [consultation.$requester.id], patient: consultation.$patient.id, kind: .consultationUpdate,
                    message: "Your second-opinion request to \(consultation.consultant.displayName) expired without an answer. You can ask someone else.",
                    link: SiteURL.consultation(consultation.id!).path, on: db)
            }
            try await auditor.recordSystem(
                .consultationExpire, found.filter { expired.contains($0.id!) }.map { (patient: $0.$patient.id, subject: "consultation:\($0.id!)") },
                purpose: "service-level target", at: now, on: db)
            return expired.count
        }
    }

    // MARK: Who is who

    /// The side the caller is on and what they may see; not found for anyone outside the case.
    private func viewed(_ consultation: Consultation, _ caller: Caller, on db: any Database) async throws -> Viewed {
        let state = consultation.consultationState
        if caller.userID == consultation.$consultant.id {
            return Viewed(consultation: consultation, side: .consultant, isPatient: false, report: consultation.reportLetter,
                          allowed: ConsultationStateMachine.allowedActions(in: state, for: .consultant))
        }
        let patient = consultation.patient
        let isPatient = caller.identity.isPatient && patient.portalUserID == caller.userID
        var mayReadReport = isPatient || caller.userID == consultation.$requester.id
        if !isPatient {
            let team = try await CareTeamQueries.team(of: patient.id!, on: db)
            let now = clock.now()
            guard let member = team.first(where: { $0.$user.id == caller.userID && $0.membership.isActive(at: now) }) else { throw AppError.notFound }
            let role = CareTeamRole(rawValue: member.role) ?? .other
            let consent = try await patients.consentSettings(patient.id!, on: db)
            mayReadReport = mayReadReport || Self.treatingPsychiatrists(team, at: now).contains(caller.userID)
                || consent.allowsSharing(between: .consultant, and: role)
        }
        return Viewed(
            consultation: consultation, side: .requester, isPatient: isPatient,
            report: state.reportReleased && mayReadReport ? consultation.reportLetter : nil,
            allowed: ConsultationStateMachine.allowedActions(in: state, for: .requester))
    }

    /// The prescribers on the team now, responsible ones first.
    static func treatingPsychiatrists(_ team: [CareTeamMember], at now: Date) -> [UUID] {
        team.filter { $0.membership.isActive(at: now) && CareTeamRole(rawValue: $0.role) == .prescriber }
            .sorted { $0.isResponsiblePrescriber && !$1.isResponsiblePrescriber }.map(\.$user.id)
    }

    /// The consultant's place on the team ends: at once (cancelled), or after the grace period.
    private func endAccess(_ consultation: Consultation, _ team: [CareTeamMember], at later: Date?, by caller: Caller, on db: any Database) async throws {
        guard let membershipID = consultation.membershipID, let member = team.first(where: { $0.id == membershipID }), member.endedAt == nil else { return }
        try await careTeams.end(member, patient: consultation.$patient.id, at: later, by: caller, on: db)
    }

    private func tellAskers(_ consultation: Consultation, _ team: [CareTeamMember], _ message: String, on db: any Database) async throws {
        var people = [consultation.$requester.id] + Self.treatingPsychiatrists(team, at: clock.now())
        if let portal = consultation.patient.portalUserID { people.append(portal) }
        try await tell(people, kind: .consultationUpdate, message, about: consultation, on: db)
    }

    /// In the app with `message`; by email (as each chose) with a link and no name.
    private func tell(_ people: [UUID], kind: NotificationKind, _ message: String, about consultation: Consultation, on db: any Database) async throws {
        let unique = Array(Set(people))
        guard !unique.isEmpty else { return }
        let link = SiteURL.consultation(consultation.id!).path
        try await notifier.notify(unique, patient: consultation.$patient.id, kind: kind, message: message, link: link, on: db)
        try await outbox.notices(unique, subject: "A second opinion in Liaison", words: "There is news about a second opinion in Liaison:", url: baseURL + link, on: db)
    }
}
