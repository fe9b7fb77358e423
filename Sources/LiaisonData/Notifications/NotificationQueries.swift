import FluentKit
import Foundation
import LiaisonCore
import SQLKit

/// One in-app notice, before it is stored.
public struct NewNotification: Sendable, Equatable {
    public let userID: UUID
    public let patientID: UUID?
    public let kind: String
    public let message: String
    public let link: String

    public init(userID: UUID, patientID: UUID?, kind: String, message: String, link: String) {
        self.userID = userID
        self.patientID = patientID
        self.kind = kind
        self.message = message
        self.link = link
    }
}

/// A stored notice as the notifications page lists it.
public struct NotificationRow: Decodable, Sendable, Equatable {
    public let id: UUID
    public let kind: String
    public let message: String
    public let link: String
    public let createdAt: Date
    public let readAt: Date?

    /// The columns, named once here rather than converted at every row.
    private enum CodingKeys: String, CodingKey {
        case id, kind, message, link, createdAt = "created_at", readAt = "read_at"
    }
}

/// Every statement about in-app notifications.
public enum NotificationQueries {
    /// Writes many notices with a few statements, all at `moment`.
    public static func insert(_ notices: [NewNotification], at moment: Date, on db: any Database) async throws {
        guard !notices.isEmpty else { return }
        try await db.sql.insertRows(
            into: Notification.schema, columns: ["id", "user_id", "patient_id", "kind", "message", "link", "created_at"],
            notices.map { [SQLBind(UUID.ordered()), SQLBind($0.userID), SQLBind($0.patientID), SQLBind($0.kind), SQLBind($0.message), SQLBind($0.link), SQLBind(moment)] })
    }

    /// A person's newest notices, newest first.
    public static func recent(for userID: UUID, limit: Int, on db: any Database) async throws -> [NotificationRow] {
        try await db.sql.rows(NotificationRow.self, """
            SELECT id, kind, message, link, created_at, read_at FROM notifications
            WHERE user_id = \(bind: userID) ORDER BY created_at DESC LIMIT \(bind: limit)
            """)
    }

    /// Marks every unread notice of a person read; returns how many were.
    @discardableResult
    /// Marks one of the person's notices read (if it was not already) and returns where it leads;
    /// nil if it is not theirs.
    public static func open(_ id: UUID, for userID: UUID, at moment: Date, on db: any Database) async throws -> String? {
        try await db.sql.raw("""
            UPDATE notifications SET read_at = COALESCE(read_at, \(bind: moment)) WHERE id = \(bind: id) AND user_id = \(bind: userID)
            RETURNING link
            """).first(decodingColumn: "link", as: String.self)
    }

    public static func markAllRead(for userID: UUID, at moment: Date, on db: any Database) async throws -> Int {
        try await db.sql.raw("""
            UPDATE notifications SET read_at = \(bind: moment) WHERE user_id = \(bind: userID) AND read_at IS NULL RETURNING id
            """).all().count
    }
}
