import FluentKit

/// Organisations' webhook endpoints; deliveries to them are outbox messages of the "webhook"
/// channel addressed to the endpoint's id, found by (channel, recipient).
struct CreateWebhookEndpoint: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(WebhookEndpoint.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, .id))
            .field("url", .string, .required)
            .field("secret", .string, .required)
            .field("events", .string, .required)
            .field("created_at", .datetime, .required)
            .field("created_by", .uuid, .required, .references(UserAccount.schema, .id))
            .field("removed_at", .datetime)
            .create()
        try await database.index("webhook_endpoints_by_organisation", on: WebhookEndpoint.schema, columns: "organisation_id", "removed_at")
        try await database.index("outbox_by_recipient", on: OutboxMessage.schema, columns: "channel", "recipient", "created_at")
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("outbox_by_recipient")
        try await database.schema(WebhookEndpoint.schema).delete()
    }
}
