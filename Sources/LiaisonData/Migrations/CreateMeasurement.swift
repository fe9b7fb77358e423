import FluentKit
import SQLKit

/// Measurement-based care: questionnaire requests, responses with their scores, and the flags
/// responses raise (one per response and kind, whatever several servers do at once); and each
/// organisation's weeks before a case review and its crisis text.
struct CreateMeasurement: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(QuestionnaireResponse.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id))
            .field("instrument", .string, .required)
            .field("answers", .string, .required)
            .field("total", .int, .required)
            .field("band", .string, .required)
            .field("positive", .bool)
            .field("entered_by", .uuid, .required, .references(UserAccount.schema, .id))
            .field("on_behalf", .bool, .required)
            .field("completed_at", .datetime, .required)
            .field("request_id", .uuid)
            .create()
        try await database.index("responses_by_patient", on: QuestionnaireResponse.schema, columns: "patient_id", "instrument", "completed_at")
        try await database.schema(QuestionnaireRequest.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id))
            .field("instrument", .string, .required)
            .field("requested_by", .uuid, .required, .references(UserAccount.schema, .id))
            .field("created_at", .datetime, .required)
            .field("due_at", .datetime, .required)
            .field("repeat_days", .int)
            .field("completed_at", .datetime)
            .field("response_id", .uuid)
            .field("cancelled_at", .datetime)
            .create()
        try await database.index("questionnaire_requests_by_patient", on: QuestionnaireRequest.schema, columns: "patient_id", "completed_at")
        try await database.schema(MeasurementFlag.schema)
            .id()
            .field("patient_id", .uuid, .required, .references(Patient.schema, .id))
            .field("response_id", .uuid, .required, .references(QuestionnaireResponse.schema, .id))
            .field("kind", .string, .required)
            .field("created_at", .datetime, .required)
            .field("escalate_at", .datetime)
            .field("escalated_at", .datetime)
            .field("acknowledged_at", .datetime)
            .field("acknowledged_by", .uuid, .references(UserAccount.schema, .id))
            .field("note", .string)
            .unique(on: "response_id", "kind", name: "one_flag_per_response_and_kind")
            .create()
        try await database.index("flags_by_patient", on: MeasurementFlag.schema, columns: "patient_id", "acknowledged_at")
        try await database.index("flags_to_escalate", on: MeasurementFlag.schema, columns: "acknowledged_at", "escalate_at")
        // SQLite adds one column per statement.
        try await database.schema(Organisation.schema).field("review_weeks", .int, .required, .sql(.default(10))).update()
        try await database.schema(Organisation.schema).field("crisis_text", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Organisation.schema).deleteField("crisis_text").update()
        try await database.schema(Organisation.schema).deleteField("review_weeks").update()
        try await database.schema(MeasurementFlag.schema).delete()
        try await database.schema(QuestionnaireRequest.schema).delete()
        try await database.schema(QuestionnaireResponse.schema).delete()
    }
}
