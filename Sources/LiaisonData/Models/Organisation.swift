import FluentKit
import Foundation
import LiaisonCore

/// A practice, clinic, primary-care group or hospital.
public final class Organisation: Model, @unchecked Sendable {
    public static let schema = "organisations"

    @ID(key: .id) public var id: UUID?
    @Field(key: "name") public var name: String
    @Field(key: "kind") public var kind: String
    @Field(key: "time_zone") public var timeZone: String
    @Field(key: "business_days") public var businessDays: String
    @Field(key: "created_at") public var createdAt: Date

    public init() {}

    public init(id: UUID? = nil, settings: OrganisationSettings, createdAt: Date) {
        self.id = id
        self.createdAt = createdAt
        apply(settings)
    }

    public func apply(_ settings: OrganisationSettings) {
        name = settings.name
        kind = settings.kind.rawValue
        timeZone = settings.timeZone.identifier
        businessDays = Weekday.encode(settings.businessDays)
    }

    public var settings: OrganisationSettings {
        OrganisationSettings(
            name: name, kind: OrganisationKind(rawValue: kind) ?? .other,
            timeZone: TimeZone(identifier: timeZone) ?? .gmt, businessDays: Weekday.decode(businessDays))
    }
}
