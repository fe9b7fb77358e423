import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Clinicians talking to each other: each patient's care-team thread (whoever is on the team
/// now; the patient's consent about which roles share notes applies to every message, as to
/// notes), and direct conversations between two clinicians, optionally about a patient both
/// treat. Each message leaves an unread receipt for the people it is for; opening the
/// conversation reads them. Reading and writing are audited against the patient.
struct ConversationService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let access: PatientAccessService
    let auditor: Auditor
    let patients: PatientService
    let outbox: Outbox
    /// Where emailed links point.
    let baseURL: String

    /// A conversation as its page shows it, already filtered for the reader.
    struct Opened: Sendable {
        let id: UUID?
        let kind: ConversationKind
        let patient: Patient?
        /// The other person of a direct conversation.
        let other: UserAccount?
        let messages: [MessageRow]
        let mayPost: Bool
        /// Messages this opening marked read.
        var markedRead = 0
    }

    /// A new direct conversation as the form or the API gives it.
    struct Start: Decodable, Sendable {
        /// The colleague's sign-in email.
        var to: String?
        var patientID: String?
        var body: String?
    }

    struct Reply: Decodable, Sendable {
        var body: String?
    }

    // MARK: Care-team threads

    /// The patient's thread for someone treating them (an emergency reader sees it as an outsider
    /// to the team, within consent, and cannot write).
    func teamThread(of patientID: UUID, by caller: Caller) async throws -> Opened {
        let opened = try await database.reader().transaction { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .clinicalRecord, on: db)
            let consent = try await patients.consentSettings(patientID, on: db)
            let thread = try await ConversationQueries.teamThread(of: patientID, on: db)
            let messages = try await thread.asyncMap { try await ConversationQueries.messages(in: $0, on: db) } ?? []
            let visible = messages.filter {
                NoteVisibility.mayRead(
                    kind: .team, authorID: $0.authorID, authorRole: $0.authorRole.flatMap(CareTeamRole.init(rawValue:)) ?? .other,
                    viewerID: caller.userID, viewerAccess: authorized.access, consent: consent)
            }
            let mayPost = if case .careTeam = authorized.access { true } else { false }
            return Opened(id: thread, kind: .team, patient: authorized.patient, other: nil, messages: visible, mayPost: mayPost)
        }
        let purpose = if opened.mayPost { "treatment" } else { "emergency" }
        var result = opened
        result.markedRead = try await database.write { db in
            try await auditor.record(.threadRead, patient: patientID, subject: "thread:\(patientID)", purpose: purpose, by: caller, on: db)
            guard let id = opened.id else { return 0 }
            return try await ConversationQueries.markRead(id, by: caller.userID, at: clock.now(), on: db)
        }
        return result
    }

    /// Writes to the patient's thread; it is for every current member whose role may read the
    /// writer's under the patient's consent.
    @discardableResult
    func postToTeam(_ patientID: UUID, body raw: String?, by caller: Caller) async throws -> ConversationMessage {
        let body = try validated(raw)
        return try await database.write { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .write, on: db)
            guard case .careTeam(let role) = authorized.access else { throw AppError.forbidden }
            let consent = try await patients.consentSettings(patientID, on: db)
            let now = clock.now()
            let readers = authorized.team.filter { member in
                member.membership.isActive(at: now) && member.$user.id != caller.userID
                    && consent.allowsSharing(between: role, and: CareTeamRole(rawValue: member.role) ?? .other)
            }.compactMap(\.user)
            let thread = try await ConversationQueries.openTeamThread(of: patientID, at: now, on: db)
            let message = ConversationMessage(conversationID: thread, authorID: caller.userID, authorRole: role.rawValue, body: body, createdAt: now)
            try await ConversationQueries.post(message, for: readers.map { $0.id! }, on: db)
            try await tell(readers, "\(caller.identity.displayName) wrote in a patient's care-team thread", link: SiteURL.patientThread(patientID).path, on: db)
            try await auditor.record(.messageCreate, patient: patientID, subject: "message:\(message.id!)", by: caller, on: db)
            return message
        }
    }

    // MARK: Direct conversations

    /// The caller's conversations, latest first. Unread receipts of conversations they can no
    /// longer open (they left the team) are settled, so the navigation counts only what they can read.
    func list(by caller: Caller) async throws -> [ConversationSummary] {
        let now = clock.now()
        let limit = 500
        let list = try await ConversationQueries.list(of: caller.userID, at: now, limit: limit, on: database.reader())
        if list.count < limit, caller.identity.unreadMessages > list.reduce(0, { $0 + $1.unread }) {
            try await database.write { db in try await ConversationQueries.settleUnreadOutside(list.map(\.id), for: caller.userID, at: now, on: db) }
        }
        return list
    }

    /// A direct conversation, for its two people; one about a patient only while the reader is
    /// on that patient's team. Anyone else: not found.
    func direct(_ id: UUID, by caller: Caller) async throws -> Opened {
        let opened = try await database.reader().transaction { db in
            let (conversation, other) = try await directConversation(id, for: caller, on: db)
            let messages = try await ConversationQueries.messages(in: id, on: db)
            return Opened(id: id, kind: .direct, patient: conversation.patient, other: other, messages: messages, mayPost: true)
        }
        var result = opened
        result.markedRead = try await database.write { db in
            if let patient = opened.patient {
                try await auditor.record(.conversationRead, patient: patient.id, subject: "conversation:\(id)", by: caller, on: db)
            }
            return try await ConversationQueries.markRead(id, by: caller.userID, at: clock.now(), on: db)
        }
        return result
    }

    /// Starts (or continues) the direct conversation with a colleague and writes the first message.
    /// About a patient, both must be on the patient's team now.
    func start(_ start: Start, by caller: Caller) async throws -> UUID {
        var errors = ValidationErrors()
        var body = ""
        do { body = try ConversationRules.validatedBody(start.body) } catch { errors = error }
        let email = EmailAddress(start.to ?? "")
        if email == nil { errors.add("to", "Give the colleague's sign-in email address.") }
        let patientText = (start.patientID ?? "").trimmingCharacters(in: .whitespaces)
        let patientID = UUID(uuidString: patientText)
        if !patientText.isEmpty, patientID == nil { errors.add("patientID", "Choose one of your patients, or none.") }
        if !errors.isEmpty { throw AppError.invalid(errors) }
        let message = body
        return try await database.write { db in
            guard let colleague = try await UserAccount.query(on: db).filter(\.$email == email!.value).filter(\.$kind == UserAccount.clinicianKind).first(),
                  let colleagueID = colleague.id
            else { throw AppError.invalid(ValidationErrors("to", "No clinician in Liaison signs in as \(email!.value.prefix(80)).")) }
            guard colleagueID != caller.userID else { throw AppError.invalid(ValidationErrors("to", "Write to a colleague, not to yourself.")) }
            if let patientID {
                let authorized = try await access.authorize(patientID, for: caller, need: .write, on: db)
                guard case .careTeam = authorized.access else { throw AppError.forbidden }
                guard authorized.team.contains(where: { $0.$user.id == colleagueID && $0.membership.isActive(at: clock.now()) }) else {
                    throw AppError.invalid(ValidationErrors("to", "\(colleague.displayName) is not on this patient's care team; add them to the team or write without naming the patient."))
                }
            }
            let now = clock.now()
            let id = try await ConversationQueries.openDirect(
                key: ConversationRules.directKey(caller.userID, colleagueID, patient: patientID), between: caller.userID, and: colleagueID,
                patient: patientID, at: now, on: db)
            try await write(message, to: id, patient: patientID, for: colleague, by: caller, on: db)
            return id
        }
    }

    /// Answers in a direct conversation.
    func reply(to id: UUID, body raw: String?, by caller: Caller) async throws {
        let body = try validated(raw)
        try await database.write { db in
            let (conversation, other) = try await directConversation(id, for: caller, on: db)
            try await write(body, to: id, patient: conversation.$patient.id, for: other, by: caller, on: db)
        }
    }

    private func write(_ body: String, to id: UUID, patient: UUID?, for reader: UserAccount, by caller: Caller, on db: any Database) async throws {
        let message = ConversationMessage(conversationID: id, authorID: caller.userID, authorRole: nil, body: body, createdAt: clock.now())
        try await ConversationQueries.post(message, for: [reader.id!], on: db)
        try await tell([reader], "\(caller.identity.displayName) wrote to you", link: SiteURL.conversation(id).path, on: db)
        if let patient {
            try await auditor.record(.messageCreate, patient: patient, subject: "message:\(message.id!)", by: caller, on: db)
        }
    }

    /// The conversation and its other person, if the caller may open it.
    private func directConversation(_ id: UUID, for caller: Caller, on db: any Database) async throws -> (Conversation, UserAccount) {
        guard let conversation = try await ConversationQueries.conversation(id, on: db), conversation.kind == ConversationKind.direct.rawValue
        else { throw AppError.notFound }
        let members = try await ConversationQueries.members(of: id, on: db)
        guard members.contains(caller.userID), let otherID = members.first(where: { $0 != caller.userID }),
              let other = try await UserAccount.find(otherID, on: db)
        else { throw AppError.notFound }
        if let patientID = conversation.$patient.id {
            guard try await CareTeamQueries.isCurrentMember(caller.userID, of: patientID, at: clock.now(), on: db) else { throw AppError.notFound }
            conversation.$patient.value = try await PatientQueries.patient(patientID, on: db)
        }
        return (conversation, other)
    }

    /// An email to each reader, as they chose to hear of notices: who wrote and a link, never
    /// the message or the patient's name.
    private func tell(_ readers: [UserAccount], _ what: String, link: String, on db: any Database) async throws {
        try await outbox.notices(
            readers.map { .init(userID: $0.id!, address: $0.email, subject: "New message in Liaison", body: "\(what) in Liaison: \(baseURL)\(link)") },
            urgent: false, on: db)
    }

    private func validated(_ raw: String?) throws -> String {
        do { return try ConversationRules.validatedBody(raw) } catch { throw AppError.invalid(error) }
    }
}
