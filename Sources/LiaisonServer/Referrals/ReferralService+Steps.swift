import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// The steps of the loop after creation, each through the state machine in one transaction.
extension ReferralService {
    /// The one dispatch from an action's name and fields to its step, for pages and the API alike.
    /// Returns the referral as the step left it.
    @discardableResult
    func act(_ action: ReferralAction, on id: UUID, fields: [String: String], by caller: Caller) async throws -> Referral {
        switch action {
        case .send: try await send(id, by: caller)
        case .accept: try await accept(id, note: fields, role: fields["role"], by: caller)
        case .decline: try await decline(id, reason: fields["reason"], redirectTo: fields["redirectTo"], by: caller)
        case .schedule: try await schedule(id, firstAppointment: fields["firstAppointment"], by: caller)
        case .startCare: try await startCare(id, by: caller)
        case .progress: try await progress(id, note: fields, by: caller)
        case .discharge: try await discharge(id, by: caller)
        case .close: try await close(id, note: fields, by: caller)
        case .cancel: try await cancel(id, reason: fields["reason"], by: caller)
        case .receive, .expire: throw AppError.notFound
        }
    }

    /// Sends a draft: the clock for the acknowledgement starts now.
    @discardableResult
    func send(_ id: UUID, by caller: Caller) async throws -> Referral {
        return try await perform(.send, on: id, by: caller) { referral, db in
            try await startClock(referral, on: db)
        }
    }

    // MARK: The recipient's side

    /// Accepts with the acknowledgement note; the accepting clinician joins the care team.
    @discardableResult
    func accept(_ id: UUID, note fields: [String: String], role rawRole: String?, by caller: Caller) async throws -> Referral {
        let note = try Self.note(.acknowledgement, fields)
        return try await perform(.accept, on: id, by: caller) { referral, db in
            referral.$recipient.id = caller.userID
            referral.acknowledgedAt = clock.now()
            try await addNote(note, to: referral, by: caller, on: db)
            try await joinCareTeam(referral, role: rawRole, by: caller, on: db)
            try await tellReferrer(referral, "\(caller.identity.displayName) accepted your referral and sent an acknowledgement note.", on: db)
        }
    }

    @discardableResult
    func decline(_ id: UUID, reason rawReason: String?, redirectTo rawEmail: String?, by caller: Caller) async throws -> Referral {
        var check = FieldChecker()
        let reason = check.text(rawReason, field: "reason", label: "Reason for declining", required: true, maxLength: 1000)
        let redirectEmail = check.text(rawEmail, field: "redirectTo", label: "Redirect to", maxLength: 254)
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        return try await perform(.decline, on: id, by: caller) { referral, db in
            referral.endedReason = reason
            referral.acknowledgedAt = clock.now()
            var message = "\(caller.identity.displayName) declined your referral: \(reason)"
            if !redirectEmail.isEmpty {
                guard let email = EmailAddress(redirectEmail),
                      let target = try await UserAccount.query(on: db).filter(\.$email == email.value).filter(\.$kind == UserAccount.clinicianKind).first()
                else { throw AppError.invalid(ValidationErrors("redirectTo", "No clinician in Liaison signs in as \(redirectEmail.prefix(80)).")) }
                let linked = Referral(
                    patientID: referral.$patient.id, referrerID: referral.$referrer.id, recipientID: target.id, recipientOrganisationID: nil,
                    urgency: referral.referralUrgency, letter: referral.letter, createdAt: clock.now())
                linked.redirectedFromID = referral.id
                linked.$recipientOrganisation.id = try await OrganisationQueries.firstOrganisation(of: target.requireID(), on: db)?.id
                try await linked.create(on: db)
                linked.state = try ReferralStateMachine.apply(.send, to: linked.referralState, by: .referrer).rawValue
                try await startClock(linked, on: db)
                try await linked.save(on: db)
                try await auditor.record([.referralCreate, .referralSend], patient: linked.$patient.id, subject: "referral:\(linked.id!)", by: caller, on: db)
                message += " They redirected it to \(target.displayName), who has been sent it."
            }
            try await tellReferrer(referral, message, on: db)
        }
    }

    @discardableResult
    func schedule(_ id: UUID, firstAppointment raw: String?, by caller: Caller) async throws -> Referral {
        guard let raw, let day = DateOnly(raw) else {
            throw AppError.invalid(ValidationErrors("firstAppointment", "Give the date of the first appointment, written YYYY-MM-DD."))
        }
        return try await perform(.schedule, on: id, by: caller) { referral, db in
            let calendar = referral.recipientOrganisation?.calendar ?? .standard
            referral.firstAppointmentAt = day.start(in: calendar.timeZone, plusHours: 12)
            try await tellReferrer(referral, "\(caller.identity.displayName) scheduled the first appointment for \(day).", on: db)
        }
    }

    @discardableResult
    func startCare(_ id: UUID, by caller: Caller) async throws -> Referral {
        return try await perform(.startCare, on: id, by: caller) { referral, db in
            referral.inCareAt = clock.now()
            try await tellReferrer(referral, "\(caller.identity.displayName) has seen the patient; they are now in care.", on: db)
        }
    }

