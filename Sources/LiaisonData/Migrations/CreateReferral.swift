import FluentKit

struct CreateReferral: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Referral.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id, onDelete: .cascade))
            .field("referrer_id", .uuid, .required, .references(UserAccount.schema, .id))
            .field("recipient_id", .uuid, .references(UserAccount.schema, .id))
            .field("recipient_organisation_id", .uuid, .references(Organisation.schema, .id))
            .field("urgency", .string, .required)
            .field("state", .string, .required)
            .field("letter", .string, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .field("sent_at", .datetime)
            .field("received_at", .datetime)
            .field("acknowledgement_due_at", .datetime)
            .field("acknowledged_at", .datetime)
            .field("escalate_at", .datetime)
            .field("expires_at", .datetime)
            .field("first_appointment_at", .datetime)
            .field("in_care_at", .datetime)
            .field("discharged_at", .datetime)
            .field("closing_due_at", .datetime)
            .field("closed_at", .datetime)
            .field("ended_reason", .string)
            .field("redirected_from_id", .uuid)
            .create()
        try await database.index("referrals_by_recipient", on: Referral.schema, columns: "recipient_id", "state", "acknowledgement_due_at")
        try await database.index("referrals_by_intake", on: Referral.schema, columns: "recipient_organisation_id", "state", "acknowledgement_due_at")
        try await database.index("referrals_by_referrer", on: Referral.schema, columns: "referrer_id", "state", "acknowledgement_due_at")
        try await database.index("referrals_by_patient", on: Referral.schema, columns: "patient_id")
        try await database.index("referrals_by_due", on: Referral.schema, columns: "state", "acknowledgement_due_at")
        try await database.schema(ReferralNoteRecord.schema)
            .id()
            .field("referral_id", .uuid, .required, .references(Referral.schema, .id, onDelete: .cascade))
            .field("author_id", .uuid, .required, .references(UserAccount.schema, .id))
            .field("kind", .string, .required)
            .field("content", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await database.index("referral_notes_by_referral", on: ReferralNoteRecord.schema, columns: "referral_id", "created_at")
        try await database.schema(ReferralReminder.schema)
            .id()
            .field("referral_id", .uuid, .required, .references(Referral.schema, .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "referral_id", "kind")
            .create()
    }

    func revert(on database: any Database) async throws {
        for schema in [ReferralReminder.schema, ReferralNoteRecord.schema, Referral.schema] {
            try await database.schema(schema).delete()
        }
    }
}
