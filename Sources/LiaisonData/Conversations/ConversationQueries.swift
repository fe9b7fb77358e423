import FluentKit
import Foundation
import SQLKit

/// One message with its author's name, for a conversation's page.
public struct MessageRow: Decodable, Sendable, Equatable {
    public let id: UUID
    public let conversationID: UUID
    public let authorID: UUID
    public let authorName: String
    public let authorRole: String?
    public let body: String
    public let createdAt: Date

    private enum CodingKeys: String, CodingKey {
        case id, conversationID = "conversation_id", authorID = "author_id", authorName = "author_name", authorRole = "author_role", body
        case createdAt = "created_at"
    }
}

/// A conversation on someone's list: the patient it is about, the other person (direct), when
/// the last message came and how many are unread for them.
public struct ConversationSummary: Decodable, Sendable, Equatable {
    public let id: UUID
    public let kind: String
    public let patientID: UUID?
    public let givenName: String?
    public let familyName: String?
    public let otherID: UUID?
    public let otherName: String?
    public let lastMessageAt: Date
    public let unread: Int

    private enum CodingKeys: String, CodingKey {
        case id, kind, patientID = "patient_id", givenName = "given_name", familyName = "family_name", otherID = "other_id", otherName = "other_name"
        case lastMessageAt = "last_message_at", unread
    }
}

/// Every statement about conversations, their messages and receipts.
public enum ConversationQueries {
    /// The patient's care-team thread, started now if there is none. Two servers starting it at
    /// once get the same thread (one row per patient, `ON CONFLICT DO NOTHING`).
    public static func openTeamThread(of patientID: UUID, at now: Date, on db: any Database) async throws -> UUID {
        try await db.sql.raw("""
            INSERT INTO conversations (id, kind, patient_id, created_at, last_message_at)
            VALUES (\(bind: UUID()), 'team', \(bind: patientID), \(bind: now), \(bind: now)) ON CONFLICT DO NOTHING
            """).run()
        return try await teamThread(of: patientID, on: db)!
    }

    public static func teamThread(of patientID: UUID, on db: any Database) async throws -> UUID? {
        try await db.sql.raw("SELECT id FROM conversations WHERE kind = 'team' AND patient_id = \(bind: patientID)").first()?.decode(column: "id", as: UUID.self)
    }

    /// The direct conversation of two people (about a patient or not), started now if there is none.
    public static func openDirect(key: String, between a: UUID, and b: UUID, patient: UUID?, at now: Date, on db: any Database) async throws -> UUID {
        try await db.sql.raw("""
            INSERT INTO conversations (id, kind, patient_id, direct_key, created_at, last_message_at)
            VALUES (\(bind: UUID()), 'direct', \(bind: patient), \(bind: key), \(bind: now), \(bind: now)) ON CONFLICT DO NOTHING
            """).run()
        let id = try await db.sql.raw("SELECT id FROM conversations WHERE kind = 'direct' AND direct_key = \(bind: key)").first()!.decode(column: "id", as: UUID.self)
        for user in Set([a, b]) {
            try await db.sql.raw("INSERT INTO conversation_members (conversation_id, user_id) VALUES (\(bind: id), \(bind: user)) ON CONFLICT DO NOTHING").run()
        }
        return id
    }

    public static func conversation(_ id: UUID, on db: any Database) async throws -> Conversation? {
        try await Conversation.find(id, on: db)
    }

    /// The two people of a direct conversation.
    public static func members(of conversationID: UUID, on db: any Database) async throws -> [UUID] {
        try await db.sql.raw("SELECT user_id FROM conversation_members WHERE conversation_id = \(bind: conversationID)").all()
            .map { try $0.decode(column: "user_id", as: UUID.self) }
    }

    /// Adds a message, moves the conversation up everyone's list, and leaves an unread receipt
    /// for each person it is for.
    public static func post(_ message: ConversationMessage, for recipients: [UUID], on db: any Database) async throws {
        try await message.create(on: db)
        let id = try message.requireID(), conversationID = message.$conversation.id
        try await db.sql.raw("UPDATE conversations SET last_message_at = \(bind: message.createdAt) WHERE id = \(bind: conversationID)").run()
        let people = Array(Set(recipients)).filter { $0 != message.$author.id }
        guard !people.isEmpty else { return }
        try await db.sql.insertRows(
            into: "message_receipts", columns: ["message_id", "user_id", "conversation_id"],
            people.map { [SQLBind(id), SQLBind($0), SQLBind(conversationID)] })
    }