    @discardableResult
    func progress(_ id: UUID, note fields: [String: String], by caller: Caller) async throws -> Referral {
        let note = try Self.note(.progress, fields)
        return try await perform(.progress, on: id, by: caller) { referral, db in
            try await addNote(note, to: referral, by: caller, on: db)
            try await tellReferrer(referral, "\(caller.identity.displayName) sent a progress update.", on: db)
        }
    }

    /// Records discharge; the closing note is then due within the organisation's target.
    @discardableResult
    func discharge(_ id: UUID, by caller: Caller) async throws -> Referral {
        return try await perform(.discharge, on: id, by: caller) { referral, db in
            guard referral.dischargedAt == nil else { throw AppError.conflict("Discharge is already recorded.") }
            let now = clock.now()
            referral.dischargedAt = now
            referral.closingDueAt = (referral.recipientOrganisation?.targets ?? .standard).closingNoteDue(dischargedAt: now)
        }
    }

    @discardableResult
    func close(_ id: UUID, note fields: [String: String], by caller: Caller) async throws -> Referral {
        let note = try Self.note(.closing, fields)
        return try await perform(.close, on: id, by: caller) { referral, db in
            referral.closedAt = clock.now()
            if referral.dischargedAt == nil { referral.dischargedAt = referral.closedAt }
            try await addNote(note, to: referral, by: caller, on: db)
            try await tellReferrer(referral, "\(caller.identity.displayName) closed the loop with a closing summary.", on: db)
        }
    }

    // MARK: The referrer's side

    @discardableResult
    func cancel(_ id: UUID, reason rawReason: String?, by caller: Caller) async throws -> Referral {
        var check = FieldChecker()
        let reason = check.text(rawReason, field: "reason", label: "Reason for cancelling", required: true, maxLength: 1000)
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        return try await perform(.cancel, on: id, by: caller) { referral, db in
            referral.endedReason = reason
            let recipients = try await Self.recipientUsers(of: referral, on: db)
            try await notifier.notify(
                recipients.map { $0.id! }, patient: nil, kind: .referralCancelled,
                message: "\(caller.identity.displayName) cancelled a referral: \(reason)", link: SiteURL.referral(referral.id!).path, on: db)
        }
    }

    // MARK: Shared steps

    /// Locks the referral, checks the caller's side, applies `action` through the state machine,
    /// runs `change`, saves and audits, all in one transaction. The lock comes first, so the same
    /// step sent twice at once (on two servers) runs once and the second meets the new state.
    private func perform(
        _ action: ReferralAction, on id: UUID, by caller: Caller, change: @Sendable @escaping (Referral, any Database) async throws -> Void
    ) async throws -> Referral {
        try await database.write { db in
            guard let referral = try await ReferralQueries.lockForChange(id, on: db) else { throw AppError.notFound }
            let onTeam = try await CareTeamQueries.isCurrentMember(caller.userID, of: referral.$patient.id, at: clock.now(), on: db)
            guard let side = Self.side(of: caller, in: referral, onCareTeam: onTeam) else { throw AppError.notFound }
            referral.state = try ReferralStateMachine.apply(action, to: referral.referralState, by: side).rawValue
            referral.updatedAt = clock.now()
            try await change(referral, db)
            try await referral.save(on: db)
            try await auditor.record(.referral(action), patient: referral.$patient.id, subject: "referral:\(id)", by: caller, on: db)
            // Sending is announced with the referral itself (`announce`), as it is when created sent.
            if action != .send, let event = WebhookEvent(referralAction: action) {
                try await webhooks.publish(event, referrals: [(id, referral.referralState)], on: db)
            }
            return referral
        }
    }

    private func addNote(_ note: Letter, to referral: Referral, by caller: Caller, on db: any Database) async throws {
        try await ReferralNoteRecord(
            referralID: referral.requireID(), authorID: caller.userID, kind: note.kind, content: try note.storedText, createdAt: clock.now()
        ).create(on: db)
    }

    /// The accepting clinician joins the patient's care team in a role fitting their discipline,
    /// unless they are on it already.
    private func joinCareTeam(_ referral: Referral, role rawRole: String?, by caller: Caller, on db: any Database) async throws {
        let patientID = referral.$patient.id
        try await PatientQueries.lockTeam(of: patientID, on: db)
        let team = try await CareTeamQueries.team(of: patientID, on: db)
        if team.contains(where: { $0.$user.id == caller.userID && $0.membership.isActive(at: clock.now()) }) { return }
        var role = rawRole.flatMap(CareTeamRole.init(rawValue:))
        if role == nil {
            let discipline = try await DirectoryQueries.profile(ofUser: caller.userID, on: db).flatMap { Discipline(rawValue: $0.discipline) }
            role = CareTeamRole.usual(for: discipline)
        }
        _ = try await careTeams.join(
            .init(
                userID: caller.userID, role: role!,
                summary: "\(caller.identity.displayName) joined the care team as \(role!.label.lowercased()) by accepting a referral.",
                subject: "referral:\(referral.id!)"),
            patient: patientID, team: team, by: caller, on: db)
    }

    private func tellReferrer(_ referral: Referral, _ message: String, on db: any Database) async throws {
        try await notifier.notify([referral.$referrer.id], patient: nil, kind: .referralUpdate, message: message, link: SiteURL.referral(referral.id!).path, on: db)
    }

    static func note(_ kind: LetterKind, _ fields: [String: String]) throws -> Letter {
        do { return try Letter.validated(kind, fields: fields) } catch { throw AppError.invalid(error) }
    }
}
