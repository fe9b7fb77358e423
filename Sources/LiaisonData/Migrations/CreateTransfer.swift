import FluentKit
import SQLKit

/// Transfers of care, found by patient, by the clinicians on either side and by what the sweep
/// chases; at most one under way per patient and role, whatever several servers do at once. And
/// a consultation's overdue answer is escalated once.
struct CreateTransfer: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Transfer.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id))
            .field("role", .string, .required)
            .field("outgoing_id", .uuid, .required, .references(UserAccount.schema, .id))
            .field("outgoing_membership_id", .uuid, .required)
            .field("incoming_id", .uuid, .required, .references(UserAccount.schema, .id))
            .field("organisation_id", .uuid, .references(Organisation.schema, .id))
            .field("requested_by", .uuid, .required, .references(UserAccount.schema, .id))
            .field("requested_by_patient", .bool, .required)
            .field("reason", .string, .required)
            .field("state", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("answer_due_at", .datetime)
            .field("expires_at", .datetime)
            .field("reminded_at", .datetime)
            .field("accepted_at", .datetime)
            .field("incoming_membership_id", .uuid)
            .field("handoff", .string)
            .field("handoff_due_at", .datetime)
            .field("handoff_escalate_at", .datetime)
            .field("handoff_written_at", .datetime)
            .field("handoff_reminded_at", .datetime)
            .field("handoff_escalated_at", .datetime)
            .field("first_visit_on", .string)
            .field("completed_at", .datetime)
            .field("outgoing_access_ends_at", .datetime)
            .field("ended_reason", .string)
            .create()
        try await database.index("transfers_by_patient", on: Transfer.schema, columns: "patient_id", "created_at")
        try await database.index("transfers_by_incoming", on: Transfer.schema, columns: "incoming_id", "state")
        try await database.index("transfers_by_outgoing", on: Transfer.schema, columns: "outgoing_id", "state")
        try await database.index("transfers_to_chase", on: Transfer.schema, columns: "state", "handoff_due_at")
        try await database.sql.raw("""
            CREATE UNIQUE INDEX one_open_transfer_per_role ON transfers (patient_id, role) WHERE state IN ('requested', 'accepted')
            """).run()
        // SQLite adds one column per statement.
        try await database.schema(Consultation.schema).field("escalate_at", .datetime).update()
        try await database.schema(Consultation.schema).field("escalated_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Consultation.schema).deleteField("escalated_at").update()
        try await database.schema(Consultation.schema).deleteField("escalate_at").update()
        try await database.schema(Transfer.schema).delete()
    }
}
