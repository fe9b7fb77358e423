import FluentKit
import Foundation

/// An in-app notification for one person.
public final class Notification: Model, @unchecked Sendable {
    public static let schema = "notifications"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: UserAccount
    @OptionalField(key: "patient_id") public var patientID: UUID?
    @Field(key: "kind") public var kind: String
    @Field(key: "message") public var message: String
    @Field(key: "link") public var link: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "read_at") public var readAt: Date?

    public init() {}

    public init(userID: UUID, patientID: UUID?, kind: String, message: String, link: String, createdAt: Date) {
        self.$user.id = userID
        self.patientID = patientID
        self.kind = kind
        self.message = message
        self.link = link
        self.createdAt = createdAt
    }
}
