import FluentKit
import Foundation
import SQLKit

/// The statements that keep sign-in limits and single-use links exact when many requests, on
/// several servers, arrive at once: each is one statement that either claims or does not.
public enum SignInQueries {
    /// Claims one try at the person's password before it is checked, counting it as a failure
    /// until it succeeds. The try that reaches `limit` also locks the account until `lockUntil`
    /// (a success clears it). Returns the try's number, or nil while the account is locked. A lock
    /// that has run out starts a fresh count. One statement: concurrent tries queue on the row, and
    /// each sees the count the one before left.
    public static func claimTry(for userID: UUID, limit: Int, lockUntil: Date, at now: Date, on db: any Database) async throws -> Int? {
        let count: SQLQueryString = "CASE WHEN locked_until IS NOT NULL AND locked_until <= \(bind: now) THEN 1 ELSE failed_sign_ins + 1 END"
        return try await db.sql.raw("""
            UPDATE users SET failed_sign_ins = \(count),
                locked_until = CASE WHEN \(count) >= \(bind: limit) THEN \(bind: lockUntil) ELSE NULL END
            WHERE id = \(bind: userID) AND (locked_until IS NULL OR locked_until <= \(bind: now))
            RETURNING failed_sign_ins
            """).first(decodingColumn: "failed_sign_ins", as: Int.self)
    }

    /// Clears the count after a successful sign-in.
    public static func clearTries(for userID: UUID, on db: any Database) async throws {
        try await db.sql.raw("UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = \(bind: userID)").run()
    }

    /// Uses up an unexpired, unused password-reset link (by the digest of its token); returns whose
    /// it was, or nil if it was already used (even a moment ago, elsewhere), expired or unknown.
    public static func consumeReset(tokenDigest: String, at now: Date, on db: any Database) async throws -> UUID? {
        try await db.sql.raw("""
            UPDATE password_resets SET used_at = \(bind: now)
            WHERE token_hash = \(bind: tokenDigest) AND used_at IS NULL AND expires_at > \(bind: now)
            RETURNING user_id
            """).first(decodingColumn: "user_id", as: UUID.self)
    }

    /// Voids a person's unused reset links (a newer one replaces them).
    public static func voidResets(of userID: UUID, at now: Date, on db: any Database) async throws {
        try await db.sql.raw("UPDATE password_resets SET used_at = \(bind: now) WHERE user_id = \(bind: userID) AND used_at IS NULL").run()
    }

    /// Revokes every API token of a person.
    public static func revokeTokens(of userID: UUID, at now: Date, on db: any Database) async throws {
        try await db.sql.raw("UPDATE api_tokens SET revoked_at = \(bind: now) WHERE user_id = \(bind: userID) AND revoked_at IS NULL").run()
    }

    /// Uses up an invitation; false if it was already accepted.
    public static func consumeInvitation(_ id: UUID, at now: Date, on db: any Database) async throws -> Bool {
        try await db.sql.raw("""
            UPDATE invitations SET accepted_at = \(bind: now) WHERE id = \(bind: id) AND accepted_at IS NULL RETURNING id
            """).first() != nil
    }
}
