import FluentKit
import Foundation

/// A patient's care-team thread, or a direct conversation between two clinicians (its two
/// members in `conversation_members`), optionally about a patient.
public final class Conversation: Model, @unchecked Sendable {
    public static let schema = "conversations"

    @ID(key: .id) public var id: UUID?
    @Field(key: "kind") public var kind: String
    @OptionalParent(key: "patient_id") public var patient: Patient?
    /// For direct conversations: `ConversationRules.directKey`, unique.
    @OptionalField(key: "direct_key") public var directKey: String?
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "last_message_at") public var lastMessageAt: Date

    public init() {}
}

/// One message. The author's care-team role at the time is kept: the patient's consent about
/// which roles share notes decides who else on the team may read it, as for notes.
public final class ConversationMessage: Model, @unchecked Sendable {
    public static let schema = "conversation_messages"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "conversation_id") public var conversation: Conversation
    @Parent(key: "author_id") public var author: UserAccount
    @OptionalField(key: "author_role") public var authorRole: String?
    @Field(key: "body") public var body: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(conversationID: UUID, authorID: UUID, authorRole: String?, body: String, createdAt: Date) {
        self.$conversation.id = conversationID
        self.$author.id = authorID
        self.authorRole = authorRole
        self.body = body
        self.createdAt = createdAt
    }
}
