import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// API tokens: a person creates them for programs, sees them listed, and revokes them.
struct TokenService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    static let prefix = "lsn_"

    /// Creates a token; the secret is returned once and never stored.
    func create(for userID: UUID, name rawName: String) async throws(ValidationErrors) -> (secret: String, token: APIToken) {
        var check = FieldChecker()
        let name = check.text(rawName, field: "name", label: "Token name", required: true, maxLength: 80)
        try check.errors.throwIfAny()
        let secret = SecretToken.generate(prefix: Self.prefix)
        let token = APIToken(
            userID: userID, name: name, tokenHash: SecretToken.digest(secret),
            prefix: String(secret.prefix(Self.prefix.count + 6)), createdAt: clock.now())
        do {
            try await token.create(on: database.db())
        } catch {
            var failure = ValidationErrors()
            failure.add("name", "The token could not be saved; try again.")
            throw failure
        }
        return (secret, token)
    }

    func tokens(for userID: UUID) async throws -> [APIToken] {
        try await APIToken.query(on: database.db()).filter(\.$user.$id == userID).sort(\.$createdAt, .descending).all()
    }

    /// Revokes one of the person's own tokens. Someone else's token is "not found".
    func revoke(_ id: UUID, of userID: UUID) async throws {
        guard let token = try await APIToken.query(on: database.db()).filter(\.$id == id).filter(\.$user.$id == userID).first() else {
            throw AppError.notFound
        }
        if token.revokedAt == nil {
            token.revokedAt = clock.now()
            try await token.save(on: database.db())
        }
    }
}
