import Foundation
import LiaisonCore
import LiaisonData

/// A person's in-app notifications (the newest, marking them read) and their choices about
/// notices by email.
struct NotificationService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock

    /// The newest notices for the caller, newest first.
    func recent(for caller: Caller, limit: Int = 100) async throws -> [NotificationRow] {
        try await NotificationQueries.recent(for: caller.userID, limit: limit, on: database.reader())
    }

    /// Opens one of the caller's notices: read from now on; where it leads, or nil if not theirs.
    func open(_ id: UUID, by caller: Caller) async throws -> String? {
        try await NotificationQueries.open(id, for: caller.userID, at: clock.now(), on: database.db())
    }

    /// The caller's choices, or the standard ones in their first organisation's time zone.
    func preferences(of caller: Caller) async throws -> NoticePreferences {
        let db = database.reader()
        if let stored = try await NoticePreferenceQueries.preferences(of: [caller.userID], on: db)[caller.userID] { return stored }
        var standard = NoticePreferences.standard
        if let first = caller.identity.organisations.first, let organisation = try await Organisation.find(first.id, on: db) {
            standard.timeZone = organisation.calendar.timeZone
        }
        return standard
    }

    /// The settings form's or the API's fields, as typed.
    struct PreferencesInput: Decodable, Sendable {
        var email: String?
        var digestHour: String?
        var quietFrom: String?
        var quietUntil: String?
        var timeZone: String?

        init(email: String?, digestHour: String?, quietFrom: String?, quietUntil: String?, timeZone: String?) {
            self.email = email
            self.digestHour = digestHour
            self.quietFrom = quietFrom
            self.quietUntil = quietUntil
            self.timeZone = timeZone
        }

        /// Hours may come as numbers (JSON) or text (forms).
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func text(_ key: CodingKeys) throws -> String? {
                if let number = try? container.decodeIfPresent(Int.self, forKey: key) { return String(number) }
                return try container.decodeIfPresent(String.self, forKey: key)
            }
            email = try text(.email)
            digestHour = try text(.digestHour)
            quietFrom = try text(.quietFrom)
            quietUntil = try text(.quietUntil)
            timeZone = try text(.timeZone)
        }

        private enum CodingKeys: String, CodingKey {
            case email, digestHour, quietFrom, quietUntil, timeZone
        }
    }

    @discardableResult
    func savePreferences(_ input: PreferencesInput, by caller: Caller) async throws -> NoticePreferences {
        let preferences: NoticePreferences
        do {
            preferences = try NoticePreferences.parse(
                email: input.email, digestHour: input.digestHour, quietFrom: input.quietFrom, quietUntil: input.quietUntil, timeZone: input.timeZone)
        } catch { throw AppError.invalid(error) }
        try await database.write { db in try await NoticePreferenceQueries.save(preferences, for: caller.userID, at: clock.now(), on: db) }
        return preferences
    }

    /// Marks all the caller's notices read.
    func markAllRead(by caller: Caller) async throws {
        try await NotificationQueries.markAllRead(for: caller.userID, at: clock.now(), on: database.db())
    }
}
