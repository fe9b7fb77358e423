import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// "Forgot password": an emailed, single-use, hour-long link to choose a new password.
struct PasswordResetService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let hasher: PasswordHasher
    let outbox: Outbox
    let baseURL: String

    /// Emails a reset link if the address belongs to an account. Says nothing either way, so the
    /// form cannot be used to find out who has an account.
    func requestReset(email rawEmail: String) async throws {
        guard let email = EmailAddress(rawEmail),
              let user = try await UserAccount.query(on: database.db()).filter(\.$email == email.value).first()
        else { return }
        let now = clock.now()
        let token = SecretToken.generate()
        try await database.write { db in
            // A new link voids any older one still unused.
            try await SignInQueries.voidResets(of: try user.requireID(), at: now, on: db)
            try await PasswordReset(
                userID: try user.requireID(), tokenHash: SecretToken.digest(token), createdAt: now,
                expiresAt: now.addingTimeInterval(TokenLifetime.passwordReset)
            ).create(on: db)
            try await outbox.email(
                to: user.email, subject: "Reset your Liaison password",
                body: """
                Someone (hopefully you) asked to reset the password for \(user.email).
                Choose a new password within the hour: \(baseURL)\(SiteURL.resetPassword(token: token).path)
                If it was not you, ignore this email; your password stays as it is.
                """, secret: true, on: db)
        }
    }

    /// The reset a link refers to, if it can still be used.
    func usableReset(token: String) async throws -> PasswordReset? {
        guard let reset = try await PasswordReset.query(on: database.db()).filter(\.$tokenHash == SecretToken.digest(token)).first(),
              TokenLifetime.state(expiresAt: reset.expiresAt, usedAt: reset.usedAt, now: clock.now()) == .usable
        else { return nil }
        return reset
    }

    /// Sets the new password, uses up the link, clears any lock and ends the person's sessions;
    /// with `revokeTokens` (the form's default) their API tokens stop working too.
    func reset(token: String, password: String, confirmation: String, revokeTokens: Bool) async throws(ResetError) -> UUID {
        var errors = ValidationErrors()
        PasswordPolicy.check(password, confirmation: confirmation, field: "password", into: &errors)
        if !errors.isEmpty { throw .invalid(errors) }
        do {
            guard let reset = try await usableReset(token: token) else { throw ResetError.linkUnusable }
            let hash = try await hasher.hash(password)
            let now = clock.now()
            let userID = reset.$user.id
            try await database.write { db in
                // Used up in one statement, so the link works once even when sent twice at the same moment.
                guard try await SignInQueries.consumeReset(tokenDigest: SecretToken.digest(token), at: now, on: db) == userID,
                      let user = try await UserAccount.find(userID, on: db)
                else { throw ResetError.linkUnusable }
                user.passwordHash = hash
                user.failedSignIns = 0
                user.lockedUntil = nil
                try await user.save(on: db)
                try await SessionRecord.query(on: db).filter(\.$user.$id == userID).delete()
                if revokeTokens { try await SignInQueries.revokeTokens(of: userID, at: now, on: db) }
            }
            return userID
        } catch let error as ResetError {
            throw error
        } catch {
            throw .failed(error)
        }
    }

    enum ResetError: Error {
        case invalid(ValidationErrors)
        case linkUnusable
        case failed(any Error)
    }
}
