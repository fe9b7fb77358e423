import FluentKit
import Foundation
import SQLKit

/// What a request needs to know of the person behind it, with their unread notices counted alongside.
public struct PersonRow: Decodable, Sendable, Equatable {
    public let userID: UUID
    public let email: String
    public let displayName: String
    public let isSystemAdmin: Bool
    public let kind: String
    public let unread: Int
    /// Messages to them not yet read.
    public let unreadMessages: Int
    /// Follow-ups overdue in a role they hold on a patient's team.
    public let overdueFollowUps: Int
    /// Care events on their patients nobody has acknowledged yet.
    public let eventsToAcknowledge: Int
    /// The session or token that proved it; nil when the person is looked up by id.
    public let credentialID: UUID?
    /// When an API token was last used; nil for sessions.
    public let lastUsedAt: Date?
    /// Has a confirmed authenticator key.
    public let twoFactorEnabled: Bool
    /// Belongs to an organisation that requires two-factor sign-in of every member.
    public let inOrganisationRequiringTwoFactor: Bool
    /// The time zone they chose (with their notice preferences); nil for their organisation's.
    public let timeZone: String?

    /// The columns, named once here rather than converted at every row.
    private enum CodingKeys: String, CodingKey {
        case userID = "user_id", email, displayName = "display_name", isSystemAdmin = "is_system_admin", kind, unread, unreadMessages = "unread_messages", overdueFollowUps = "overdue_follow_ups", eventsToAcknowledge = "events_to_acknowledge", credentialID = "credential_id", lastUsedAt = "last_used_at"
        case twoFactorEnabled = "two_factor_enabled", inOrganisationRequiringTwoFactor = "organisation_requires_two_factor", timeZone = "time_zone"
    }
}

/// One organisation a person belongs to, for navigation and permissions.
public struct OrganisationLinkRow: Decodable, Sendable, Equatable {
    public let organisationID: UUID
    public let name: String
    public let role: String
    public let timeZone: String

    /// The columns, named once here rather than converted at every row.
    private enum CodingKeys: String, CodingKey {
        case organisationID = "organisation_id", name, role, timeZone = "time_zone"
    }
}

/// Every hand-written statement about accounts and credentials.
public enum AccountQueries {
    /// What a request needs of the person (alias `u`) at `now`.
    private static func personColumns(at now: Date) -> SQLQueryString {
        """
        u.id AS user_id, u.email, u.display_name, u.is_system_admin, u.kind,
        (SELECT np.time_zone FROM notice_preferences np WHERE np.user_id = u.id) AS time_zone,
        (SELECT COUNT(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL) AS unread,
        (SELECT COUNT(*) FROM message_receipts r WHERE r.user_id = u.id AND r.read_at IS NULL) AS unread_messages,
        (SELECT COUNT(*) FROM care_team_members tm JOIN follow_up_cadences f ON f.patient_id = tm.patient_id AND f.role = tm.role
          WHERE tm.user_id = u.id AND tm.started_at <= \(bind: now) AND (tm.ended_at IS NULL OR tm.ended_at > \(bind: now))
            AND f.next_due_at < \(bind: now)) AS overdue_follow_ups,
        (SELECT COUNT(DISTINCT e.id) FROM care_team_members tm JOIN care_events e ON e.patient_id = tm.patient_id AND e.acknowledged_at IS NULL
          WHERE tm.user_id = u.id AND tm.started_at <= \(bind: now) AND (tm.ended_at IS NULL OR tm.ended_at > \(bind: now))
            AND e.cancelled_at IS NULL) AS events_to_acknowledge,
        EXISTS (SELECT 1 FROM two_factor_credentials t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL) AS two_factor_enabled,
        EXISTS (SELECT 1 FROM memberships m JOIN organisations o ON o.id = m.organisation_id
                WHERE m.user_id = u.id AND o.require_two_factor = \(bind: true)) AS organisation_requires_two_factor
        """
    }

    /// The person an unexpired session token (by digest) belongs to; a sign-in still waiting for
    /// its second factor belongs to nobody yet.
    public static func person(sessionDigest digest: String, at moment: Date, on db: any Database) async throws -> PersonRow? {
        try await db.sql.row(PersonRow.self, """
            SELECT c.id AS credential_id, NULL AS last_used_at, \(personColumns(at: moment)) FROM sessions c JOIN users u ON u.id = c.user_id
            WHERE c.token_hash = \(bind: digest) AND c.expires_at > \(bind: moment) AND c.awaiting_code = \(bind: false)
            """)
    }

    /// The person an unrevoked API token (by digest) acts for.
    public static func person(apiTokenDigest digest: String, at moment: Date = Date(), on db: any Database) async throws -> PersonRow? {
        try await db.sql.row(PersonRow.self, """
            SELECT c.id AS credential_id, c.last_used_at, \(personColumns(at: moment)) FROM api_tokens c JOIN users u ON u.id = c.user_id
            WHERE c.token_hash = \(bind: digest) AND c.revoked_at IS NULL
            """)
    }

    /// A person by id, without a credential.
    public static func person(id: UUID, at moment: Date = Date(), on db: any Database) async throws -> PersonRow? {
        try await db.sql.row(PersonRow.self, """
            SELECT NULL AS credential_id, NULL AS last_used_at, \(personColumns(at: moment)) FROM users u WHERE u.id = \(bind: id)
            """)
    }

    /// The organisations a person belongs to, by name.
    public static func organisations(of userID: UUID, on db: any Database) async throws -> [OrganisationLinkRow] {
        try await db.sql.rows(OrganisationLinkRow.self, """
            SELECT m.organisation_id, m.role, o.name, o.time_zone FROM memberships m JOIN organisations o ON o.id = m.organisation_id
            WHERE m.user_id = \(bind: userID)
            """)
    }

    /// Records that an API token was used, at most once a minute so reads do not all become writes.
    public static func touch(apiToken id: UUID, at moment: Date, on db: any Database) async throws {
        try await db.sql.raw("UPDATE api_tokens SET last_used_at = \(bind: moment) WHERE id = \(bind: id)").run()
    }
}

extension AccountQueries {
    /// The people with these ids, by id.
    public static func users(_ ids: some Sequence<UUID>, on db: any Database) async throws -> [UUID: UserAccount] {
        try await db.sql.users(ids)
    }
}
