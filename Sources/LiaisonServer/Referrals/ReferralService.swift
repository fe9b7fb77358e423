import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// The referral loop: create, send, acknowledge, schedule, follow, close, and everything that
/// can end a loop early. Each step is one transaction with its audit entry and notifications.
struct ReferralService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let access: PatientAccessService
    let auditor: Auditor
    let notifier: Notifier
    let outbox: Outbox
    let baseURL: String

    struct Draft: Sendable {
        var patientID: UUID?
        var recipientID: UUID?
        var recipientOrganisationID: UUID?
        var urgency: String?
        var letter: [String: String]
        var sendNow: Bool
    }

    /// A referral with everything its page shows, loaded for one side of the loop.
    struct Loaded: Sendable {
        let referral: Referral
        let side: ReferralSide
        let notes: [ReferralNoteRecord]
        let organisation: Organisation?
    }

    // MARK: Creating

    /// Creates a referral from a member of the patient's care team; sends it unless kept as a draft.
    func create(_ draft: Draft, by caller: Caller) async throws -> Referral {
        var check = FieldChecker()
        let urgency = check.choice(draft.urgency, field: "urgency", label: "Urgency", as: Urgency.self)
        var validatedLetter: ReferralNote?
        do { validatedLetter = try ReferralNote.validated(.referral, fields: draft.letter) } catch {
            for problem in error.problems { check.errors.add(problem.field, problem.message) }
        }
        if draft.patientID == nil { check.errors.add("patientID", "Choose the patient you are referring.") }
        if (draft.recipientID == nil) == (draft.recipientOrganisationID == nil) {
            check.errors.add("recipient", "Choose one recipient: a clinician, or an organisation's intake.")
        }
        if draft.recipientID == caller.userID { check.errors.add("recipient", "You cannot refer a patient to yourself.") }
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        let letter = validatedLetter!
        // Who it goes to is looked up first, on a reader, so the writer is held only for the writing;
        // an outsider learns nothing, not even whether the recipient exists.
        let reader = database.reader()
        _ = try await access.authorize(draft.patientID!, for: caller, need: .write, on: reader)
        let organisation: Organisation?
        let recipients: [UserAccount]
        if let recipientID = draft.recipientID {
            guard let recipient = try await UserAccount.find(recipientID, on: reader), recipient.kind == UserAccount.clinicianKind else {
                throw AppError.invalid(Self.problem("recipient", "That recipient is not a clinician in Liaison."))
            }
            // The recipient's (first) organisation sets the calendar and targets.
            organisation = try await Membership.query(on: reader).filter(\.$user.$id == recipientID).sort(\.$createdAt).with(\.$organisation).first()?.organisation
            recipients = [recipient]
        } else {
            guard let intake = try await Organisation.find(draft.recipientOrganisationID, on: reader) else {
                throw AppError.invalid(Self.problem("recipient", "That organisation does not exist."))
            }
            organisation = intake
            recipients = try await Self.intake(of: intake.requireID(), on: reader)
        }
        let organisationID = organisation?.id
        return try await database.db().transaction { db in
            let patientID = draft.patientID!
            // Again in the writing transaction: the team may have changed since.
            let authorized = try await access.authorize(patientID, for: caller, need: .write, on: db)
            let referral = Referral(
                patientID: patientID, referrerID: caller.userID, recipientID: draft.recipientID, recipientOrganisationID: organisationID,
                urgency: urgency!, letter: try Self.encode(letter), createdAt: clock.now())
            referral.id = UUID()
            referral.$patient.value = authorized.patient
            referral.$recipientOrganisation.value = organisation
            var actions = ["referral.create"]
            if draft.sendNow {
                referral.state = try Self.transition(.send, referral, side: .referrer).rawValue
                startClock(referral, organisation: organisation)
                actions.append("referral.send")
            }
            try await referral.create(on: db)
            if draft.sendNow {
                try await announce(referral, from: caller.identity.displayName, patient: authorized.patient, to: recipients, organisation: organisation, on: db)
            }
            try await auditor.record(actions, patient: patientID, subject: "referral:\(referral.id!)", by: caller, on: db)
            return referral
        }
    }

    /// Sends a draft: the clock for the acknowledgement starts now.
    func send(_ id: UUID, by caller: Caller) async throws {
        try await perform(.send, on: id, by: caller) { referral, db in
            try await startClock(referral, on: db)
        }
    }

    /// Sends a referral just created (by its referrer, or by a redirect) in the caller's transaction,
    /// which audits it.
    private func send(_ referral: Referral, on db: any Database) async throws {
        referral.state = try Self.transition(.send, referral, side: .referrer).rawValue
        try await startClock(referral, on: db)
        try await referral.save(on: db)
    }

    /// Starts the clock on a referral already stored, loading what the messages need.
    private func startClock(_ referral: Referral, on db: any Database) async throws {
        let organisation = try await referral.$recipientOrganisation.get(on: db)
        startClock(referral, organisation: organisation)
        try await announce(
            referral, from: try await referral.$referrer.get(on: db).displayName, patient: try await referral.$patient.get(on: db),
            to: try await Self.recipientUsers(of: referral, on: db), organisation: organisation, on: db)
    }

    /// Sets the due dates from the receiving organisation's calendar and targets.
    private func startClock(_ referral: Referral, organisation: Organisation?) {
        let now = clock.now()
        let calendar = organisation?.calendar ?? BusinessCalendar(timeZone: .gmt, businessDays: Weekday.mondayToFriday)
        let targets = organisation?.targets ?? .standard
        let due = targets.acknowledgementDue(sentAt: now, urgency: referral.referralUrgency, calendar: calendar)
        referral.sentAt = now
        referral.acknowledgementDueAt = due
        referral.escalateAt = targets.escalationAt(due: due, calendar: calendar)
        referral.expiresAt = max(targets.expiresAt(sentAt: now), due)
        referral.updatedAt = now
    }

    /// Tells the recipients, in the app and by email, that a referral has arrived and when it is due.
    private func announce(
        _ referral: Referral, from referrer: String, patient: Patient, to recipients: [UserAccount], organisation: Organisation?, on db: any Database
    ) async throws {
        let zone = organisation?.calendar.timeZone ?? .gmt
        let due = DisplayDate.dateTime(referral.acknowledgementDueAt ?? clock.now(), in: zone)
        let urgency = referral.referralUrgency.label.lowercased()
        try await notifier.notify(
            recipients.map { $0.id! }, patient: nil, kind: "referral.new",
            message: "New \(urgency) referral from \(referrer) for \(patient.givenName) \(patient.familyName); acknowledgement due \(due).",
            link: SiteURL.referral(referral.id!).path, on: db)
        try await outbox.email(recipients.map {
            Outbox.Email(
                to: $0.email, subject: "New referral in Liaison",
                body: "\(referrer) has sent you a \(urgency) referral. Acknowledge it by \(due): \(baseURL)\(SiteURL.referral(referral.id!).path)")
        }, on: db)
    }

    // MARK: Reading

    /// The referral for one of its two sides, read from a snapshot; the recipient's first look marks it received.
    ///
    /// `audited: false` only to answer a request that has just acted on the referral: that step's
    /// own audit entry, with the same request id, records the request.
    func load(_ id: UUID, by caller: Caller, audited: Bool = true) async throws -> Loaded {
        let (referral, side, notes) = try await database.reader().transaction { db -> (Referral, ReferralSide, [ReferralNoteRecord]) in
            guard let referral = try await Referral.query(on: db).filter(\.$id == id).with(\.$patient).with(\.$referrer).with(\.$recipient).with(\.$recipientOrganisation).first(),
                  let side = try await self.side(of: caller, in: referral, on: db)
            else { throw AppError.notFound }
            let notes = try await ReferralNoteRecord.query(on: db).filter(\.$referral.$id == id).with(\.$author).sort(\.$createdAt).all()
            return (referral, side, notes)
        }
        let marksReceived = side == .recipient && referral.referralState == .sent
        guard audited || marksReceived else {
            return Loaded(referral: referral, side: side, notes: notes, organisation: referral.recipientOrganisation)
        }
        try await database.db().transaction { db in
            if marksReceived {
                // Only if still sent: the snapshot may be a moment old.
                let now = clock.now()
                try await Referral.query(on: db).filter(\.$id == id).filter(\.$state == ReferralState.sent.rawValue)
                    .set(\.$state, to: ReferralState.received.rawValue).set(\.$receivedAt, to: now).set(\.$updatedAt, to: now).update()
                referral.state = ReferralState.received.rawValue
                referral.receivedAt = now
            }
            try await auditor.record("referral.read", patient: referral.$patient.id, subject: "referral:\(id)", by: caller, on: db)
        }
        return Loaded(referral: referral, side: side, notes: notes, organisation: referral.recipientOrganisation)
    }

    /// Which side of the loop `caller` is on, or nil if neither (they get "not found").
    func side(of caller: Caller, in referral: Referral, on db: any Database) async throws -> ReferralSide? {
        if referral.$referrer.id == caller.userID { return .referrer }
        if let recipient = referral.$recipient.id { return recipient == caller.userID ? .recipient : nil }
        if let organisation = referral.$recipientOrganisation.id, caller.identity.actor.memberships[organisation] != nil { return .recipient }
        return nil
    }

    // MARK: The recipient's side

    /// Accepts with the acknowledgement note; the accepting clinician joins the care team.
    func accept(_ id: UUID, note fields: [String: String], role rawRole: String?, by caller: Caller) async throws {
        let note = try Self.note(.acknowledgement, fields)
        try await perform(.accept, on: id, by: caller) { referral, db in
            let now = clock.now()
            referral.$recipient.id = caller.userID
            referral.acknowledgedAt = now
            try await addNote(note, to: referral, by: caller, on: db)
            try await joinCareTeam(referral, role: rawRole, by: caller, on: db)
            try await tellReferrer(referral, "\(caller.identity.displayName) accepted your referral and sent an acknowledgement note.", on: db)
        }
    }

    func decline(_ id: UUID, reason rawReason: String?, redirectTo rawEmail: String?, by caller: Caller) async throws {
        var check = FieldChecker()
        let reason = check.text(rawReason, field: "reason", label: "Reason for declining", required: true, maxLength: 1000)
        let redirectEmail = check.text(rawEmail, field: "redirectTo", label: "Redirect to", maxLength: 254)
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        try await perform(.decline, on: id, by: caller) { referral, db in
            referral.endedReason = reason
            referral.acknowledgedAt = clock.now()
            var message = "\(caller.identity.displayName) declined your referral: \(reason)"
            if !redirectEmail.isEmpty {
                guard let email = EmailAddress(redirectEmail),
                      let target = try await UserAccount.query(on: db).filter(\.$email == email.value).filter(\.$kind == UserAccount.clinicianKind).first()
                else { throw AppError.invalid(Self.problem("redirectTo", "No clinician in Liaison signs in as \(redirectEmail.prefix(80)).")) }
                let linked = Referral(
                    patientID: referral.$patient.id, referrerID: referral.$referrer.id, recipientID: target.id, recipientOrganisationID: nil,
                    urgency: referral.referralUrgency, letter: referral.letter, createdAt: clock.now())
                linked.redirectedFromID = referral.id
                linked.$recipientOrganisation.id = try await Membership.query(on: db).filter(\.$user.$id == target.requireID()).sort(\.$createdAt).first()?.$organisation.id
                try await linked.create(on: db)
                try await send(linked, on: db)
                try await auditor.record(["referral.create", "referral.send"], patient: linked.$patient.id, subject: "referral:\(linked.id!)", by: caller, on: db)
                message += " They redirected it to \(target.displayName), who has been sent it."
            }
            try await tellReferrer(referral, message, on: db)
        }
    }

    func schedule(_ id: UUID, firstAppointment raw: String?, by caller: Caller) async throws {
        guard let raw, let day = DateOnly(raw) else {
            throw AppError.invalid(Self.problem("firstAppointment", "Give the date of the first appointment, written YYYY-MM-DD."))
        }
        try await perform(.schedule, on: id, by: caller) { referral, db in
            let calendar = referral.recipientOrganisation?.calendar ?? BusinessCalendar(timeZone: .gmt, businessDays: Weekday.mondayToFriday)
            referral.firstAppointmentAt = day.start(in: calendar.timeZone, plusHours: 12)
            try await tellReferrer(referral, "\(caller.identity.displayName) scheduled the first appointment for \(day).", on: db)
        }
    }

    func startCare(_ id: UUID, by caller: Caller) async throws {
        try await perform(.startCare, on: id, by: caller) { referral, db in
            referral.inCareAt = clock.now()
            try await tellReferrer(referral, "\(caller.identity.displayName) has seen the patient; they are now in care.", on: db)
        }
    }

    func progress(_ id: UUID, note fields: [String: String], by caller: Caller) async throws {
        let note = try Self.note(.progress, fields)
        try await perform(.progress, on: id, by: caller) { referral, db in
            try await addNote(note, to: referral, by: caller, on: db)
            try await tellReferrer(referral, "\(caller.identity.displayName) sent a progress update.", on: db)
        }
    }

    /// Records discharge; the closing note is then due within the organisation's target.
    func discharge(_ id: UUID, by caller: Caller) async throws {
        try await perform(.discharge, on: id, by: caller) { referral, db in
            guard referral.dischargedAt == nil else { throw AppError.conflict("Discharge is already recorded.") }
            let now = clock.now()
            referral.dischargedAt = now
            referral.closingDueAt = (referral.recipientOrganisation?.targets ?? .standard).closingNoteDue(dischargedAt: now)
        }
    }

    func close(_ id: UUID, note fields: [String: String], by caller: Caller) async throws {
        let note = try Self.note(.closing, fields)
        try await perform(.close, on: id, by: caller) { referral, db in
            referral.closedAt = clock.now()
            if referral.dischargedAt == nil { referral.dischargedAt = referral.closedAt }
            try await addNote(note, to: referral, by: caller, on: db)
            try await tellReferrer(referral, "\(caller.identity.displayName) closed the loop with a closing summary.", on: db)
        }
    }

    // MARK: The referrer's side

    func cancel(_ id: UUID, reason rawReason: String?, by caller: Caller) async throws {
        var check = FieldChecker()
        let reason = check.text(rawReason, field: "reason", label: "Reason for cancelling", required: true, maxLength: 1000)
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        try await perform(.cancel, on: id, by: caller) { referral, db in
            referral.endedReason = reason
            let recipients = try await Self.recipientUsers(of: referral, on: db)
            try await notifier.notify(
                recipients.map { $0.id! }, patient: nil, kind: "referral.cancelled",
                message: "\(caller.identity.displayName) cancelled a referral: \(reason)", link: SiteURL.referral(referral.id!).path, on: db)
        }
    }

    // MARK: Shared steps

    /// Loads the referral for its side, applies `action` through the state machine, runs `change`,
    /// saves and audits, all in one transaction.
    private func perform(_ action: ReferralAction, on id: UUID, by caller: Caller, change: @Sendable @escaping (Referral, any Database) async throws -> Void) async throws {
        try await database.db().transaction { db in
            guard let referral = try await Referral.query(on: db).filter(\.$id == id).with(\.$recipientOrganisation).first(),
                  let side = try await side(of: caller, in: referral, on: db)
            else { throw AppError.notFound }
            referral.state = try Self.transition(action, referral, side: side).rawValue
            referral.updatedAt = clock.now()
            try await change(referral, db)
            try await referral.save(on: db)
            try await auditor.record("referral.\(action.rawValue)", patient: referral.$patient.id, subject: "referral:\(id)", by: caller, on: db)
        }
    }

    static func transition(_ action: ReferralAction, _ referral: Referral, side: ReferralSide) throws -> ReferralState {
        do {
            return try ReferralStateMachine.apply(action, to: referral.referralState, by: side)
        } catch {
            throw ReferralConflict(error: error)
        }
    }

    private func addNote(_ note: ReferralNote, to referral: Referral, by caller: Caller, on db: any Database) async throws {
        try await ReferralNoteRecord(referralID: referral.requireID(), authorID: caller.userID, kind: note.kind, content: try Self.encode(note), createdAt: clock.now()).create(on: db)
    }

    /// The accepting clinician joins the patient's care team in a role fitting their discipline.
    private func joinCareTeam(_ referral: Referral, role rawRole: String?, by caller: Caller, on db: any Database) async throws {
        let patientID = referral.$patient.id
        let team = try await CareTeamMember.query(on: db).filter(\.$patient.$id == patientID).all()
        if team.contains(where: { $0.$user.id == caller.userID && $0.membership.isActive(at: clock.now()) }) { return }
        var role = rawRole.flatMap(CareTeamRole.init(rawValue:))
        if role == nil {
            let discipline = try await Profile.query(on: db).filter(\.$user.$id == caller.userID).first().flatMap { Discipline(rawValue: $0.discipline) }
            role = Self.teamRole(for: discipline)
        }
        try await CareTeamMember(patientID: patientID, userID: caller.userID, role: role!, responsible: false, startedAt: clock.now(), addedBy: caller.userID).create(on: db)
        try await PatientEvent(
            patientID: patientID, actorID: caller.userID, kind: "team.joined",
            summary: "\(caller.identity.displayName) joined the care team as \(role!.label.lowercased()) by accepting a referral.", createdAt: clock.now()
        ).create(on: db)
        try await auditor.record("care-team.add", patient: patientID, subject: "referral:\(referral.id!)", by: caller, on: db)
    }

    static func teamRole(for discipline: Discipline?) -> CareTeamRole {
        switch discipline {
        case .psychiatrist, .psychiatricNursePractitioner: .prescriber
        case .psychologist, .clinicalSocialWorker, .counsellor: .therapist
        case .primaryCarePhysician: .primaryCare
        case .caseManager: .caseManager
        default: .other
        }
    }

    private func tellReferrer(_ referral: Referral, _ message: String, on db: any Database) async throws {
        try await notifier.notify([referral.$referrer.id], patient: nil, kind: "referral.update", message: message, link: SiteURL.referral(referral.id!).path, on: db)
    }

    /// The people who owe the answer: the named recipient, or every clinician of the intake organisation.
    static func recipientUsers(of referral: Referral, on db: any Database) async throws -> [UserAccount] {
        if let recipient = referral.$recipient.id {
            return try await UserAccount.find(recipient, on: db).map { [$0] } ?? []
        }
        guard let organisation = referral.$recipientOrganisation.id else { return [] }
        return try await intake(of: organisation, on: db)
    }

    /// Everyone who answers an organisation's intake: all its members.
    static func intake(of organisationID: UUID, on db: any Database) async throws -> [UserAccount] {
        try await Membership.query(on: db).filter(\.$organisation.$id == organisationID).with(\.$user).all().map(\.user)
    }

    static func note(_ kind: ReferralNoteKind, _ fields: [String: String]) throws -> ReferralNote {
        do { return try ReferralNote.validated(kind, fields: fields) } catch { throw AppError.invalid(error) }
    }

    static func encode(_ note: ReferralNote) throws -> String {
        String(decoding: try JSONEncoder().encode(note), as: UTF8.self)
    }

    static func decode(_ text: String) -> ReferralNote? {
        try? JSONDecoder().decode(ReferralNote.self, from: Data(text.utf8))
    }

    static func problem(_ field: String, _ message: String) -> ValidationErrors {
        var errors = ValidationErrors()
        errors.add(field, message)
        return errors
    }
}

/// An action the loop's current state does not allow: answered 409 with the state and the allowed actions.
struct ReferralConflict: Error {
    let error: ReferralTransitionError
}
