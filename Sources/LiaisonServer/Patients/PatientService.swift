import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Registering patients and keeping their team record: team, consent, notes, timeline.
struct PatientService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let access: PatientAccessService
    let auditor: Auditor
    let notifier: Notifier
    let careTeams: CareTeamService
    let timeline: Timeline

    enum RegistrationError: Error {
        case invalid(ValidationErrors)
        /// Patients with the same name and date of birth already registered at the caller's organisations.
        case possibleDuplicate(count: Int)
    }

    struct Registration: Sendable, Encodable {
        var draft: PatientDraft
        var role: String?
        var organisationID: UUID?
        var identifier: String?
        var confirmedDifferentPerson: Bool
    }

    /// Registers a patient with the caller as the first member of the care team; once per
    /// submission key (see `Submissions`), so a form sent twice registers one patient.
    func register(_ registration: Registration, once key: SubmissionKey? = nil, by caller: Caller) async throws -> Patient {
        // A repeat is answered before the checks below, which would take the first for a duplicate.
        if let id = try await Submissions.earlier(key, .patient, input: registration, by: caller.userID, on: database.reader()),
           let patient = try await Patient.find(id, on: database.reader()) {
            return patient
        }
        let today = DateOnly.of(clock.now(), in: .gmt)
        var check = FieldChecker()
        var details: PatientDetails?
        do { details = try registration.draft.validated(today: today) } catch { check.errors = error }
        let role = check.choice(registration.role, field: "role", label: "Your role on the care team", as: CareTeamRole.self)
        let identifier = check.text(registration.identifier, field: "identifier", label: "Record number", maxLength: 60)
        if let organisationID = registration.organisationID, caller.identity.actor.memberships[organisationID] == nil {
            check.errors.add("organisationID", "Choose one of your own organisations.")
        }
        if !identifier.isEmpty, registration.organisationID == nil {
            check.errors.add("identifier", "Choose the organisation this record number belongs to.")
        }
        if !check.errors.isEmpty { throw RegistrationError.invalid(check.errors) }
        let db = database.db()
        let myOrganisations = Array(caller.identity.actor.memberships.keys)
        // A record with the same name and date of birth at the caller's organisations is named to
        // the caller only if they already treat that patient; anyone else learns nothing of who is
        // registered, and the organisation's administrators are told (by reference) to check.
        var unseenMatches: [Patient] = []
        if !registration.confirmedDifferentPerson, !myOrganisations.isEmpty {
            let matches = try await Patient.query(on: db)
                .filter(\.$matchKey == details!.matchKey).filter(\.$registeredOrganisationID ~~ myOrganisations).all()
            let treated = try await CareTeamMember.query(on: db).filter(\.$patient.$id ~~ matches.compactMap(\.id))
                .filter(\.$user.$id == caller.userID).filter(\.$endedAt == nil).count()
            if treated > 0 { throw RegistrationError.possibleDuplicate(count: treated) }
            unseenMatches = matches
        }
        if !identifier.isEmpty, let organisationID = registration.organisationID,
           try await PatientIdentifier.query(on: db).filter(\.$organisation.$id == organisationID).filter(\.$value == identifier).first() != nil {
            var errors = ValidationErrors()
            errors.add("identifier", "Record number \(identifier) is already used at that organisation.")
            throw RegistrationError.invalid(errors)
        }
        let now = clock.now()
        let validDetails = details!, possibleDuplicates = unseenMatches
        return try await database.write { db in
            try await Submissions.once(
                key, .patient, input: registration, by: caller.userID, at: now, on: db,
                existing: { try await Patient.query(on: db).filter(\.$id == $0).filter(\.$registeredBy == caller.userID).first() }
            ) {
                let patient = Patient(details: validDetails, registeredBy: caller.userID, organisationID: registration.organisationID, createdAt: now)
                try await patient.create(on: db)
                let patientID = try patient.requireID()
                if !identifier.isEmpty, let organisationID = registration.organisationID {
                    try await PatientIdentifier(patientID: patientID, organisationID: organisationID, value: identifier).create(on: db)
                }
                _ = try await careTeams.join(
                    .init(
                        userID: caller.userID, role: role!,
                        summary: "\(caller.identity.displayName) registered the patient and joined the care team as \(role!.label.lowercased()).",
                        event: .registered, audit: nil),
                    patient: patientID, team: [], by: caller, on: db)
                try await auditor.record(.patientCreate, patient: patientID, subject: "patient:\(patientID)", by: caller, on: db)
                try await reportPossibleDuplicates(of: patient, matching: possibleDuplicates, by: caller, on: db)
                return (patient, patientID)
            }
        }
    }

    /// Tells the administrators of the organisations holding `matches` that a new record may
    /// duplicate them: references only, never names.
    private func reportPossibleDuplicates(of patient: Patient, matching matches: [Patient], by caller: Caller, on db: any Database) async throws {
        let byOrganisation = Dictionary(grouping: matches) { $0.registeredOrganisationID }
        let administrators = try await OrganisationQueries.administrators(of: byOrganisation.keys.compactMap { $0 }, on: db)
        for (organisationID, records) in byOrganisation {
            guard let organisationID, let people = administrators[organisationID] else { continue }
            let existing = records.compactMap(\.id).map(PatientReference.short).joined(separator: ", ")
            try await notifier.notify(
                people.compactMap(\.id), patient: nil, kind: .possibleDuplicate,
                message: "\(caller.identity.displayName) registered a patient (\(PatientReference.short(patient.id!))) whose name and date of birth match an existing record (\(existing)). Please check with their care teams whether they are the same person.",
                link: SiteURL.organisation(organisationID).path, on: db)
        }
    }

    /// A patient's own record, for their portal account; nil for anyone else.
    func ownRecord(of caller: Caller) async throws -> Patient? {
        guard caller.identity.isPatient,
              let patient = try await PatientQueries.patient(ofPortalUser: caller.userID, on: database.reader())
        else { return nil }
        try await auditor.recordRead(.patientsList, patient: patient.id, subject: "own-record", purpose: "patient access", by: caller, in: database)
        return patient
    }

    /// The caller's patients: those whose care team they are on now.
    func myPatients(by caller: Caller) async throws -> [(Patient, CareTeamMember)] {
        let now = clock.now()
        let memberships = try await CareTeamMember.query(on: database.reader())
            .filter(\.$user.$id == caller.userID).filter(\.$startedAt <= now)
            .group(.or) { $0.filter(\.$endedAt == nil).filter(\.$endedAt > now) }
            .with(\.$patient).all()
        try await auditor.recordRead(.patientsList, patient: nil, subject: "my-patients:\(memberships.count)", by: caller, in: database)
        return memberships.map { ($0.patient, $0) }.sorted { ($0.0.familyName, $0.0.givenName) < ($1.0.familyName, $1.0.givenName) }
    }

    /// Everything on the team record the caller may see, read as one snapshot, then audited.
    func record(_ patientID: UUID, by caller: Caller) async throws -> PatientRecord {
        let record = try await database.reader().transaction { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .clinicalRecord, on: db)
            let consent = try await consentSettings(patientID, on: db)
            let notes = try await PatientQueries.notes(of: patientID, on: db)
            let visible = notes.filter {
                NoteVisibility.mayRead(
                    kind: NoteKind(rawValue: $0.kind) ?? .privateProcess, authorID: $0.$author.id,
                    authorRole: CareTeamRole(rawValue: $0.authorRole) ?? .other, viewerID: caller.userID,
                    viewerAccess: authorized.access, consent: consent)
            }
            let events = try await PatientQueries.events(of: patientID, on: db)
            let identifiers = try await PatientQueries.identifiers(of: patientID, on: db)
            let onTeam = if case .careTeam = authorized.access { true } else { false }
            let referrals = try await ReferralQueries.summaries(ofPatient: patientID, on: db).map {
                ($0, ReferralService.side(of: caller, in: $0, onCareTeam: onTeam) != nil)
            }
            return PatientRecord(
                patient: authorized.patient, access: authorized.access, team: authorized.team, consent: consent,
                notes: visible, events: events, identifiers: identifiers, responses: try await MeasurementQueries.responses(of: patientID, on: db),
                openAlerts: try await MeasurementQueries.flags(of: patientID, on: db).filter { $0.acknowledgedAt == nil }.count,
                referrals: referrals, corrections: try await PatientCorrection.query(on: db).filter(\.$patient.$id == patientID).count())
        }
        let purpose = if case .emergency = record.access { "emergency" } else { "treatment" }
        try await auditor.recordRead(.patientRead, patient: patientID, subject: "patient:\(patientID)", purpose: purpose, by: caller, in: database)
        return record
    }

    /// Adds a clinician to the team; they are notified. Only team members may.
    /// Once per submission key (see `Submissions`): a form sent twice adds them once, without a
    /// second "already on the team".
    func addMember(
        to patientID: UUID, email rawEmail: String?, role rawRole: String?, responsible: Bool, once key: SubmissionKey? = nil, by caller: Caller
    ) async throws -> CareTeamMember {
        try await database.write { db in
            try await PatientQueries.lockTeam(of: patientID, on: db)
            let input = [patientID.uuidString, rawEmail ?? "", rawRole ?? "", String(responsible)]
            return try await Submissions.once(
                key, .member, input: input, by: caller.userID, at: clock.now(), on: db,
                existing: { try await CareTeamMember.query(on: db).filter(\.$id == $0).with(\.$user).first() }
            ) {
                let member = try await addMember(to: patientID, email: rawEmail, role: rawRole, responsible: responsible, by: caller, on: db)
                return (member, member.id!)
            }
        }
    }

    private func addMember(
        to patientID: UUID, email rawEmail: String?, role rawRole: String?, responsible: Bool, by caller: Caller, on db: any Database
    ) async throws -> CareTeamMember {
        let authorized = try await access.authorize(patientID, for: caller, need: .write, on: db)
        var check = FieldChecker()
        let emailText = check.text(rawEmail, field: "email", label: "Clinician's email", required: true, maxLength: 254)
        let role = check.choice(rawRole, field: "role", label: "Role on the team", as: CareTeamRole.self)
        var user: UserAccount?
        if let email = EmailAddress(emailText) {
            user = try await UserAccount.query(on: db).filter(\.$email == email.value).filter(\.$kind == UserAccount.clinicianKind).first()
        }
        if !emailText.isEmpty, user == nil {
            check.errors.add("email", "No clinician in Liaison signs in as \(emailText.prefix(80)). Check the address, or ask an administrator to invite them.")
        }
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        let userID = try user!.requireID()
        let title = responsible ? "responsible prescriber" : role!.label.lowercased()
        let member = try await careTeams.join(
            .init(
                userID: userID, role: role!, responsible: responsible,
                summary: "\(caller.identity.displayName) added \(user!.displayName) to the care team as \(title)."),
            patient: patientID, team: authorized.team, by: caller, on: db)
        try await notifier.notify(
            [userID], patient: patientID, kind: .careTeamAdded,
            message: "\(caller.identity.displayName) added you to the care team of \(authorized.patient.givenName) \(authorized.patient.familyName) as \(title).",
            link: SiteURL.patient(patientID).path, on: db)
        return member
    }

    /// Ends a membership (the history keeps it): a member their own, the responsible prescriber anyone's.
    /// - Returns: the team as it now stands, read in the same transaction: someone who has just
    ///   left may no longer read it afterwards.
    @discardableResult
    func endMember(_ memberID: UUID, of patientID: UUID, by caller: Caller) async throws -> [CareTeamMember] {
        try await database.write { db in
            try await PatientQueries.lockTeam(of: patientID, on: db)
            let authorized = try await access.authorize(patientID, for: caller, need: .write, on: db)
            guard let member = authorized.team.first(where: { $0.id == memberID }) else { throw AppError.notFound }
            let team = authorized.team.map(\.membership), now = clock.now()
            do throws(ValidationErrors) { try CareTeamRules.checkEnd(userID: member.$user.id, by: caller.userID, team: team, at: now) } catch {
                throw AppError.invalid(error)
            }
            try await careTeams.end(member, patient: patientID, by: caller, on: db)
            return authorized.team
        }
    }

    /// Records the patient's consent choices (by a team member on their behalf, or by the patient).
    func updateConsent(of patientID: UUID, withheld keys: [String], by caller: Caller) async throws -> ConsentSettings {
        let settings: ConsentSettings
        do { settings = try ConsentSettings.parse(withheldKeys: keys) } catch { throw AppError.invalid(error) }
        try await database.write { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .anyAccess, on: db)
            guard authorized.access.mayWrite || authorized.access == .patientSelf else { throw AppError.forbidden }
            let text = settings.withheld.sorted().map(\.key).joined(separator: ",")
            if let existing = try await ConsentRecord.query(on: db).filter(\.$patient.$id == patientID).first() {
                existing.withheld = text
                existing.updatedAt = clock.now()
                existing.updatedBy = caller.userID
                try await existing.save(on: db)
            } else {
                try await ConsentRecord(patientID: patientID, withheld: text, updatedAt: clock.now(), updatedBy: caller.userID).create(on: db)
            }
            let described = settings.withheld.isEmpty
                ? "notes are shared across the whole team"
                : "notes are not shared between " + settings.withheld.sorted().map { "\($0.first.label.lowercased()) and \($0.second.label.lowercased())" }.joined(separator: "; ")
            try await timeline.record(
                .consentUpdated, "\(caller.identity.displayName) recorded the patient's consent: \(described).", patient: patientID, by: caller, on: db)
            try await auditor.record(.consentUpdate, patient: patientID, subject: "consent:\(patientID)", by: caller, on: db)
        }
        return settings
    }

    /// The patient's consent choices, with the care team now (whom they concern).
    func consent(of patientID: UUID, by caller: Caller) async throws -> (settings: ConsentSettings, team: [CareTeamMember]) {
        try await database.write { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .anyAccess, on: db)
            guard authorized.access.mayReadClinicalRecord || authorized.access == .patientSelf else { throw AppError.forbidden }
            try await auditor.record(.consentRead, patient: patientID, subject: "consent:\(patientID)", by: caller, on: db)
            let now = clock.now()
            return (try await consentSettings(patientID, on: db), authorized.team.filter { $0.membership.isActive(at: now) })
        }
    }

    /// Adds a team note or a private process note, once per submission key (see `Submissions`).
    func addNote(to patientID: UUID, kind rawKind: String?, body rawBody: String?, once key: SubmissionKey? = nil, by caller: Caller) async throws -> Note {
        var check = FieldChecker()
        let kind = check.choice(rawKind, field: "kind", label: "Kind of note", as: NoteKind.self)
        let body = check.text(rawBody, field: "body", label: "Note", required: true, maxLength: 4000)
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        return try await database.write { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .write, on: db)
            guard case .careTeam(let role) = authorized.access else { throw AppError.forbidden }
            return try await Submissions.once(
                key, .note, input: [patientID.uuidString, kind!.rawValue, body], by: caller.userID, at: clock.now(), on: db,
                existing: { try await Note.query(on: db).filter(\.$id == $0).filter(\.$author.$id == caller.userID).first() }
            ) {
                let note = Note(patientID: patientID, authorID: caller.userID, authorRole: role.rawValue, kind: kind!.rawValue, body: body, createdAt: clock.now())
                try await note.create(on: db)
                try await auditor.record(.noteCreate, patient: patientID, subject: "note:\(note.id!)", by: caller, on: db)
                return (note, note.id!)
            }
        }
    }

    func consentSettings(_ patientID: UUID, on db: any Database) async throws -> ConsentSettings {
        let text = try await PatientQueries.withheldConsent(of: patientID, on: db)
        let keys = text.split(separator: ",").map(String.init)
        return ConsentSettings(withheld: Set(keys.compactMap(ConsentSettings.RolePair.init(key:))))
    }
}

/// What a team record page or API answer shows, already filtered for the viewer.
struct PatientRecord: Sendable {
    let patient: Patient
    let access: PatientAccess
    let team: [CareTeamMember]
    let consent: ConsentSettings
    let notes: [Note]
    let events: [PatientEvent]
    let identifiers: [PatientIdentifier]
    /// Questionnaire scores, oldest first, for the charts.
    let responses: [QuestionnaireResponse]
    let openAlerts: Int
    /// Every referral made for the patient, newest first, and whether the viewer may open each.
    let referrals: [(referral: PatientReferralRow, mayOpen: Bool)]
    /// How many fields of the patient's details have been corrected.
    let corrections: Int
}
