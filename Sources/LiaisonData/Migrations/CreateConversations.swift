import FluentKit
import SQLKit

/// Care-team threads and direct conversations, their messages, and a receipt per message and
/// person it was for (unread until they open the conversation): the navigation's unread count
/// is one indexed count of receipts.
struct CreateConversations: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Conversation.schema)
            .id()
            .field("kind", .string, .required)
            .field("patient_id", .uuid, .references(Patient.schema, .id))
            .field("direct_key", .string)
            .field("created_at", .datetime, .required)
            .field("last_message_at", .datetime, .required)
            .create()
        let sql = database as! any SQLDatabase
        // One thread per patient, one direct conversation per pair (and patient): the last line of
        // defence when two servers start the same conversation at once.
        try await sql.raw("CREATE UNIQUE INDEX conversations_one_team_thread ON conversations (patient_id) WHERE kind = 'team'").run()
        try await sql.raw("CREATE UNIQUE INDEX conversations_one_direct ON conversations (direct_key) WHERE kind = 'direct'").run()
        try await database.schema("conversation_members")
            .field("conversation_id", .uuid, .required, .references(Conversation.schema, .id))
            .field("user_id", .uuid, .required, .references(UserAccount.schema, .id))
            .compositeIdentifier(over: "conversation_id", "user_id")
            .create()
        try await database.index("conversation_members_by_user", on: "conversation_members", columns: "user_id")
        try await database.schema(ConversationMessage.schema)
            .id()
            .field("conversation_id", .uuid, .required, .references(Conversation.schema, .id))
            .field("author_id", .uuid, .required, .references(UserAccount.schema, .id))
            .field("author_role", .string)
            .field("body", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("conversation_messages_in_order", on: ConversationMessage.schema, columns: "conversation_id", "created_at")
        try await database.schema("message_receipts")
            .field("message_id", .uuid, .required, .references(ConversationMessage.schema, .id))
            .field("user_id", .uuid, .required, .references(UserAccount.schema, .id))
            .field("conversation_id", .uuid, .required, .references(Conversation.schema, .id))
            .field("read_at", .datetime)
            .compositeIdentifier(over: "message_id", "user_id")
            .create()
        try await database.index("message_receipts_unread", on: "message_receipts", columns: "user_id", "read_at")
        try await database.index("message_receipts_by_conversation", on: "message_receipts", columns: "conversation_id", "user_id")
    }

    func revert(on database: any Database) async throws {
        for table in ["message_receipts", ConversationMessage.schema, "conversation_members", Conversation.schema] {
            try await database.schema(table).delete()
        }
    }
}
