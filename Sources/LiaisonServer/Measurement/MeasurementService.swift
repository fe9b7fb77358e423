import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Measurement-based care. The team asks the patient to complete a questionnaire (PHQ-9, GAD-7,
/// PCL-5, MDQ) by a date, perhaps again every few weeks; the patient answers in the portal, or a
/// clinician enters the answers on their behalf. Each response is scored by its instrument's
/// published rules, and raises its flags in the same transaction, once (a unique index backs
/// this): PHQ-9 item 9 above 0 reaches the whole team at once and must be acknowledged within
/// hours or is escalated; no response after the organisation's weeks in treatment puts the
/// patient on the case-review list; a positive MDQ goes to the prescribers.
struct MeasurementService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let access: PatientAccessService
    let auditor: Auditor
    let notifier: Notifier
    let outbox: Outbox
    let timeline: Timeline
    /// Where emailed links point.
    let baseURL: String

    /// What the team sees of a patient's measures.
    struct Measures: Sendable {
        let patient: Patient
        let responses: [QuestionnaireResponse]
        let requests: [QuestionnaireRequest]
        let flags: [MeasurementFlag]
        let mayWrite: Bool
    }

    /// A request's fields.
    struct RequestInput: Decodable, Sendable {
        var instrument: String?
        /// Days from now until it is due (default 7).
        var dueInDays: String?
        /// Ask again this many days after each completion; empty for once.
        var repeatDays: String?
    }

    /// A submitted questionnaire, with the flags it raised.
    struct Submitted: Sendable {
        let response: QuestionnaireResponse
        let flags: [FlagKind]
    }

    // MARK: Asking

    @discardableResult
    func request(_ input: RequestInput, for patientID: UUID, by caller: Caller) async throws -> QuestionnaireRequest {
        var check = FieldChecker()
        let kind = check.choice(input.instrument, field: "instrument", label: "Questionnaire", as: InstrumentKind.self)
        let due = Self.days(input.dueInDays, default: 7, range: 0...60, field: "dueInDays", label: "Days until it is due", check: &check)
        let repeatDays = Self.days(input.repeatDays, default: nil, range: 7...180, field: "repeatDays", label: "Repeat every (days)", check: &check)
        guard check.errors.isEmpty, let kind, let due else { throw AppError.invalid(check.errors) }
        return try await database.write { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .write, on: db)
            let now = clock.now()
            let request = QuestionnaireRequest(
                patientID: patientID, instrument: kind, requesterID: caller.userID, createdAt: now, dueAt: now.addingTimeInterval(TimeInterval(due) * 86400),
                repeatDays: repeatDays)
            try await request.create(on: db)
            try await timeline.record(.measurement, "\(caller.identity.displayName) asked the patient to complete the \(kind.instrument.title)\(repeatDays.map { ", every \($0) days" } ?? "").", patient: patientID, by: caller, on: db)
            if let portal = authorized.patient.portalUserID {
                let link = SiteURL.portalQuestionnaire(request.id!).path
                try await notifier.notify([portal], patient: patientID, kind: .questionnaireRequested,
                                          message: "Your care team asks you to complete a short questionnaire (\(kind.instrument.title)).", link: link, on: db)
                try await outbox.notices([portal], subject: "A questionnaire from your care team", words: "Your care team asks you to complete a short questionnaire:", url: baseURL + link, on: db)
            }
            try await auditor.record(.questionnaireRequest, patient: patientID, subject: "questionnaire-request:\(request.id!)", by: caller, on: db)
            return request
        }
    }

    private static func days(_ raw: String?, default value: Int?, range: ClosedRange<Int>, field: String, label: String, check: inout FieldChecker) -> Int? {
        let text = (raw ?? "").trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return value }
        guard let number = Int(text), range.contains(number) else {
            check.errors.add(field, "\(label) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
            return nil
        }
        return number
    }

    // MARK: Reading

    func measures(of patientID: UUID, by caller: Caller) async throws -> Measures {
        let found = try await database.reader().transaction { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .clinicalRecord, on: db)
            return Measures(
                patient: authorized.patient, responses: try await MeasurementQueries.responses(of: patientID, on: db),
                requests: try await MeasurementQueries.openRequests(of: patientID, on: db), flags: try await MeasurementQueries.flags(of: patientID, on: db),
                mayWrite: authorized.access.mayWrite)
        }
        try await auditor.recordRead(.measuresRead, patient: patientID, subject: "measures", by: caller, in: database)
        return found
    }

    /// The caller's own open requests (a patient in the portal).
    func ownRequests(of patient: Patient) async throws -> [QuestionnaireRequest] {
        try await MeasurementQueries.openRequests(of: patient.id!, on: database.reader())
    }

    /// A request for the patient it is addressed to, with the response once completed.
    func ownRequest(_ id: UUID, patient: Patient) async throws -> (QuestionnaireRequest, QuestionnaireResponse?) {
        let db = database.reader()
        guard let request = try await QuestionnaireRequest.find(id, on: db), request.$patient.id == patient.id else { throw AppError.notFound }
        var response: QuestionnaireResponse?
        if let responseID = request.responseID { response = try await QuestionnaireResponse.find(responseID, on: db) }
        return (request, response)
    }

    /// Open flags on the caller's patients.
    func openFlags(by caller: Caller) async throws -> [MeasurementFlag] {
        try await MeasurementQueries.openFlags(forMember: caller.userID, at: clock.now(), on: database.reader())
    }

    /// What the patient reads in a crisis: the organisation's own words (that of the responsible
    /// prescriber, else the longest-serving member), or the standard text.
    func crisisText(for patientID: UUID) async throws -> String {
        let db = database.reader()
        let team = try await CareTeamQueries.team(of: patientID, on: db)
        return try await OrganisationQueries.leadOrganisation(of: team, at: clock.now(), on: db)?.crisisText?.nilIfEmpty ?? CrisisResources.standard
    }

    // MARK: Answering

    /// The patient completes one of their requests.
    func complete(_ requestID: UUID, answers: [String: String], patient: Patient, by caller: Caller) async throws -> Submitted {
        guard caller.identity.isPatient, patient.portalUserID == caller.userID else { throw AppError.notFound }
        return try await submit(patientID: patient.id!, kind: nil, requestID: requestID, answers: answers, onBehalf: false, by: caller)
    }

    /// A clinician on the team enters the patient's answers (asked in a visit or by phone).
    func enter(_ kindName: String?, answers: [String: String], for patientID: UUID, requestID: UUID?, by caller: Caller) async throws -> Submitted {
        var check = FieldChecker()
        let kind = requestID == nil ? check.choice(kindName, field: "instrument", label: "Questionnaire", as: InstrumentKind.self) : nil
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        return try await submit(patientID: patientID, kind: kind, requestID: requestID, answers: answers, onBehalf: true, by: caller)
    }

    private func submit(
        patientID: UUID, kind given: InstrumentKind?, requestID: UUID?, answers: [String: String], onBehalf: Bool, by caller: Caller
    ) async throws -> Submitted {
        // Scoring happens before anything is written; bad answers change nothing.
        if let given {
            do throws(ValidationErrors) { _ = try given.instrument.score(answers) } catch { throw AppError.invalid(error) }
        }
        return try await database.write { db in
            // One patient's responses are stored one at a time, so "not improving" is raised once
            // even when two arrive at the same moment.
            try await PatientQueries.lockTeam(of: patientID, on: db)
            let authorized = try await access.authorize(patientID, for: caller, need: onBehalf ? .write : .anyAccess, on: db)
            let now = clock.now()
            var request: QuestionnaireRequest?
            if let requestID {
                guard let locked = try await MeasurementQueries.lockRequest(requestID, on: db), locked.$patient.id == patientID else { throw AppError.notFound }
                guard locked.isOpen else { throw AppError.conflict("This questionnaire has already been completed.") }
                request = locked
            }
            guard let kind = given ?? request?.kind else { throw AppError.notFound }
            let score: InstrumentScore
            do throws(ValidationErrors) { score = try kind.instrument.score(answers) } catch { throw AppError.invalid(error) }
            let response = try QuestionnaireResponse(patientID: patientID, score: score, enteredBy: caller.userID, onBehalf: onBehalf, completedAt: now, requestID: request?.id)
            try await response.create(on: db)
            if let request {
                request.completedAt = now
                request.responseID = response.id
                try await request.save(on: db)
                if let every = request.repeatDays {
                    try await QuestionnaireRequest(
                        patientID: patientID, instrument: kind, requesterID: request.$requester.id, createdAt: now,
                        dueAt: now.addingTimeInterval(TimeInterval(every) * 86400), repeatDays: every
                    ).create(on: db)
                }
            }
            if let summary = try await MeasurementSummary.query(on: db).filter(\.$patient.$id == patientID).filter(\.$instrument == kind.rawValue).first() {
                summary.record(response)
                try await summary.save(on: db)
            } else {
                try await MeasurementSummary(patientID: patientID, response: response, nextDueAt: try await CarePlanQueries.soonestDue(of: patientID, on: db)).create(on: db)
            }
            let who = onBehalf ? "\(caller.identity.displayName) entered" : "The patient completed"
            try await timeline.record(.measurement, "\(who) the \(kind.instrument.title): \(score.total) (\(score.band)).", patient: patientID, by: caller, on: db)
            try await auditor.record(.questionnaireRespond, patient: patientID, subject: "questionnaire-response:\(response.id!)", by: caller, on: db)
            let flags = try await raiseFlags(for: score, response: response, team: authorized.team, patient: authorized.patient, by: caller, on: db)
            try await tightenIfWorse(score, response: response, team: authorized.team, patient: authorized.patient, by: caller, on: db)
            return Submitted(response: response, flags: flags)
        }
    }

    /// Raises what `score` calls for, each once, to the people on the team at this moment.
    private func raiseFlags(
        for score: InstrumentScore, response: QuestionnaireResponse, team: [CareTeamMember], patient: Patient, by caller: Caller, on db: any Database
    ) async throws -> [FlagKind] {
        let now = clock.now()
        let baseline = try await MeasurementQueries.baseline(of: patient.id!, score.kind, on: db)
        let organisation = try await OrganisationQueries.leadOrganisation(of: team, at: now, on: db)
        let kinds = FlagRules.flags(
            for: score, baseline: baseline.flatMap { $0.id == response.id ? nil : ($0.total, $0.completedAt) }, at: now,
            reviewWeeks: organisation?.targets.reviewWeeks ?? FlagRules.defaultReviewWeeks,
            notImprovingOpen: try await MeasurementQueries.hasOpenFlag(.notImproving, patient: patient.id!, on: db))
        let active = team.filter { $0.membership.isActive(at: now) }
        let name = "\(patient.givenName) \(patient.familyName)"
        for kind in kinds {
            let flag = MeasurementFlag(patientID: patient.id!, responseID: response.id!, kind: kind, createdAt: now, escalateAt: kind.acknowledgeWithin.map { now.addingTimeInterval($0) })
            try await flag.create(on: db)
            let people = kind == .mdqPositive ? active.filter { $0.membership.role == .prescriber }.map(\.$user.id) : active.map(\.$user.id)
            let link = SiteURL.patientMeasures(patient.id!).path
            try await notifier.notify(people, patient: patient.id!, kind: .measurementFlag, message: "\(name): \(kind.label). \(kind.meaning)", link: link, on: db)
            // Email leaves Liaison: a link, never the name or the answer.
            try await outbox.notices(
                people, subject: kind == .selfHarmItem ? "Liaison: a patient's questionnaire needs a clinician today" : "Liaison: a questionnaire needs your review",
                words: "A questionnaire answer needs a clinician's attention:", url: baseURL + link, urgent: kind == .selfHarmItem, on: db)
            try await auditor.record(.flagRaise, patient: patient.id!, subject: "flag:\(flag.id!):\(kind.rawValue)", by: caller, on: db)
        }
        return kinds
    }

    /// A meaningfully worse score than the previous one (`FollowUp.worsened`) tightens the
    /// prescriber's follow-up to four weeks, if it was longer, and the prescribers are told.
    private func tightenIfWorse(
        _ score: InstrumentScore, response: QuestionnaireResponse, team: [CareTeamMember], patient: Patient, by caller: Caller, on db: any Database
    ) async throws {
        guard let previous = try await QuestionnaireResponse.query(on: db).filter(\.$patient.$id == patient.id!).filter(\.$instrument == score.kind.rawValue)
            .filter(\.$id != response.id!).sort(\.$completedAt, .descending).first(),
            FollowUp.worsened(score.kind, previous: previous.total, latest: score.total)
        else { return }
        let now = clock.now()
        let days = CadenceLevel.worsening.usualDays!
        let current = try await FollowUpCadence.query(on: db).filter(\.$patient.$id == patient.id!).filter(\.$role == CareTeamRole.prescriber.rawValue).first()
        guard current.map({ $0.intervalDays > days }) ?? true else { return }
        let cadence = try await CarePlanService.set(.prescriber, level: .worsening, days: days, patient: patient.id!, by: caller.userID, at: now, on: db)
        let words = "\(score.kind.instrument.title) for \(patient.givenName) \(patient.familyName) rose from \(previous.total) to \(score.total): the prescriber's follow-up is now every \(days) days; next visit due \(DisplayDate.day(cadence.nextDueAt))."
        try await timeline.record(.carePlan, words, patient: patient.id!, by: caller, on: db)
        let prescribers = team.filter { $0.membership.isActive(at: now) && $0.membership.role == .prescriber }.map(\.$user.id)
        try await notifier.notify(prescribers, patient: patient.id!, kind: .cadenceTightened, message: words, link: SiteURL.patientPlan(patient.id!).path, on: db)
    }

    // MARK: Acknowledging

    /// A clinician on the team acknowledges a flag, once.
    @discardableResult
    func acknowledge(_ flagID: UUID, note rawNote: String?, by caller: Caller) async throws -> MeasurementFlag {
        var check = FieldChecker()
        let note = check.text(rawNote, field: "note", label: "Note", maxLength: 1000)
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        return try await database.write { db in
            guard let flag = try await MeasurementQueries.lockFlag(flagID, on: db) else { throw AppError.notFound }
            let authorized = try await access.authorize(flag.$patient.id, for: caller, need: .write, on: db)
            if let at = flag.acknowledgedAt {
                let who = try await flag.$acknowledgedBy.get(on: db)?.displayName ?? "a colleague"
                throw AppError.conflict("This alert was already acknowledged by \(who) at \(DisplayDate.dateTime(at)).")
            }
            let now = clock.now()
            flag.acknowledgedAt = now
            flag.$acknowledgedBy.id = caller.userID
            flag.note = note.isEmpty ? nil : note
            try await flag.save(on: db)
            let patient = authorized.patient
            let others = authorized.team.filter { $0.membership.isActive(at: now) && $0.$user.id != caller.userID }.map(\.$user.id)
            try await notifier.notify(
                others, patient: patient.id!, kind: .measurementFlag,
                message: "\(caller.identity.displayName) acknowledged the alert for \(patient.givenName) \(patient.familyName): \(flag.flagKind.label).\(note.isEmpty ? "" : " \(note)")",
                link: SiteURL.patientMeasures(patient.id!).path, on: db)
            try await timeline.record(.measurement, "\(caller.identity.displayName) acknowledged an alert: \(flag.flagKind.label).", patient: patient.id!, by: caller, on: db)
            try await auditor.record(.flagAcknowledge, patient: patient.id!, subject: "flag:\(flag.id!)", by: caller, on: db)
            return flag
        }
    }

    /// Alerts nobody acknowledged in time: the team is told again, and the administrators of the
    /// team's organisations hear of it by reference (never the name or the answer). Once each.
    @discardableResult
    func sweep() async throws -> Int {
        let now = clock.now()
        return try await database.write { db in
            let overdue = try await MeasurementQueries.claimEscalations(at: now, on: db)
            for flag in overdue {
                let patient = flag.patient
                let team = try await CareTeamQueries.team(of: patient.id!, on: db).filter { $0.membership.isActive(at: now) }
                let link = SiteURL.patientMeasures(patient.id!).path
                try await notifier.notify(
                    team.map(\.$user.id), patient: patient.id!, kind: .measurementFlagEscalated,
                    message: "Still not acknowledged: \(patient.givenName) \(patient.familyName), \(flag.flagKind.label). Someone on the team must contact the patient.",
                    link: link, on: db)
                try await outbox.notices(team.map(\.$user.id), subject: "Liaison: an alert is still not acknowledged", words: "An alert about a patient is still not acknowledged:", url: baseURL + link, urgent: true, on: db)
                let organisations = try await OrganisationQueries.firstOrganisations(of: team.map(\.$user.id), on: db)
                let administrators = try await OrganisationQueries.administrators(of: organisations, on: db)
                for (organisation, people) in administrators {
                    let words = "Alert \(ReferralReference.short(flag.id!)) on patient \(PatientReference.short(patient.id!)) has not been acknowledged by the care team within \(Int((flag.flagKind.acknowledgeWithin ?? 0) / 3600)) hours."
                    let ids = people.compactMap(\.id)
                    try await notifier.notify(ids, patient: nil, kind: .measurementFlagEscalated, message: words, link: SiteURL.organisation(organisation).path, on: db)
                    try await outbox.notices(ids, subject: "Liaison: an alert is still not acknowledged", words: words, url: baseURL + SiteURL.organisation(organisation).path, urgent: true, on: db)
                }
            }
            try await auditor.recordSystem(
                .flagEscalate, overdue.map { (patient: $0.$patient.id, subject: "flag:\($0.id!)") }, purpose: "alert not acknowledged in time", at: now, on: db)
            return overdue.count
        }
    }
}
