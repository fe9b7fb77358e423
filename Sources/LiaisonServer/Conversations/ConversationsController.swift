import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Conversation pages: a patient's care-team thread, the caller's conversations with a form to
/// write to a colleague, and a direct conversation.
struct ConversationsController: Sendable {
    let views: Views
    let conversations: ConversationService
    let patients: PatientService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(SiteURL.patientThread(.placeholder), use: thread)
        routes.clinicians.post(SiteURL.patientThread(.placeholder), use: postToThread)
        routes.clinicians.get(SiteURL.messages, use: list)
        routes.clinicians.post(SiteURL.messages, use: start)
        routes.clinicians.get(SiteURL.conversation(.placeholder), use: direct)
        routes.clinicians.post(SiteURL.conversation(.placeholder), use: reply)
    }

    /// One conversation's page, for a team thread and a direct conversation alike.
    struct ConversationPage: Sendable {
        struct Line: Sendable {
            let author: String
            let role: String?
            let at: String
            let body: String
            let isMine: Bool
        }

        let heading: String
        let explanation: String
        let backPath: String
        let backLabel: String
        let lines: [Line]
        let hasLines: Bool
        let mayPost: Bool
        let action: String
        let form: FormState
        let maximumLength = ConversationRules.maximumLength
    }

    /// The caller's conversations and the form to start one.
    struct MessagesPage: Sendable {
        struct Row: Sendable {
            let title: String
            let kind: String
            let when: String
            let unread: Int
            /// Mustache counts 0 as something: the template asks this instead.
            let hasUnread: Bool
            let href: String
        }

        let rows: [Row]
        let hasRows: Bool
        let patients: [Choice]
        let form: FormState
        let action = SiteURL.messages.path
        let maximumLength = ConversationRules.maximumLength
    }

    private func page(_ opened: ConversationService.Opened, caller: Caller, form: FormState = .empty) -> ConversationPage {
        let lines = opened.messages.map {
            ConversationPage.Line(
                author: $0.authorName, role: $0.authorRole.flatMap(CareTeamRole.init(rawValue:))?.label, at: DisplayDate.dateTime($0.createdAt),
                body: $0.body, isMine: $0.authorID == caller.userID)
        }
        let patientName = opened.patient.map { "\($0.givenName) \($0.familyName)" }
        switch opened.kind {
        case .team:
            let patient = opened.patient!
            return ConversationPage(
                heading: "Care team: \(patientName!)",
                explanation: "Everyone on \(patient.givenName)'s care team now reads this thread, within the patient's consent about which roles share notes. The patient does not see it.",
                backPath: SiteURL.patient(patient.id!).path, backLabel: "Back to the record", lines: lines, hasLines: !lines.isEmpty,
                mayPost: opened.mayPost, action: SiteURL.patientThread(patient.id!).path, form: form)
        case .direct:
            let other = opened.other?.displayName ?? "a colleague"
            return ConversationPage(
                heading: patientName.map { "\(other), about \($0)" } ?? other,
                explanation: patientName.map { "Between you and \(other) only, while you both treat \($0)." } ?? "Between you and \(other) only.",
                backPath: SiteURL.messages.path, backLabel: "All conversations", lines: lines, hasLines: !lines.isEmpty, mayPost: opened.mayPost,
                action: SiteURL.conversation(opened.id!).path, form: form)
        }
    }

    @Sendable func thread(_ request: Request, context: ClinicianContext) async throws -> Response {
        let opened = try await conversations.teamThread(of: try context.uuid("id"), by: context.caller)
        return show(opened, request: request, context: context)
    }

    /// A conversation just opened, with the navigation's unread count brought up to date.
    private func show(
        _ opened: ConversationService.Opened, form: FormState = .empty, status: HTTPResponse.Status = .ok, request: Request, context: ClinicianContext
    ) -> Response {
        var context = context
        context.caller = context.caller.havingRead(opened.markedRead)
        let page = page(opened, caller: context.caller, form: form)
        return views.page("conversations/conversation", title: page.heading, page, request: request, context: context, status: status)
    }

    @Sendable func postToThread(_ request: Request, context: ClinicianContext) async throws -> Response {
        let patientID = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        do {
            try await conversations.postToTeam(patientID, body: form["body"], by: context.caller)
            return views.redirect(to: .patientThread(patientID))
        } catch AppError.invalid(let errors) {
            let opened = try await conversations.teamThread(of: patientID, by: context.caller)
            return show(opened, form: FormState(values: form.dictionary, errors: errors), status: .unprocessableContent, request: request, context: context)
        }
    }

    private func renderList(_ form: FormState = .empty, status: HTTPResponse.Status = .ok, request: Request, context: ClinicianContext) async throws -> Response {
        let list = try await conversations.list(by: context.caller)
        let mine = try await patients.myPatients(by: context.caller)
        let chosen = form.values["patientID"]
        let page = MessagesPage(
            rows: list.map { summary in
                let patient = summary.givenName.map { "\($0) \(summary.familyName ?? "")" }
                let isTeam = summary.kind == ConversationKind.team.rawValue
                return MessagesPage.Row(
                    title: isTeam ? "Care team: \(patient ?? "a patient")" : [summary.otherName ?? "A colleague", patient.map { "about \($0)" }].compactMap { $0 }.joined(separator: ", "),
                    kind: isTeam ? "Team thread" : "Direct", when: DisplayDate.dateTime(summary.lastMessageAt), unread: summary.unread,
                    hasUnread: summary.unread > 0, href: isTeam ? SiteURL.patientThread(summary.patientID!).path : SiteURL.conversation(summary.id).path)
            },
            hasRows: !list.isEmpty,
            patients: [Choice(value: "", label: "No patient", selected: (chosen ?? "").isEmpty)] + mine.map { patient, _ in
                let id = patient.id!.uuidString.lowercased()
                return Choice(value: id, label: "\(patient.familyName), \(patient.givenName)", selected: chosen?.lowercased() == id)
            },
            form: form)
        return views.page("conversations/messages", title: "Messages", page, request: request, context: context, status: status)
    }

    /// The list, with the form to write; `?to=` fills in the colleague (from their directory page).
    @Sendable func list(_ request: Request, context: ClinicianContext) async throws -> Response {
        let to = try request.queryForm["to"].map { String($0.prefix(254)) }
        return try await renderList(to.map { FormState(values: ["to": $0], errors: [:], problems: []) } ?? .empty, request: request, context: context)
    }

    @Sendable func start(_ request: Request, context: ClinicianContext) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        do {
            let id = try await conversations.start(.init(to: form["to"], patientID: form["patientID"], body: form["body"]), by: context.caller)
            return views.redirect(to: .conversation(id))
        } catch AppError.invalid(let errors) {
            return try await renderList(FormState(values: form.dictionary, errors: errors), status: .unprocessableContent, request: request, context: context)
        }
    }

    @Sendable func direct(_ request: Request, context: ClinicianContext) async throws -> Response {
        let opened = try await conversations.direct(try context.uuid("id"), by: context.caller)
        return show(opened, request: request, context: context)
    }

    @Sendable func reply(_ request: Request, context: ClinicianContext) async throws -> Response {
        let id = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        do {
            try await conversations.reply(to: id, body: form["body"], by: context.caller)
            return views.redirect(to: .conversation(id))
        } catch AppError.invalid(let errors) {
            let opened = try await conversations.direct(id, by: context.caller)
            return show(opened, form: FormState(values: form.dictionary, errors: errors), status: .unprocessableContent, request: request, context: context)
        }
    }
}
