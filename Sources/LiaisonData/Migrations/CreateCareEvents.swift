import FluentKit
import SQLKit

/// Care events and hospital feeds: the events themselves (one per sender's id), the feeds
/// hospitals send ADT messages on (one per sending facility), every message received (one per
/// feed and control id, so a repeat is applied once), and each organisation's hours to
/// acknowledge an urgent event.
struct CreateCareEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(HospitalFeed.schema)
            .id()
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, .id))
            .field("name", .string, .required)
            .field("sending_facility", .string, .required)
            .field("time_zone", .string, .required)
            .field("created_by", .uuid, .required, .references(UserAccount.schema, .id))
            .field("created_at", .datetime, .required)
            .field("disabled_at", .datetime)
            .create()
        try await database.sql.raw("CREATE UNIQUE INDEX one_active_feed_per_facility ON hospital_feeds (sending_facility) WHERE disabled_at IS NULL").run()
        try await database.schema(CareEvent.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id))
            .field("kind", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("recorded_at", .datetime, .required)
            .field("source", .string, .required)
            .field("recorded_by", .uuid, .references(UserAccount.schema, .id))
            .field("feed_id", .uuid, .references(HospitalFeed.schema, .id))
            .field("facility", .string, .required)
            .field("visit_number", .string)
            .field("details", .string, .required)
            .field("external_id", .string)
            .field("escalate_team_at", .datetime)
            .field("escalate_administrators_at", .datetime)
            .field("team_escalated_at", .datetime)
            .field("administrators_escalated_at", .datetime)
            .field("acknowledged_at", .datetime)
            .field("acknowledged_by", .uuid, .references(UserAccount.schema, .id))
            .field("acknowledgement", .string)
            .field("cancelled_at", .datetime)
            .field("cancel_reason", .string)
            .field("follow_up_due_at", .datetime)
            .field("follow_up_done_at", .datetime)
            // NULLs are distinct on both databases: events without a sender's id never collide.
            .unique(on: "recorded_by", "external_id", name: "one_event_per_sender_id")
            .create()
        try await database.index("care_events_by_patient", on: CareEvent.schema, columns: "patient_id", "acknowledged_at")
        try await database.index("care_events_by_visit", on: CareEvent.schema, columns: "feed_id", "visit_number")
        try await database.index("care_events_to_escalate_team", on: CareEvent.schema, columns: "acknowledged_at", "escalate_team_at")
        try await database.index("care_events_to_escalate_administrators", on: CareEvent.schema, columns: "acknowledged_at", "escalate_administrators_at")
        try await database.schema(FeedMessage.schema)
            .id()
            .field("feed_id", .uuid, .required, .references(HospitalFeed.schema, .id))
            .field("control_id", .string, .required)
            .field("trigger", .string, .required)
            .field("received_at", .datetime, .required)
            .field("status", .string, .required)
            .field("ack_code", .string, .required)
            .field("ack_text", .string, .required)
            .field("identifiers", .string, .required)
            .field("raw", .string, .required)
            .field("event_id", .uuid, .references(CareEvent.schema, .id))
            .field("resolved_at", .datetime)
            .field("resolved_by", .uuid, .references(UserAccount.schema, .id))
            .unique(on: "feed_id", "control_id", name: "one_message_per_control_id")
            .create()
        try await database.index("feed_messages_by_status", on: FeedMessage.schema, columns: "feed_id", "status", "received_at")
        // Feeds match patients by identifier value, whichever organisation recorded it.
        try await database.index("patient_identifiers_by_value", on: PatientIdentifier.schema, columns: "value")
        try await database.schema(Organisation.schema).field("care_event_hours", .int, .required, .sql(.default(4))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Organisation.schema).deleteField("care_event_hours").update()
        try await database.dropIndex("patient_identifiers_by_value")
        try await database.schema(FeedMessage.schema).delete()
        try await database.schema(CareEvent.schema).delete()
        try await database.schema(HospitalFeed.schema).delete()
    }
}
