import FluentKit
import Foundation
import SQLKit

/// Every statement about authenticator keys, recovery codes and sign-ins waiting for a code. Each
/// use of a code is one statement that claims it or does not, so the same code sent twice at once,
/// to two servers, works once.
public enum TwoFactorQueries {
    /// The person's key, confirmed or still being set up.
    public static func credential(of userID: UUID, on db: any Database) async throws -> TwoFactorCredential? {
        try await TwoFactorCredential.query(on: db).filter(\.$user.$id == userID).first()
    }

    /// Starts setting up with a new key, replacing an unfinished set-up; nil if the person already
    /// has a confirmed key (they turn it off first).
    public static func begin(for userID: UUID, secret: String, at now: Date, on db: any Database) async throws -> TwoFactorCredential? {
        try await db.sql.raw("DELETE FROM two_factor_credentials WHERE user_id = \(bind: userID) AND confirmed_at IS NULL").run()
        guard try await credential(of: userID, on: db) == nil else { return nil }
        let credential = TwoFactorCredential(userID: userID, secret: secret, createdAt: now)
        try await credential.create(on: db)
        return credential
    }

    /// Confirms an unfinished set-up with the step of the code typed; false if it was confirmed
    /// meanwhile (or never begun).
    public static func confirm(_ credentialID: UUID, step: Int64, at now: Date, on db: any Database) async throws -> Bool {
        try await db.sql.raw("""
            UPDATE two_factor_credentials SET confirmed_at = \(bind: now), last_used_step = \(bind: step)
            WHERE id = \(bind: credentialID) AND confirmed_at IS NULL RETURNING id
            """).first() != nil
    }

    /// Uses a code of this step: true only if no code of this step or a later one was used before,
    /// so a code seen over someone's shoulder cannot be replayed.
    public static func claim(step: Int64, of userID: UUID, on db: any Database) async throws -> Bool {
        try await db.sql.raw("""
            UPDATE two_factor_credentials SET last_used_step = \(bind: step)
            WHERE user_id = \(bind: userID) AND confirmed_at IS NOT NULL AND last_used_step < \(bind: step) RETURNING id
            """).first() != nil
    }

    /// Uses up an unused recovery code (by digest); false if it is unknown or already used.
    public static func useRecoveryCode(digest: String, of userID: UUID, at now: Date, on db: any Database) async throws -> Bool {
        try await db.sql.raw("""
            UPDATE recovery_codes SET used_at = \(bind: now)
            WHERE user_id = \(bind: userID) AND code_hash = \(bind: digest) AND used_at IS NULL RETURNING id
            """).first() != nil
    }

    /// Replaces every recovery code of a person with new ones.
    public static func replaceRecoveryCodes(of userID: UUID, digests: [String], on db: any Database) async throws {
        try await db.sql.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: userID)").run()
        for digest in digests { try await RecoveryCode(userID: userID, codeHash: digest).create(on: db) }
    }

    /// Recovery codes not yet used.
    public static func unusedRecoveryCodes(of userID: UUID, on db: any Database) async throws -> Int {
        try await RecoveryCode.query(on: db).filter(\.$user.$id == userID).filter(\.$usedAt == nil).count()
    }

    /// Turns two-factor sign-in off for a person: the key and the recovery codes go.
    public static func remove(for userID: UUID, on db: any Database) async throws {
        try await db.sql.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: userID)").run()
        try await db.sql.raw("DELETE FROM two_factor_credentials WHERE user_id = \(bind: userID)").run()
    }

    /// Whose unexpired sign-in, waiting for its code, this is (by the digest of its token).
    public static func pendingSignIn(digest: String, at now: Date, on db: any Database) async throws -> UUID? {
        try await db.sql.raw("""
            SELECT user_id FROM sessions WHERE token_hash = \(bind: digest) AND awaiting_code = \(bind: true) AND expires_at > \(bind: now)
            """).first(decodingColumn: "user_id", as: UUID.self)
    }

    /// Ends a sign-in waiting for its code, once: returns whose it was, or nil if it was finished
    /// (elsewhere, a moment ago), expired or unknown. The caller then opens the real session.
    public static func finishSignIn(digest: String, at now: Date, on db: any Database) async throws -> UUID? {
        try await db.sql.raw("""
            DELETE FROM sessions WHERE token_hash = \(bind: digest) AND awaiting_code = \(bind: true) AND expires_at > \(bind: now)
            RETURNING user_id
            """).first(decodingColumn: "user_id", as: UUID.self)
    }
}