    /// The latest `limit` messages, oldest first.
    public static func messages(in conversationID: UUID, limit: Int = 200, on db: any Database) async throws -> [MessageRow] {
        try await db.sql.rows(MessageRow.self, """
            SELECT m.id, m.conversation_id, m.author_id, u.display_name AS author_name, m.author_role, m.body, m.created_at
            FROM conversation_messages m JOIN users u ON u.id = m.author_id
            WHERE m.conversation_id = \(bind: conversationID) ORDER BY m.created_at DESC LIMIT \(bind: limit)
            """).reversed()
    }

    /// Marks what the person had unread in the conversation read; returns how many.
    @discardableResult
    public static func markRead(_ conversationID: UUID, by userID: UUID, at now: Date, on db: any Database) async throws -> Int {
        try await db.sql.raw("""
            UPDATE message_receipts SET read_at = \(bind: now)
            WHERE conversation_id = \(bind: conversationID) AND user_id = \(bind: userID) AND read_at IS NULL RETURNING message_id
            """).all().count
    }

    /// Everything unread for the person, for the navigation.
    public static func unreadCount(of userID: UUID, on db: any Database) async throws -> Int {
        try await db.sql.raw("SELECT COUNT(*) AS unread FROM message_receipts WHERE user_id = \(bind: userID) AND read_at IS NULL")
            .first()?.decode(column: "unread", as: Int.self) ?? 0
    }

    /// The person's conversations, latest first: the team threads of patients whose team they
    /// are on now (once someone has written), and their direct conversations.
    /// A direct conversation about a patient is listed only while the person is on that
    /// patient's team: it may hold clinical detail.
    public static func list(of userID: UUID, at now: Date, limit: Int = 500, on db: any Database) async throws -> [ConversationSummary] {
        let onTeamNow: SQLQueryString = """
            EXISTS (SELECT 1 FROM care_team_members t WHERE t.patient_id = c.patient_id AND t.user_id = \(bind: userID)
                    AND t.started_at <= \(bind: now) AND (t.ended_at IS NULL OR t.ended_at > \(bind: now)))
            """
        return try await db.sql.rows(ConversationSummary.self, """
            SELECT c.id, c.kind, c.patient_id, p.given_name, p.family_name, o.user_id AS other_id, ou.display_name AS other_name, c.last_message_at,
                   (SELECT COUNT(*) FROM message_receipts r WHERE r.conversation_id = c.id AND r.user_id = \(bind: userID) AND r.read_at IS NULL) AS unread
            FROM conversations c
            LEFT JOIN patients p ON p.id = c.patient_id
            LEFT JOIN conversation_members o ON o.conversation_id = c.id AND o.user_id <> \(bind: userID)
            LEFT JOIN users ou ON ou.id = o.user_id
            WHERE (c.kind = 'team' AND \(onTeamNow))
               OR (c.kind = 'direct' AND EXISTS (SELECT 1 FROM conversation_members me WHERE me.conversation_id = c.id AND me.user_id = \(bind: userID))
                   AND (c.patient_id IS NULL OR \(onTeamNow)))
            ORDER BY c.last_message_at DESC LIMIT \(bind: limit)
            """)
    }

    /// Receipts the person can no longer open (they left the team): marked read, so the
    /// navigation does not count what they cannot see.
    public static func settleUnreadOutside(_ open: [UUID], for userID: UUID, at now: Date, on db: any Database) async throws {
        let kept: SQLQueryString = open.isEmpty ? "" : " AND conversation_id NOT IN (\(SQLList(open.map { SQLBind($0) })))"
        try await db.sql.raw("UPDATE message_receipts SET read_at = \(bind: now) WHERE user_id = \(bind: userID) AND read_at IS NULL\(kept)").run()
    }
}
