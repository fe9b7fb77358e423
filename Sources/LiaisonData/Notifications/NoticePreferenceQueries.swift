import FluentKit
import Foundation
import LiaisonCore
import SQLKit

/// Someone whose daily summary may be due, with what it needs.
public struct DigestCandidate: Sendable, Equatable {
    public let userID: UUID
    public let email: String
    public let preferences: NoticePreferences
    public let lastDigestAt: Date?
}

/// Every statement about people's notice preferences and daily summaries.
public enum NoticePreferenceQueries {
    /// The stored choices of these people; anyone missing has the standard ones.
    public static func preferences(of userIDs: [UUID], on db: any Database) async throws -> [UUID: NoticePreferences] {
        guard !userIDs.isEmpty else { return [:] }
        let rows = try await NoticePreference.query(on: db).filter(\.$userID ~~ Array(Set(userIDs))).all()
        return Dictionary(rows.map { ($0.userID, $0.preferences) }, uniquingKeysWith: { first, _ in first })
    }

    /// Saves a person's choices (one row per person: two saves at once leave the later one).
    public static func save(_ preferences: NoticePreferences, for userID: UUID, at now: Date, on db: any Database) async throws {
        try await db.sql.raw("""
            INSERT INTO notice_preferences (id, user_id, email, digest_hour, quiet_from, quiet_until, time_zone, updated_at)
            VALUES (\(bind: UUID()), \(bind: userID), \(bind: preferences.email.rawValue), \(bind: preferences.digestHour), \(bind: preferences.quietFrom),
                    \(bind: preferences.quietUntil), \(bind: preferences.timeZone.identifier), \(bind: now))
            ON CONFLICT (user_id) DO UPDATE SET email = excluded.email, digest_hour = excluded.digest_hour, quiet_from = excluded.quiet_from,
                quiet_until = excluded.quiet_until, time_zone = excluded.time_zone, updated_at = excluded.updated_at
            """).run()
    }

    /// Everyone who asked for a daily summary.
    public static func dailyCandidates(on db: any Database) async throws -> [DigestCandidate] {
        let rows = try await NoticePreference.query(on: db).filter(\.$email == NoticePreferences.EmailMode.daily.rawValue).all()
        let users = try await db.sql.users(rows.map(\.userID))
        return rows.compactMap { row in
            users[row.userID].map { DigestCandidate(userID: row.userID, email: $0.email, preferences: row.preferences, lastDigestAt: row.lastDigestAt) }
        }
    }

    /// Claims the summary for the digest hour `due`, made `now`: true for exactly one caller,
    /// however many servers try at once (the row moves forward in one statement). The next
    /// summary counts what came in after `now`.
    public static func claimDigest(for userID: UUID, due: Date, at now: Date, on db: any Database) async throws -> Bool {
        try await db.sql.raw("""
            UPDATE notice_preferences SET last_digest_at = \(bind: now)
            WHERE user_id = \(bind: userID) AND (last_digest_at IS NULL OR last_digest_at < \(bind: due)) RETURNING user_id
            """).first() != nil
    }

    /// What came in for the person since `since`: notices, and messages still unread.
    public static func digestCounts(for userID: UUID, since: Date, on db: any Database) async throws -> (notices: Int, messages: Int) {
        let notices = try await db.sql.raw("SELECT COUNT(*) AS n FROM notifications WHERE user_id = \(bind: userID) AND created_at > \(bind: since)")
            .first()?.decode(column: "n", as: Int.self) ?? 0
        let messages = try await db.sql.raw("""
            SELECT COUNT(*) AS n FROM message_receipts r JOIN conversation_messages m ON m.id = r.message_id
            WHERE r.user_id = \(bind: userID) AND r.read_at IS NULL AND m.created_at > \(bind: since)
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        return (notices, messages)
    }
}

extension NoticePreference {
    public var preferences: NoticePreferences {
        NoticePreferences(
            email: NoticePreferences.EmailMode(rawValue: email) ?? .immediately, digestHour: digestHour, quietFrom: quietFrom, quietUntil: quietUntil,
            timeZone: TimeZone(identifier: timeZone) ?? .gmt)
    }
}
