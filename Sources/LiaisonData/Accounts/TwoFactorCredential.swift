import FluentKit
import Foundation

/// A person's authenticator key. Unconfirmed until they type a code it produced; only a
/// confirmed key is asked for at sign-in.
public final class TwoFactorCredential: Model, @unchecked Sendable {
    public static let schema = "two_factor_credentials"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: UserAccount
    /// The shared key the app and Liaison both compute codes from.
    @Field(key: "secret") public var secret: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "confirmed_at") public var confirmedAt: Date?
    /// The newest 30-second step whose code was accepted: a code is good once.
    @Field(key: "last_used_step") public var lastUsedStep: Int64

    public init() {}

    public init(userID: UUID, secret: String, createdAt: Date) {
        self.$user.id = userID
        self.secret = secret
        self.createdAt = createdAt
        self.lastUsedStep = 0
    }
}

/// One single-use recovery code (its digest), for when the phone is lost.
public final class RecoveryCode: Model, @unchecked Sendable {
    public static let schema = "recovery_codes"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: UserAccount
    @Field(key: "code_hash") public var codeHash: String
    @OptionalField(key: "used_at") public var usedAt: Date?

    public init() {}

    public init(userID: UUID, codeHash: String) {
        self.$user.id = userID
        self.codeHash = codeHash
    }
}
