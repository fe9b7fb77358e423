import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Conversations in the JSON API: a patient's care-team thread, the caller's conversations, a
/// direct conversation and its messages.
struct ConversationsAPI: Sendable {
    let conversations: ConversationService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(APIURL.patientThread(.placeholder), use: thread)
        routes.clinicians.post(APIURL.patientThread(.placeholder), use: postToThread)
        routes.clinicians.get(APIURL.conversations, use: list)
        routes.clinicians.post(APIURL.conversations, use: start)
        routes.clinicians.get(APIURL.conversation(.placeholder), use: direct)
        routes.clinicians.post(APIURL.conversationMessages(.placeholder), use: reply)
    }

    struct MessageDTO: Codable, Sendable {
        let id: UUID
        let authorID: UUID
        let authorName: String
        /// Their care-team role, in a team thread.
        let authorRole: String?
        let body: String
        let createdAt: Date
    }

    struct ConversationDTO: ResponseEncodable {
        let id: UUID?
        let kind: String
        let patientID: UUID?
        let otherID: UUID?
        let otherName: String?
        let mayPost: Bool
        /// Oldest first.
        let messages: [MessageDTO]

        init(_ opened: ConversationService.Opened) {
            id = opened.id
            kind = opened.kind.rawValue
            patientID = opened.patient?.id
            otherID = opened.other?.id
            otherName = opened.other?.displayName
            mayPost = opened.mayPost
            messages = opened.messages.map {
                MessageDTO(id: $0.id, authorID: $0.authorID, authorName: $0.authorName, authorRole: $0.authorRole, body: $0.body, createdAt: $0.createdAt)
            }
        }
    }

    struct SummaryDTO: Codable, Sendable {
        let id: UUID
        let kind: String
        let patientID: UUID?
        let otherID: UUID?
        let otherName: String?
        let lastMessageAt: Date
        let unread: Int
    }

    struct ListDTO: ResponseEncodable {
        let conversations: [SummaryDTO]
        let unread: Int
    }

    struct StartedDTO: ResponseEncodable {
        let id: UUID
    }

    @Sendable func thread(_ request: Request, context: ClinicianContext) async throws -> ConversationDTO {
        ConversationDTO(try await conversations.teamThread(of: try context.uuid("id"), by: context.caller))
    }

    @Sendable func postToThread(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<ConversationDTO> {
        let patientID = try context.uuid("id")
        var request = request
        let input = try await request.input(ConversationService.Reply.self, context: context)
        try await conversations.postToTeam(patientID, body: input.body, by: context.caller)
        return EditedResponse(status: .created, response: ConversationDTO(try await conversations.teamThread(of: patientID, by: context.caller)))
    }

    @Sendable func list(_ request: Request, context: ClinicianContext) async throws -> ListDTO {
        let list = try await conversations.list(by: context.caller)
        return ListDTO(
            conversations: list.map {
                SummaryDTO(id: $0.id, kind: $0.kind, patientID: $0.patientID, otherID: $0.otherID, otherName: $0.otherName, lastMessageAt: $0.lastMessageAt, unread: $0.unread)
            },
            unread: list.reduce(0) { $0 + $1.unread })
    }

    @Sendable func start(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<StartedDTO> {
        var request = request
        let input = try await request.input(ConversationService.Start.self, context: context)
        return EditedResponse(status: .created, response: StartedDTO(id: try await conversations.start(input, by: context.caller)))
    }

    @Sendable func direct(_ request: Request, context: ClinicianContext) async throws -> ConversationDTO {
        ConversationDTO(try await conversations.direct(try context.uuid("id"), by: context.caller))
    }

    @Sendable func reply(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<ConversationDTO> {
        let id = try context.uuid("id")
        var request = request
        let input = try await request.input(ConversationService.Reply.self, context: context)
        try await conversations.reply(to: id, body: input.body, by: context.caller)
        return EditedResponse(status: .created, response: ConversationDTO(try await conversations.direct(id, by: context.caller)))
    }
}
