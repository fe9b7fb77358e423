import FluentKit
import Foundation
import SQLKit

/// A create that may arrive twice — a double click, a form sent again after "back", an API
/// client retrying after a timeout — is applied once. The first request claims its key in the
/// transaction that creates the thing, and records what it made; a repeat finds the claim and
/// answers with the same thing. On PostgreSQL a repeat that arrives while the first is still
/// writing waits on the unique index until the first commits, then finds it.
public enum SubmissionQueries {
    public enum Claim: Sendable, Equatable {
        /// This is the first request with the key: go ahead, then `complete` the claim.
        case first
        /// An earlier request with the key made this.
        case repeated(UUID)
        /// An earlier request used the key for something else.
        case mismatched
    }

    /// Claims `key` for `userID` in `scope` (what is being created), unless an earlier request did.
    public static func claim(
        _ key: String, scope: String, fingerprint: String, by userID: UUID, at now: Date, on db: any Database
    ) async throws -> Claim {
        let inserted = try await db.sql.raw("""
            INSERT INTO submissions (id, user_id, scope, submission_key, fingerprint, created_at)
            VALUES (\(bind: UUID()), \(bind: userID), \(bind: scope), \(bind: key), \(bind: fingerprint), \(bind: now))
            ON CONFLICT DO NOTHING RETURNING id
            """).first()
        if inserted != nil { return .first }
        return try await earlier(key, scope: scope, fingerprint: fingerprint, by: userID, on: db) ?? .first
    }

    /// What an earlier request with `key` made, without claiming it; nil when none did.
    public static func earlier(_ key: String, scope: String, fingerprint: String, by userID: UUID, on db: any Database) async throws -> Claim? {
        guard let earlier = try await db.sql.raw("""
            SELECT fingerprint, resource_id FROM submissions
            WHERE user_id = \(bind: userID) AND scope = \(bind: scope) AND submission_key = \(bind: key)
            """).first()
        else { return nil }
        guard try earlier.decode(column: "fingerprint", as: String.self) == fingerprint,
              let resource = try earlier.decode(column: "resource_id", as: UUID?.self)
        else { return .mismatched }
        return .repeated(resource)
    }

    /// Records what the first request with `key` made, in the transaction that made it.
    public static func complete(_ key: String, scope: String, by userID: UUID, resource: UUID, on db: any Database) async throws {
        try await db.sql.raw("""
            UPDATE submissions SET resource_id = \(bind: resource)
            WHERE user_id = \(bind: userID) AND scope = \(bind: scope) AND submission_key = \(bind: key)
            """).run()
    }

    /// Forgets keys older than `cutoff`: a repeat comes within seconds, a client's retry within hours.
    @discardableResult
    public static func forget(before cutoff: Date, on db: any Database) async throws -> Int {
        try await db.sql.raw("DELETE FROM submissions WHERE created_at < \(bind: cutoff) RETURNING id").all().count
    }
}
