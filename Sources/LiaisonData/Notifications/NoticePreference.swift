import FluentKit
import Foundation

/// A person's choices about notices by email (`NoticePreferences`); no row means the standard.
public final class NoticePreference: Model, @unchecked Sendable {
    public static let schema = "notice_preferences"

    @ID(key: .id) public var id: UUID?
    @Field(key: "user_id") public var userID: UUID
    @Field(key: "email") public var email: String
    @Field(key: "digest_hour") public var digestHour: Int
    @OptionalField(key: "quiet_from") public var quietFrom: Int?
    @OptionalField(key: "quiet_until") public var quietUntil: Int?
    @Field(key: "time_zone") public var timeZone: String
    /// When the last daily summary was made: the next counts what came in after.
    @OptionalField(key: "last_digest_at") public var lastDigestAt: Date?
    @Field(key: "updated_at") public var updatedAt: Date

    public init() {}
}
