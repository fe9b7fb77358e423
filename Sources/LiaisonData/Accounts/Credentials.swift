import FluentKit
import Foundation

/// A signed-in browser session. The cookie carries a random token; only its hash is stored.
public final class SessionRecord: Model, @unchecked Sendable {
    public static let schema = "sessions"

    @ID(key: .id) public var id: UUID?
    @Field(key: "token_hash") public var tokenHash: String
    @Parent(key: "user_id") public var user: UserAccount
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    /// The password was right and the second factor is still to come: the session signs nobody
    /// in until `TwoFactorQueries.finishSignIn` replaces it.
    @Field(key: "awaiting_code") public var awaitingCode: Bool

    public init() {}

    public init(tokenHash: String, userID: UUID, createdAt: Date, expiresAt: Date, awaitingCode: Bool = false) {
        self.tokenHash = tokenHash
        self.$user.id = userID
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.awaitingCode = awaitingCode
    }
}

/// A bearer token a program uses for the JSON API, acting as the user who created it.
public final class APIToken: Model, @unchecked Sendable {
    public static let schema = "api_tokens"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: UserAccount
    @Field(key: "name") public var name: String
    @Field(key: "token_hash") public var tokenHash: String
    /// The first characters of the token, shown so people can tell tokens apart.
    @Field(key: "prefix") public var prefix: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "last_used_at") public var lastUsedAt: Date?
    @OptionalField(key: "revoked_at") public var revokedAt: Date?

    public init() {}

    public init(userID: UUID, name: String, tokenHash: String, prefix: String, createdAt: Date) {
        self.$user.id = userID
        self.name = name
        self.tokenHash = tokenHash
        self.prefix = prefix
        self.createdAt = createdAt
    }
}

/// An emailed invitation to join an organisation.
public final class Invitation: Model, @unchecked Sendable {
    public static let schema = "invitations"

    @ID(key: .id) public var id: UUID?
    @Field(key: "email") public var email: String
    @Field(key: "display_name") public var displayName: String
    @Parent(key: "organisation_id") public var organisation: Organisation
    @Field(key: "role") public var role: String
    @Field(key: "token_hash") public var tokenHash: String
    @Parent(key: "invited_by") public var invitedBy: UserAccount
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "accepted_at") public var acceptedAt: Date?

    public init() {}

    public init(email: String, displayName: String, organisationID: UUID, role: String, tokenHash: String, invitedBy: UUID, createdAt: Date, expiresAt: Date) {
        self.email = email
        self.displayName = displayName
        self.$organisation.id = organisationID
        self.role = role
        self.tokenHash = tokenHash
        self.$invitedBy.id = invitedBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// An emailed, single-use password-reset link.
public final class PasswordReset: Model, @unchecked Sendable {
    public static let schema = "password_resets"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: UserAccount
    @Field(key: "token_hash") public var tokenHash: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "expires_at") public var expiresAt: Date
    @OptionalField(key: "used_at") public var usedAt: Date?

    public init() {}

    public init(userID: UUID, tokenHash: String, createdAt: Date, expiresAt: Date) {
        self.$user.id = userID
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}
