import FluentKit
import SQLKit

/// Waiting lists per clinician and service, and per organisation intake and service (an intake
/// entry is given a clinician when one of the organisation's members offers it an opening); one
/// open entry per patient and list.
struct CreateWaitlistEntry: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(WaitlistEntry.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id))
            .field("clinician_id", .uuid, .references(UserAccount.schema, .id))
            .field("organisation_id", .uuid, .references(Organisation.schema, .id))
            .field("service", .string, .required)
            .field("urgency", .string, .required)
            .field("status", .string, .required)
            .field("added_at", .datetime, .required)
            .field("requested_by", .uuid, .required, .references(UserAccount.schema, .id))
            .field("offered_at", .datetime)
            .field("offer_expires_at", .datetime)
            .field("closed_at", .datetime)
            .field("closed_reason", .string)
            .create()
        let sql = database as! any SQLDatabase
        try await sql.raw("""
            CREATE UNIQUE INDEX waitlist_one_open_entry ON waitlist_entries (patient_id, clinician_id, service)
            WHERE status IN ('waiting', 'offered') AND organisation_id IS NULL
            """).run()
        try await sql.raw("""
            CREATE UNIQUE INDEX waitlist_one_open_intake_entry ON waitlist_entries (patient_id, organisation_id, service)
            WHERE status IN ('waiting', 'offered') AND organisation_id IS NOT NULL
            """).run()
        try await database.index("waitlist_by_intake", on: WaitlistEntry.schema, columns: "organisation_id", "service", "status")
        try await database.index("waitlist_by_list", on: WaitlistEntry.schema, columns: "clinician_id", "service", "status")
        try await database.index("waitlist_by_patient", on: WaitlistEntry.schema, columns: "patient_id")
        // How long an organisation holds an offer (a service-level target, 2 business days unless set).
        try await database.schema(Organisation.schema).field("offer_hold_days", .int, .required, .sql(.default(2))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Organisation.schema).deleteField("offer_hold_days").update()
        try await database.schema(WaitlistEntry.schema).delete()
    }
}
