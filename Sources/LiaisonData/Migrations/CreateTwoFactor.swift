import FluentKit
import SQLKit

/// Two-factor sign-in: authenticator keys, recovery codes, sign-ins waiting for their code, and
/// the organisation setting that requires it of every member.
struct CreateTwoFactor: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TwoFactorCredential.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserAccount.schema, .id, onDelete: .cascade))
            .field("secret", .string, .required)
            .field("created_at", .datetime, .required)
            .field("confirmed_at", .datetime)
            .field("last_used_step", .int64, .required)
            .unique(on: "user_id")
            .create()
        try await database.schema(RecoveryCode.schema)
            .id()
            .field("user_id", .uuid, .required, .references(UserAccount.schema, .id, onDelete: .cascade))
            .field("code_hash", .string, .required)
            .field("used_at", .datetime)
            .unique(on: "user_id", "code_hash")
            .create()
        // A session waiting for its second factor recognises nobody until the code is right.
        try await database.schema(SessionRecord.schema)
            .field("awaiting_code", .bool, .required, .sql(.default(false)))
            .update()
        try await database.schema(Organisation.schema)
            .field("require_two_factor", .bool, .required, .sql(.default(false)))
            .update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Organisation.schema).deleteField("require_two_factor").update()
        try await database.schema(SessionRecord.schema).deleteField("awaiting_code").update()
        try await database.schema(RecoveryCode.schema).delete()
        try await database.schema(TwoFactorCredential.schema).delete()
    }
}
