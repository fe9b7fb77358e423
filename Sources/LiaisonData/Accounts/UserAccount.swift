import FluentKit
import Foundation

/// A person who signs in: clinician, administrator or (later) patient.
public final class UserAccount: Model, @unchecked Sendable {
    public static let schema = "users"

    @ID(key: .id) public var id: UUID?
    @Field(key: "email") public var email: String
    @Field(key: "display_name") public var displayName: String
    @Field(key: "password_hash") public var passwordHash: String
    @Field(key: "is_system_admin") public var isSystemAdministrator: Bool
    @Field(key: "failed_sign_ins") public var failedSignIns: Int
    @OptionalField(key: "locked_until") public var lockedUntil: Date?
    @Field(key: "created_at") public var createdAt: Date
    /// "clinician" (any professional, including administrators) or "patient" (portal account).
    @Field(key: "kind") public var kind: String

    public init() {}

    public static let clinicianKind = "clinician"
    public static let patientKind = "patient"

    public init(id: UUID? = nil, email: String, displayName: String, passwordHash: String, isSystemAdministrator: Bool = false, kind: String = UserAccount.clinicianKind, createdAt: Date) {
        self.id = id
        self.email = email
        self.displayName = displayName
        self.passwordHash = passwordHash
        self.isSystemAdministrator = isSystemAdministrator
        self.failedSignIns = 0
        self.createdAt = createdAt
        self.kind = kind
    }
}
