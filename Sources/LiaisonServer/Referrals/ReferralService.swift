import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// The referral loop: create, send, acknowledge, schedule, follow, close, and everything that
/// can end a loop early. Each step is one transaction with its audit entry and notifications.
/// The steps themselves are in `ReferralService+Steps.swift`.
struct ReferralService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let access: PatientAccessService
    let auditor: Auditor
    let notifier: Notifier
    let outbox: Outbox
    let webhooks: Webhooks
    let careTeams: CareTeamService
    let baseURL: String

    /// A new referral as the form or the API gives it.
    struct Draft: Sendable, Encodable {
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
        /// Whether the caller is on the patient's care team now (and so may follow a link to the record).
        let callerOnTeam: Bool
    }

    // MARK: Creating

    /// Creates a referral from a member of the patient's care team; sends it unless kept as a draft.
    /// Once per submission key: a form sent twice, or an API request retried with its
    /// `Idempotency-Key`, gets the referral the first one created.
    func create(_ draft: Draft, once key: SubmissionKey? = nil, by caller: Caller) async throws -> Referral {
        var check = FieldChecker()
        let urgency = check.choice(draft.urgency, field: "urgency", label: "Urgency", as: Urgency.self)
        var validatedLetter: Letter?
        do { validatedLetter = try Letter.validated(.referral, fields: draft.letter) } catch {
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
                throw AppError.invalid(ValidationErrors("recipient", "That recipient is not a clinician in Liaison."))
            }
            // The recipient's (first) organisation sets the calendar and targets.
            organisation = try await OrganisationQueries.firstOrganisation(of: recipientID, on: reader)
            recipients = [recipient]
        } else {
            guard let intake = try await Organisation.find(draft.recipientOrganisationID, on: reader) else {
                throw AppError.invalid(ValidationErrors("recipient", "That organisation does not exist."))
            }
            organisation = intake
            recipients = try await OrganisationQueries.members(of: intake.requireID(), on: reader)
        }
        let organisationID = organisation?.id
        return try await database.write { db in
            try await Submissions.once(
                key, .referral, input: draft, by: caller.userID, at: clock.now(), on: db,
                existing: { try await Referral.query(on: db).filter(\.$id == $0).filter(\.$referrer.$id == caller.userID).with(\.$patient).first() }
            ) {
                let patientID = draft.patientID!
                // Again in the writing transaction: the team may have changed since.
                let authorized = try await access.authorize(patientID, for: caller, need: .write, on: db)
                let referral = Referral(
                    patientID: patientID, referrerID: caller.userID, recipientID: draft.recipientID, recipientOrganisationID: organisationID,
                    urgency: urgency!, letter: try letter.storedText, createdAt: clock.now())
                referral.id = UUID()
                referral.$patient.value = authorized.patient
                referral.$recipientOrganisation.value = organisation
                var actions: [AuditAction] = [.referralCreate]
                if draft.sendNow {
                    referral.state = try ReferralStateMachine.apply(.send, to: referral.referralState, by: .referrer).rawValue
                    startClock(referral, organisation: organisation)
                    actions.append(.referralSend)
                }
                try await referral.create(on: db)
                if draft.sendNow {
                    try await announce(referral, from: caller.identity.displayName, patient: authorized.patient, to: recipients, organisation: organisation, on: db)
                }
                try await auditor.record(actions, patient: patientID, subject: "referral:\(referral.id!)", by: caller, on: db)
                return (referral, referral.id!)
            }
        }
    }

    /// Starts the clock on a referral already stored, loading what the messages need.
    func startClock(_ referral: Referral, on db: any Database) async throws {
        let organisation = try await referral.$recipientOrganisation.get(on: db)
        startClock(referral, organisation: organisation)
        try await announce(
            referral, from: try await referral.$referrer.get(on: db).displayName, patient: try await referral.$patient.get(on: db),
            to: try await Self.recipientUsers(of: referral, on: db), organisation: organisation, on: db)
    }

    /// Sets the due dates from the receiving organisation's calendar and targets.
    private func startClock(_ referral: Referral, organisation: Organisation?) {
        let now = clock.now()
        let calendar = organisation?.calendar ?? .standard
        let targets = organisation?.targets ?? .standard
        let due = targets.acknowledgementDue(sentAt: now, urgency: referral.referralUrgency, calendar: calendar)
        referral.sentAt = now
        referral.acknowledgementDueAt = due
        referral.escalateAt = targets.escalationAt(due: due, calendar: calendar)
        referral.expiresAt = max(targets.expiresAt(sentAt: now), due)
        referral.updatedAt = now
    }

    /// Tells the recipients, in the app and by email, that a referral has arrived and when it is due.
    /// Tells the recipients a referral has arrived (and organisations' systems that it was sent).
    private func announce(
        _ referral: Referral, from referrer: String, patient: Patient, to recipients: [UserAccount], organisation: Organisation?, on db: any Database
    ) async throws {
        let zone = organisation?.calendar.timeZone ?? .gmt
        let due = DisplayDate.dateTime(referral.acknowledgementDueAt ?? clock.now(), in: zone)
        let urgency = referral.referralUrgency.label.lowercased()
        try await notifier.notify(
            recipients.map { $0.id! }, patient: nil, kind: .referralNew,
            message: "New \(urgency) referral from \(referrer) for \(patient.givenName) \(patient.familyName); acknowledgement due \(due).",
            link: SiteURL.referral(referral.id!).path, on: db)
        try await webhooks.publish(.referralSent, referrals: [(referral.id!, .sent)], on: db)
        try await outbox.notices(recipients.map {
            Outbox.Notice(
                userID: $0.id!, address: $0.email, subject: "New referral in Liaison",
                body: "\(referrer) has sent you a \(urgency) referral. Acknowledge it by \(due): \(baseURL)\(SiteURL.referral(referral.id!).path)")
        }, urgent: referral.referralUrgency != .routine, on: db)
    }

    // MARK: Reading

    /// The referral for one of its two sides, read from a snapshot; the recipient's first look marks it received.
    ///
    /// `audited: false` only to answer a request that has just acted on the referral: that step's
    /// own audit entry, with the same request id, records the request.
    func load(_ id: UUID, by caller: Caller, audited: Bool = true) async throws -> Loaded {
        let loaded = try await database.reader().transaction { db -> Loaded in
            guard let referral = try await Referral.query(on: db).filter(\.$id == id).with(\.$patient).with(\.$referrer).with(\.$recipient).with(\.$recipientOrganisation).first()
            else { throw AppError.notFound }
            let onTeam = try await CareTeamQueries.isCurrentMember(caller.userID, of: referral.$patient.id, at: clock.now(), on: db)
            guard let side = Self.side(of: caller, in: referral, onCareTeam: onTeam) else { throw AppError.notFound }
            let notes = try await ReferralNoteRecord.query(on: db).filter(\.$referral.$id == id).with(\.$author).sort(\.$createdAt).all()
            return Loaded(referral: referral, side: side, notes: notes, organisation: referral.recipientOrganisation, callerOnTeam: onTeam)
        }
        let referral = loaded.referral
        let marksReceived = loaded.side == .recipient && referral.referralState == .sent
        guard audited || marksReceived else { return loaded }
        try await database.write { db in
            if marksReceived {
                // Only if still sent: the snapshot may be a moment old.
                let now = clock.now()
                try await Referral.query(on: db).filter(\.$id == id).filter(\.$state == ReferralState.sent.rawValue)
                    .set(\.$state, to: ReferralState.received.rawValue).set(\.$receivedAt, to: now).set(\.$updatedAt, to: now).update()
                referral.state = ReferralState.received.rawValue
                referral.receivedAt = now
            }
            try await auditor.record(.referralRead, patient: referral.$patient.id, subject: "referral:\(id)", by: caller, on: db)
        }
        return loaded
    }

    /// Which side of the loop `caller` is on, or nil if neither (they get "not found"); `ReferralAccess` decides.
    static func side(of caller: Caller, in referral: Referral, onCareTeam: Bool) -> ReferralSide? {
        side(of: caller, in: .init(
            referrerID: referral.$referrer.id, recipientID: referral.$recipient.id, recipientOrganisationID: referral.$recipientOrganisation.id,
            state: referral.referralState), onCareTeam: onCareTeam)
    }

    /// The same, for a referral as the patient's record lists it.
    static func side(of caller: Caller, in referral: PatientReferralRow, onCareTeam: Bool) -> ReferralSide? {
        side(of: caller, in: .init(
            referrerID: referral.referrerID, recipientID: referral.recipientID, recipientOrganisationID: referral.recipientOrganisationID,
            state: referral.referralState), onCareTeam: onCareTeam)
    }

    private static func side(of caller: Caller, in ends: ReferralAccess.Loop, onCareTeam: Bool) -> ReferralSide? {
        ReferralAccess.side(of: caller.userID, organisations: Set(caller.identity.actor.memberships.keys), in: ends, onCareTeam: onCareTeam)
    }

    /// The people who owe the answer: the named recipient, or every clinician of the intake organisation.
    static func recipientUsers(of referral: Referral, on db: any Database) async throws -> [UserAccount] {
        if let recipient = referral.$recipient.id {
            return try await UserAccount.find(recipient, on: db).map { [$0] } ?? []
        }
        guard let organisation = referral.$recipientOrganisation.id else { return [] }
        return try await OrganisationQueries.members(of: organisation, on: db)
    }
}
