import FluentKit
import Foundation

/// One service a clinician offers and how many new patients they can take for it.
public final class ServiceOpening: Model, @unchecked Sendable {
    public static let schema = "service_openings"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "profile_id") public var profile: Profile
    @Field(key: "service") public var service: String
    @Field(key: "openings") public var openings: Int

    public init() {}

    public init(profileID: UUID, service: String, openings: Int) {
        self.$profile.id = profileID
        self.service = service
        self.openings = openings
    }
}
