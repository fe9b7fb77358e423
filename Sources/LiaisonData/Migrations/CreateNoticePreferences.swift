import FluentKit

/// Each person's choices about notices by email; one row per person, created when they first save.
struct CreateNoticePreferences: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(NoticePreference.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserAccount.schema, .id))
            .field("email", .string, .required)
            .field("digest_hour", .int, .required)
            .field("quiet_from", .int)
            .field("quiet_until", .int)
            .field("time_zone", .string, .required)
            .field("last_digest_at", .datetime)
            .field("updated_at", .datetime, .required)
            .unique(on: "user_id")
            .create()
        try await database.index("notice_preferences_by_mode", on: NoticePreference.schema, columns: "email")
    }

    func revert(on database: any Database) async throws {
        try await database.schema(NoticePreference.schema).delete()
    }
}
