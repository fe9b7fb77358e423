import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Transfers of care. The patient (from the portal) or someone treating them asks to change
/// clinician for a role, with a reason, and chooses through matching among clinicians who accept
/// transfers. The incoming clinician answers; on accepting they join the care team, and the
/// outgoing clinician is asked, respectfully, for a handoff summary (due, reminded, escalated
/// like a referral's acknowledgement). Responsibility passes at the first recorded visit with the
/// incoming clinician, in one transaction, so there is never a moment without a responsible
/// prescriber; the outgoing clinician then keeps reading the record for the organisation's grace
/// period. Until that visit the patient (or whoever asked) may cancel, and nothing changes. Each
/// step goes through `TransferStateMachine` with the transfer locked; refusals name the state (409).
struct TransferService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let access: PatientAccessService
    let auditor: Auditor
    let notifier: Notifier
    let outbox: Outbox
    let timeline: Timeline
    let careTeams: CareTeamService
    /// Where emailed links point.
    let baseURL: String

    /// A clinician who could take over, and why them.
    struct Choice: Sendable {
        let userID: UUID
        let name: String
        let discipline: Discipline
        let reasons: [String]
    }

    /// Who holds the role now and who could take it over.
    struct Choices: Sendable {
        let patient: Patient
        let role: TransferRole
        let current: CareTeamMember?
        let choices: [Choice]
        /// The transfer already under way for this role, if any.
        let open: Transfer?
    }

    /// The request form's or the API's fields.
    struct Request: Decodable, Sendable {
        var role: String?
        var incomingID: String?
        var reason: String?
    }

    /// A transfer as one person may see it.
    struct Viewed: Sendable {
        let transfer: Transfer
        let sides: Set<TransferSide>
        let isPatient: Bool
        /// The handoff summary, for the clinicians (not the portal).
        let handoff: Letter?
        let allowed: [TransferAction]
    }

    // MARK: Choosing and asking

    /// The clinician in `role` now: the responsible prescriber (or, without one, the longest-serving
    /// prescriber), or the longest-serving therapist.
    static func current(_ role: TransferRole, in team: [CareTeamMember], at now: Date) -> CareTeamMember? {
        let holding = team.filter { $0.membership.isActive(at: now) && $0.membership.role == role.careTeamRole }
        return holding.first(where: \.isResponsiblePrescriber) ?? holding.first
    }

    /// Who could take over `role` for this patient, best fit first: matching for the role's
    /// service, offering only clinicians who accept transfers and are not on the team now.
    func choices(for patientID: UUID, role: TransferRole, by caller: Caller) async throws -> Choices {
        try await database.reader().transaction { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .askOnBehalf, on: db)
            return try await choices(authorized, role: role, caller: caller, on: db)
        }
    }

    private func choices(_ authorized: PatientAccessService.Authorized, role: TransferRole, caller: Caller, on db: any Database) async throws -> Choices {
        let now = clock.now()
        let onTeam = Set(authorized.team.filter { $0.membership.isActive(at: now) }.map(\.$user.id))
        let candidates = try await MatchingQueries.candidates(offering: role.service, except: caller.userID, on: db)
        let hasPsychiatrist = authorized.team.contains { $0.membership.isActive(at: now) && $0.membership.role == .prescriber }
        let ranked = Matching.rank(
            MatchRequest(service: role.service, isTransfer: true, patientHasPsychiatrist: hasPsychiatrist), candidates.filter { !onTeam.contains($0.userID) })
        return Choices(
            patient: authorized.patient, role: role, current: Self.current(role, in: authorized.team, at: now),
            choices: ranked.matches.map { Choice(userID: $0.candidate.userID, name: $0.candidate.name, discipline: $0.candidate.discipline, reasons: $0.reasons) },
            open: try await TransferQueries.open(patient: authorized.patient.id!, role: role, on: db))
    }

    /// Asks to change clinician; bad input changes nothing, and only one change per role runs at once.
    @discardableResult
    func request(_ input: Request, for patientID: UUID, by caller: Caller) async throws -> Transfer {
        var errors = ValidationErrors()
        var checked: TransferRequest?
        do throws(ValidationErrors) { checked = try TransferRequest.validated(role: input.role, reason: input.reason) } catch { errors = error }
        let incomingID = input.incomingID.flatMap { UUID(uuidString: $0.trimmingCharacters(in: .whitespaces)) }
        if incomingID == nil { errors.add("incomingID", "Choose the clinician to take over.") }
        guard errors.isEmpty, let request = checked, let incomingID else { throw AppError.invalid(errors) }
        return try await database.write { db in
            // Locked: two requests for the same role at once cannot both see "none under way".
            try await PatientQueries.lockTeam(of: patientID, on: db)
            let authorized = try await access.authorize(patientID, for: caller, need: .askOnBehalf, on: db)
            let found = try await choices(authorized, role: request.role, caller: caller, on: db)
            let patient = authorized.patient, name = "\(patient.givenName) \(patient.familyName)"
            if found.open != nil { throw AppError.conflict("A change of \(request.role.noun) for \(name) is already under way: answer or cancel it first.") }
            guard let current = found.current else {
                throw AppError.invalid(ValidationErrors("role", "\(name) has no \(request.role.noun) on the care team now: refer them instead."))
            }
            guard let choice = found.choices.first(where: { $0.userID == incomingID }) else {
                throw AppError.invalid(ValidationErrors("incomingID", "Choose one of the clinicians offered: they accept transfers and have an opening."))
            }
            let now = clock.now()
            let organisation = try await OrganisationQueries.firstOrganisation(of: incomingID, on: db)
            let transfer = Transfer(
                patientID: patientID, request: request, outgoingID: current.$user.id, outgoingMembershipID: current.id!, incomingID: incomingID,
                organisationID: organisation?.id, requesterID: caller.userID, byPatient: caller.identity.isPatient, createdAt: now)
            let targets = organisation?.targets ?? .standard
            transfer.answerDueAt = targets.acknowledgementDue(sentAt: now, urgency: .routine, calendar: (organisation?.calendar ?? .standard))
            transfer.expiresAt = targets.expiresAt(sentAt: now)
            try await transfer.create(on: db)
            let id = transfer.id!
            let asker = caller.identity.isPatient ? name : caller.identity.displayName
            try await timeline.record(.transfer, "\(asker) asked for \(choice.name) to take over as \(request.role.noun).", patient: patientID, by: caller, on: db)
            try await tell([incomingID], kind: .transferRequested,
                           "\(asker) asks you to take over as \(request.role.noun) for \(name).", about: transfer, on: db)
            try await auditor.record(.transferRequest, patient: patientID, subject: "transfer:\(id)", by: caller, on: db)
            transfer.$incoming.value = try await UserAccount.find(incomingID, on: db)
            transfer.$outgoing.value = current.user
            return transfer
        }
    }

    // MARK: Reading

    /// A transfer for the clinicians on either side, whoever asked, the patient, or someone on the
    /// patient's team now; anyone else: not found.
    func view(_ id: UUID, by caller: Caller) async throws -> Viewed {
        let seen = try await database.reader().transaction { db in
            guard let transfer = try await TransferQueries.transfer(id, on: db) else { throw AppError.notFound }
            return try await viewed(transfer, caller, on: db)
        }
        try await auditor.recordRead(
            .transferRead, patient: seen.transfer.$patient.id, subject: "transfer:\(id)", purpose: seen.isPatient ? "patient access" : "treatment",
            by: caller, in: database)
        return seen
    }

    /// The patient's transfers, for the patient or their team.
    func transfers(of patientID: UUID, by caller: Caller) async throws -> [Transfer] {
        try await database.reader().transaction { db in
            _ = try await access.authorize(patientID, for: caller, need: .askOnBehalf, on: db)
            return try await TransferQueries.transfers(ofPatient: patientID, on: db)
        }
    }

    /// The transfers the caller takes over, hands over or asked for.
    func mine(by caller: Caller) async throws -> [Transfer] {
        try await TransferQueries.transfers(of: caller.userID, on: database.reader())
    }

    // MARK: Steps

    /// One step, through the state machine, with the transfer locked.
    @discardableResult
    func act(_ action: TransferAction, on id: UUID, fields: [String: String], by caller: Caller) async throws -> Transfer {
        guard action != .expire else { throw AppError.notFound }
        var check = FieldChecker()
        let reason = [.decline, .cancel].contains(action)
            ? check.text(fields["reason"], field: "reason", label: action == .decline ? "Reason for declining" : "Reason for cancelling", required: true, maxLength: 1000) : ""
        let visit = action == .firstVisit ? DateOnly(fields["visit"] ?? "") : nil
        if action == .firstVisit, visit == nil { check.errors.add("visit", "Give the date of the first visit, written YYYY-MM-DD.") }
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        let handoff: Letter?
        do throws(ValidationErrors) { handoff = action == .handoff ? try Letter.validated(.handoff, fields: fields) : nil } catch { throw AppError.invalid(error) }
        return try await database.write { db in
            guard let transfer = try await TransferQueries.lockForChange(id, on: db) else { throw AppError.notFound }
            let sides = try await viewed(transfer, caller, on: db).sides
            let state = try TransferStateMachine.apply(action, to: transfer.transferState, handoffWritten: transfer.handoffWrittenAt != nil, by: sides)
            let now = clock.now()
            let patient = transfer.patient, incoming = transfer.incoming, outgoing = transfer.outgoing, role = transfer.transferRole
            let name = "\(patient.givenName) \(patient.familyName)"
            switch action {
            case .accept:
                try await PatientQueries.lockTeam(of: patient.id!, on: db)
                let team = try await CareTeamQueries.team(of: patient.id!, on: db)
                if !team.contains(where: { $0.$user.id == incoming.id && $0.membership.isActive(at: now) }) {
                    let member = try await careTeams.join(
                        .init(userID: incoming.id!, role: role.careTeamRole,
                              summary: "\(incoming.displayName) joined the care team to take over as \(role.noun) from \(outgoing.displayName) at the first visit.",
                              subject: "transfer:\(id)"),
                        patient: patient.id!, team: team, by: caller, on: db)
                    transfer.incomingMembershipID = member.id
                }
                transfer.acceptedAt = now
                let organisation = try await OrganisationQueries.firstOrganisation(of: outgoing.id!, on: db)
                let targets = organisation?.targets ?? .standard, calendar = (organisation?.calendar ?? .standard)
                let due = targets.acknowledgementDue(sentAt: now, urgency: .routine, calendar: calendar)
                transfer.handoffDueAt = due
                transfer.handoffEscalateAt = targets.escalationAt(due: due, calendar: calendar)
                try await tell([outgoing.id!], kind: .handoffRequested,
                               HandoffWords.request(patient: name, incoming: incoming.displayName, role: role, due: DisplayDate.day(due, in: calendar.timeZone)),
                               about: transfer, email: "A colleague is taking over a patient's care and asks for your handoff summary:", on: db)
                try await tellAskers(transfer, "\(incoming.displayName) accepted taking over as \(role.noun) for \(name). \(outgoing.displayName) stays \(role.noun) until the first visit.", on: db)
            case .decline:
                transfer.endedReason = reason
                try await tellAskers(transfer, "\(incoming.displayName) cannot take over as \(role.noun) for \(name): \(reason)", on: db)
            case .handoff:
                transfer.handoff = try handoff!.storedText
                transfer.handoffWrittenAt = now
                try await timeline.record(.transfer, "\(outgoing.displayName) wrote the handoff summary for \(incoming.displayName).", patient: patient.id!, by: caller, on: db)
                try await tell([incoming.id!], kind: .transferUpdate, "\(outgoing.displayName) sent the handoff summary for \(name).", about: transfer, on: db)
            case .firstVisit:
                try await handOver(transfer, visit: visit!, at: now, by: caller, on: db)
                try await tell([outgoing.id!], kind: .transferUpdate,
                               "\(name)'s care as \(role.noun) passed to \(incoming.displayName) at their first visit. You can read the record until \(DisplayDate.day(transfer.outgoingAccessEndsAt!)).",
                               about: transfer, on: db)
                try await tellAskers(transfer, "\(incoming.displayName) is now \(name)'s \(role.noun).", on: db)
            case .cancel:
                transfer.endedReason = reason
                try await PatientQueries.lockTeam(of: patient.id!, on: db)
                let team = try await CareTeamQueries.team(of: patient.id!, on: db)
                // Nothing changes: the incoming clinician's new place on the team ends with the request.
                if let joined = transfer.incomingMembershipID, let member = team.first(where: { $0.id == joined }), member.membership.isActive(at: now) {
                    try await careTeams.end(member, patient: patient.id!, by: caller, on: db)
                }
                var told = [incoming.id!]
                if transfer.transferState == .accepted { told.append(outgoing.id!) }
                try await tell(told, kind: .transferUpdate, "The change of \(role.noun) for \(name) was cancelled: \(reason)", about: transfer, on: db)
            case .expire:
                break
            }
            transfer.state = state.rawValue
            transfer.updatedAt = now
            try await transfer.save(on: db)
            try await auditor.record(.transfer(action), patient: patient.id!, subject: "transfer:\(id)", by: caller, on: db)
            return transfer
        }
    }

    /// The role passes at `now`, in this transaction (`CareTeamService.handOver`), and the
    /// outgoing clinician reads the record until the grace period ends.
    private func handOver(_ transfer: Transfer, visit: DateOnly, at now: Date, by caller: Caller, on db: any Database) async throws {
        let calendar = transfer.organisation?.calendar ?? .standard
        let accepted = DateOnly.of(transfer.acceptedAt ?? transfer.createdAt, in: calendar.timeZone).description
        let today = DateOnly.of(now, in: calendar.timeZone).description
        guard visit.description >= accepted, visit.description <= today else {
            throw AppError.invalid(ValidationErrors("visit", "The first visit is on or after the day the transfer was accepted (\(accepted)), and not in the future."))
        }
        let outgoingOrganisation = try await OrganisationQueries.firstOrganisation(of: transfer.$outgoing.id, on: db)
        let accessEnds = (outgoingOrganisation?.targets ?? .standard).readAccessEnds(after: now)
        let role = transfer.transferRole
        let responsible = try await careTeams.handOver(
            .init(role: role.careTeamRole, outgoingMembershipID: transfer.outgoingMembershipID, incomingUserID: transfer.$incoming.id,
                  outgoingReadsUntil: accessEnds, subject: "transfer:\(transfer.id!)"),
            patient: transfer.$patient.id, by: caller, on: db)
        transfer.firstVisitOn = visit.description
        transfer.completedAt = now
        transfer.outgoingAccessEndsAt = accessEnds
        let held = responsible ? "Responsibility as prescriber" : "The role of \(role.noun)"
        try await timeline.record(
            .transfer,
            "\(held) passed from \(transfer.outgoing.displayName) to \(transfer.incoming.displayName) at the first visit on \(visit). \(transfer.outgoing.displayName) keeps read access until \(DisplayDate.day(accessEnds)).",
            patient: transfer.$patient.id, by: caller, on: db)
    }

    /// Reminds incoming clinicians of answers due soon and outgoing clinicians of handoff summaries
    /// due soon; tells the outgoing clinician's organisation's administrators of a summary well
    /// overdue (a reference, never the patient's name); expires requests nobody answered.
    @discardableResult
    func sweep() async throws -> Int {
        let now = clock.now(), lead = ServiceLevelTargets.standard.reminderLead
        try await database.write { db in
            for transfer in try await TransferQueries.claim(.answerDueSoon, lead: lead, at: now, on: db) {
                try await tell([transfer.$incoming.id], kind: .transferUpdate,
                               "Your answer about taking over as \(transfer.transferRole.noun) for \(transfer.patient.givenName) \(transfer.patient.familyName) is due soon.",
                               about: transfer, on: db)
            }
            for transfer in try await TransferQueries.claim(.handoffDueSoon, lead: lead, at: now, on: db) {
                try await tell([transfer.$outgoing.id], kind: .handoffRequested,
                               "The handoff summary for \(transfer.patient.givenName) \(transfer.patient.familyName), for \(transfer.incoming.displayName), is due soon.",
                               about: transfer, on: db)
            }
            let overdue = try await TransferQueries.claim(.handoffEscalated, lead: 0, at: now, on: db)
            var organisations: [UUID: UUID] = [:]
            for transfer in overdue {
                organisations[transfer.id!] = try await OrganisationQueries.firstOrganisation(of: transfer.$outgoing.id, on: db)?.id
            }
            let administrators = try await OrganisationQueries.administrators(of: Array(organisations.values), on: db)
            for transfer in overdue {
                guard let organisation = organisations[transfer.id!], let people = administrators[organisation], !people.isEmpty else { continue }
                let words = "The handoff summary for transfer \(ReferralReference.short(transfer.id!)), owed by \(transfer.outgoing.displayName), is well past its due time."
                let link = SiteURL.organisation(organisation).path
                try await notifier.notify(people.map { $0.id! }, patient: nil, kind: .handoffEscalated, message: words, link: link, on: db)
                try await outbox.notices(people.map { $0.id! }, subject: "Liaison: a handoff summary is overdue", words: words, url: baseURL + link, on: db)
            }
        }
        return try await database.write { db in
            let found = try await TransferQueries.expiryCandidates(at: now, limit: 500, on: db)
            let expired = try await TransferQueries.expire(found.map { $0.id! }, reason: "No answer before the request expired.", at: now, on: db)
            for transfer in found where expired.contains(transfer.id!) {
                try await tellAskers(transfer, "\(transfer.incoming.displayName) did not answer the request to take over as \(transfer.transferRole.noun) in time. You can ask someone else.", on: db)
            }
            try await auditor.recordSystem(
                .transferExpire, found.filter { expired.contains($0.id!) }.map { (patient: $0.$patient.id, subject: "transfer:\($0.id!)") },
                purpose: "service-level target", at: now, on: db)
            return expired.count
        }
    }

    // MARK: Who is who

    /// The sides the caller is on and what they may see; not found for anyone outside the case.
    private func viewed(_ transfer: Transfer, _ caller: Caller, on db: any Database) async throws -> Viewed {
        var sides = Set<TransferSide>()
        if caller.userID == transfer.$incoming.id { sides.insert(.incoming) }
        if caller.userID == transfer.$outgoing.id { sides.insert(.outgoing) }
        let isPatient = caller.identity.isPatient && transfer.patient.portalUserID == caller.userID
        if isPatient || caller.userID == transfer.$requester.id { sides.insert(.requester) }
        if sides.isEmpty {
            guard try await CareTeamQueries.isCurrentMember(caller.userID, of: transfer.$patient.id, at: clock.now(), on: db) else { throw AppError.notFound }
        }
        return Viewed(
            transfer: transfer, sides: sides, isPatient: isPatient, handoff: isPatient ? nil : transfer.handoffLetter,
            allowed: TransferStateMachine.allowedActions(in: transfer.transferState, handoffWritten: transfer.handoffWrittenAt != nil, for: sides))
    }

    /// Whoever asked, and the patient.
    private func tellAskers(_ transfer: Transfer, _ message: String, on db: any Database) async throws {
        var people = [transfer.$requester.id]
        if let portal = transfer.patient.portalUserID { people.append(portal) }
        try await tell(people, kind: .transferUpdate, message, about: transfer, on: db)
    }

    /// In the app with `message`; by email (as each chose) with `email` and a link, and no name.
    private func tell(
        _ people: [UUID], kind: NotificationKind, _ message: String, about transfer: Transfer,
        email: String = "There is news about a change of clinician in Liaison:", on db: any Database
    ) async throws {
        let unique = Array(Set(people))
        guard !unique.isEmpty else { return }
        let link = SiteURL.transfer(transfer.id!).path
        try await notifier.notify(unique, patient: transfer.$patient.id, kind: kind, message: message, link: link, on: db)
        try await outbox.notices(unique, subject: "A change of clinician in Liaison", words: email, url: baseURL + link, on: db)
    }
}
