import FluentKit
import SQLKit

/// The keys of creates that may arrive twice (one-time form tokens, `Idempotency-Key`), one per
/// person, kind of thing and key; see `SubmissionQueries`.
struct CreateSubmissions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("submissions")
            .id()
            .field("user_id", .uuid, .required, .references(UserAccount.schema, .id))
            .field("scope", .string, .required)
            .field("submission_key", .string, .required)
            .field("fingerprint", .string, .required)
            .field("resource_id", .uuid)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "scope", "submission_key", name: "one_submission_per_key")
            .create()
        try await database.index("submissions_by_age", on: "submissions", columns: "created_at")
    }

    func revert(on database: any Database) async throws {
        try await database.schema("submissions").delete()
    }
}
