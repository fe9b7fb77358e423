import FluentKit
import Foundation
import LiaisonCore

/// A person's membership of an organisation, with their role there.
public final class Membership: Model, @unchecked Sendable {
    public static let schema = "memberships"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: UserAccount
    @Parent(key: "organisation_id") public var organisation: Organisation
    @Field(key: "role") public var role: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(userID: UUID, organisationID: UUID, role: MembershipRole, createdAt: Date) {
        self.$user.id = userID
        self.$organisation.id = organisationID
        self.role = role.rawValue
        self.createdAt = createdAt
    }

    public var membershipRole: MembershipRole { MembershipRole(rawValue: role) ?? .clinician }
}
