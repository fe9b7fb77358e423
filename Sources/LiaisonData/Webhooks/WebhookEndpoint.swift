import FluentKit
import Foundation

/// An address an organisation's administrator registered to hear about events as they happen,
/// with the secret its calls are signed with. Removing one keeps the row (its deliveries stay
/// explainable) and stops every call still waiting for it.
public final class WebhookEndpoint: Model, @unchecked Sendable {
    public static let schema = "webhook_endpoints"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "organisation_id") public var organisation: Organisation
    @Field(key: "url") public var url: String
    /// The HMAC-SHA256 key; shown to the administrator once, when the endpoint is added.
    @Field(key: "secret") public var secret: String
    /// The event types, comma-separated ("referral.accepted,referral.closed").
    @Field(key: "events") public var events: String
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "created_by") public var createdBy: UUID
    @OptionalField(key: "removed_at") public var removedAt: Date?

    public init() {}

    public init(organisationID: UUID, url: String, secret: String, events: [String], createdAt: Date, createdBy: UUID) {
        self.$organisation.id = organisationID
        self.url = url
        self.secret = secret
        self.events = events.joined(separator: ",")
        self.createdAt = createdAt
        self.createdBy = createdBy
    }

    public var eventNames: [String] { events.split(separator: ",").map(String.init) }
}
