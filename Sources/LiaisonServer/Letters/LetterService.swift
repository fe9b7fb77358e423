import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Structured letters between the clinicians of a patient's team (a clinical update, a progress
/// update, a closing summary), sent through Liaison: the recipient is told in the app and, as
/// they chose, by email (a link, never the patient's name); the team's timeline records that it
/// was sent. The patient's consent about which roles share notes applies to the pair.
/// Referral letters and notes use the same `Letter` templates and printable page.
struct LetterService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let access: PatientAccessService
    let auditor: Auditor
    let notifier: Notifier
    let outbox: Outbox
    let timeline: Timeline
    let patients: PatientService
    /// Where emailed links point.
    let baseURL: String

    /// What the form needs: the patient, and the colleagues on the team who may receive it.
    struct Composing: Sendable {
        let patient: Patient
        let recipients: [UserAccount]
    }

    /// A letter as the API gives it (the form's fields are read the same way).
    struct Draft: Decodable, Sendable {
        var kind: String?
        var recipientID: String?
        var sections: [String: String]?
    }

    /// A letter with the people it is between.
    struct Opened: Sendable {
        let record: LetterRecord
        let letter: Letter?
        let kind: LetterKind
    }

    func composing(for patientID: UUID, by caller: Caller) async throws -> Composing {
        try await database.reader().transaction { db in
            let (authorized, role) = try await writer(patientID, caller, on: db)
            let consent = try await patients.consentSettings(patientID, on: db)
            return Composing(patient: authorized.patient, recipients: recipients(authorized.team, from: role, caller: caller, consent: consent))
        }
    }

    /// Sends a letter; bad input (a kind, a recipient, a section) changes nothing.
    @discardableResult
    func send(_ draft: Draft, about patientID: UUID, by caller: Caller) async throws -> LetterRecord {
        var errors = ValidationErrors()
        let kind = draft.kind.flatMap(LetterKind.init(rawValue:)).flatMap { LetterKind.standalone.contains($0) ? $0 : nil }
        if kind == nil { errors.add("kind", "Choose a clinical update, a progress update or a closing summary.") }
        let recipientID = draft.recipientID.flatMap { UUID(uuidString: $0.trimmingCharacters(in: .whitespaces)) }
        if recipientID == nil { errors.add("recipientID", "Choose the colleague on the team the letter is for.") }
        var letter: Letter?
        if let kind {
            do { letter = try Letter.validated(kind, fields: draft.sections ?? [:]) } catch {
                for problem in error.problems { errors.add(problem.field, problem.message) }
            }
        }
        guard errors.isEmpty, let kind, let recipientID, let letter else { throw AppError.invalid(errors) }
        let content = try letter.storedText
        return try await database.write { db in
            let (authorized, role) = try await writer(patientID, caller, on: db)
            let consent = try await patients.consentSettings(patientID, on: db)
            guard let recipient = recipients(authorized.team, from: role, caller: caller, consent: consent).first(where: { $0.id == recipientID }) else {
                throw AppError.invalid(ValidationErrors(
                    "recipientID", "Choose a colleague on the patient's care team now; the patient's consent may keep your notes from some roles."))
            }
            let record = LetterRecord(
                patientID: patientID, authorID: caller.userID, authorRole: role.rawValue, recipientID: recipientID, kind: kind.rawValue, content: content,
                createdAt: clock.now())
            try await record.create(on: db)
            record.$recipient.value = recipient
            let author = caller.identity.displayName, patient = authorized.patient
            let link = SiteURL.letter(record.id!).path
            try await timeline.record(.letterSent, "\(author) sent \(recipient.displayName) a letter (\(kind.label.lowercased())).", patient: patientID, by: caller, on: db)
            try await notifier.notify(
                [recipientID], patient: patientID, kind: .letterReceived,
                message: "\(author) sent you a \(kind.label.lowercased()) about \(patient.givenName) \(patient.familyName).", link: link, on: db)
            try await outbox.notices(
                [.init(userID: recipientID, address: recipient.email, subject: "A letter for you in Liaison", body: "\(author) sent you a letter in Liaison: \(baseURL)\(link)")],
                urgent: false, on: db)
            try await auditor.record(.letterSend, patient: patientID, subject: "letter:\(record.id!)", by: caller, on: db)
            return record
        }
    }

    /// The patient's letters the caller wrote or received (for someone on the team now).
    func letters(of patientID: UUID, by caller: Caller) async throws -> [LetterRecord] {
        try await database.reader().transaction { db in
            _ = try await writer(patientID, caller, on: db)
            return try await LetterQueries.letters(of: patientID, writtenOrReceivedBy: caller.userID, on: db)
        }
    }

    /// A letter, for its writer or its recipient while they are on the patient's team; anyone
    /// else: not found. The recipient's first opening is recorded.
    func open(_ id: UUID, by caller: Caller) async throws -> Opened {
        let record = try await database.reader().transaction { db -> LetterRecord in
            guard let record = try await LetterQueries.letter(id, on: db),
                  record.$author.id == caller.userID || record.$recipient.id == caller.userID,
                  try await CareTeamQueries.isCurrentMember(caller.userID, of: record.$patient.id, at: clock.now(), on: db)
            else { throw AppError.notFound }
            return record
        }
        try await database.write { db in
            if record.$recipient.id == caller.userID { try await LetterQueries.markRead(id, at: clock.now(), on: db) }
            try await auditor.record(.letterRead, patient: record.$patient.id, subject: "letter:\(id)", by: caller, on: db)
        }
        return Opened(record: record, letter: record.letter, kind: LetterKind(rawValue: record.kind) ?? .clinicalUpdate)
    }

    /// The author shares their letter with the patient, who reads it in their portal from then on.
    /// Only the author decides (it is their clinical judgement), while on the patient's team; a
    /// second share changes nothing (409).
    func release(_ id: UUID, by caller: Caller) async throws -> LetterRecord {
        try await database.write { db in
            guard let record = try await LetterQueries.letter(id, on: db), record.$author.id == caller.userID,
                  try await CareTeamQueries.isCurrentMember(caller.userID, of: record.$patient.id, at: clock.now(), on: db)
            else { throw AppError.notFound }
            guard try await LetterQueries.release(id, at: clock.now(), on: db) else {
                throw AppError.conflict("This letter is already shared with the patient.")
            }
            record.releasedAt = clock.now()
            let kind = LetterKind(rawValue: record.kind)?.label.lowercased() ?? "letter"
            try await timeline.record(
                .letterSent, "\(caller.identity.displayName) shared their letter to \(record.recipient.displayName) (\(kind)) with the patient.",
                patient: record.$patient.id, by: caller, on: db)
            try await auditor.record(.letterRelease, patient: record.$patient.id, subject: "letter:\(id)", by: caller, on: db)
            return record
        }
    }

    /// The letters shared with the patient whose portal account is the caller's.
    func released(to patient: Patient) async throws -> [LetterRecord] {
        try await LetterQueries.released(toPatient: try patient.requireID(), on: database.reader())
    }

    /// A letter shared with the patient, for the patient; anyone else, or a letter not shared: not found.
    func openReleased(_ id: UUID, by caller: Caller) async throws -> Opened {
        guard caller.identity.isPatient, let record = try await LetterQueries.letter(id, on: database.reader()),
              record.releasedAt != nil, record.patient.portalUserID == caller.userID
        else { throw AppError.notFound }
        try await auditor.recordRead(.letterRead, patient: record.$patient.id, subject: "letter:\(id)", purpose: "patient access", by: caller, in: database)
        return Opened(record: record, letter: record.letter, kind: LetterKind(rawValue: record.kind) ?? .clinicalUpdate)
    }

    /// The caller's team membership: only someone treating the patient writes (emergency readers do not).
    private func writer(_ patientID: UUID, _ caller: Caller, on db: any Database) async throws -> (PatientAccessService.Authorized, CareTeamRole) {
        let authorized = try await access.authorize(patientID, for: caller, need: .write, on: db)
        guard case .careTeam(let role) = authorized.access else { throw AppError.forbidden }
        return (authorized, role)
    }

    /// Current members other than the writer whose role may read the writer's notes.
    private func recipients(_ team: [CareTeamMember], from role: CareTeamRole, caller: Caller, consent: ConsentSettings) -> [UserAccount] {
        let now = clock.now()
        var seen = Set<UUID>()
        return team.filter { member in
            member.membership.isActive(at: now) && member.$user.id != caller.userID
                && consent.allowsSharing(between: role, and: CareTeamRole(rawValue: member.role) ?? .other) && seen.insert(member.$user.id).inserted
        }.compactMap(\.user).sorted { $0.displayName < $1.displayName }
    }
}
