import FluentKit
import Foundation
import LiaisonCore

/// A questionnaire the team asked the patient to complete, by a due date, perhaps again every
/// `repeatDays` while in treatment.
public final class QuestionnaireRequest: Model, @unchecked Sendable {
    public static let schema = "questionnaire_requests"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    /// `InstrumentKind`.
    @Field(key: "instrument") public var instrument: String
    @Parent(key: "requested_by") public var requester: UserAccount
    @Field(key: "created_at") public var createdAt: Date
    @Field(key: "due_at") public var dueAt: Date
    /// Asked again this many days after each completion; nil for once.
    @OptionalField(key: "repeat_days") public var repeatDays: Int?
    @OptionalField(key: "completed_at") public var completedAt: Date?
    @OptionalField(key: "response_id") public var responseID: UUID?
    @OptionalField(key: "cancelled_at") public var cancelledAt: Date?

    public init() {}

    public init(patientID: UUID, instrument: InstrumentKind, requesterID: UUID, createdAt: Date, dueAt: Date, repeatDays: Int?) {
        self.$patient.id = patientID
        self.instrument = instrument.rawValue
        self.$requester.id = requesterID
        self.createdAt = createdAt
        self.dueAt = dueAt
        self.repeatDays = repeatDays
    }

    public var kind: InstrumentKind { InstrumentKind(rawValue: instrument) ?? .phq9 }
    public var isOpen: Bool { completedAt == nil && cancelledAt == nil }
}

/// A completed questionnaire with its score, by the patient or entered on their behalf.
public final class QuestionnaireResponse: Model, @unchecked Sendable {
    public static let schema = "questionnaire_responses"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    @Field(key: "instrument") public var instrument: String
    /// Item key → answer value, as JSON.
    @Field(key: "answers") public var answers: String
    @Field(key: "total") public var total: Int
    @Field(key: "band") public var band: String
    /// The MDQ's result; nil for the others.
    @OptionalField(key: "positive") public var positive: Bool?
    @Parent(key: "entered_by") public var enteredBy: UserAccount
    /// Entered by a clinician for the patient (asked in a visit or on the phone).
    @Field(key: "on_behalf") public var onBehalf: Bool
    @Field(key: "completed_at") public var completedAt: Date
    @OptionalField(key: "request_id") public var requestID: UUID?

    public init() {}

    public init(patientID: UUID, score: InstrumentScore, enteredBy: UUID, onBehalf: Bool, completedAt: Date, requestID: UUID?) throws {
        self.$patient.id = patientID
        instrument = score.kind.rawValue
        answers = String(decoding: try JSONEncoder.sorted.encode(score.answers), as: UTF8.self)
        total = score.total
        band = score.band
        positive = score.positive
        self.$enteredBy.id = enteredBy
        self.onBehalf = onBehalf
        self.completedAt = completedAt
        self.requestID = requestID
    }

    public var kind: InstrumentKind { InstrumentKind(rawValue: instrument) ?? .phq9 }
    public var answerValues: [String: Int] { (try? JSONDecoder().decode([String: Int].self, from: Data(answers.utf8))) ?? [:] }
}

/// Something in a response the team must hear about, once: raised in the transaction that stored
/// the response, acknowledged by a clinician on the team, escalated if nobody does in time.
public final class MeasurementFlag: Model, @unchecked Sendable {
    public static let schema = "measurement_flags"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    @Field(key: "response_id") public var responseID: UUID
    /// `FlagKind`.
    @Field(key: "kind") public var kind: String
    @Field(key: "created_at") public var createdAt: Date
    @OptionalField(key: "escalate_at") public var escalateAt: Date?
    @OptionalField(key: "escalated_at") public var escalatedAt: Date?
    @OptionalField(key: "acknowledged_at") public var acknowledgedAt: Date?
    @OptionalParent(key: "acknowledged_by") public var acknowledgedBy: UserAccount?
    @OptionalField(key: "note") public var note: String?

    public init() {}

    public init(patientID: UUID, responseID: UUID, kind: FlagKind, createdAt: Date, escalateAt: Date?) {
        self.$patient.id = patientID
        self.responseID = responseID
        self.kind = kind.rawValue
        self.createdAt = createdAt
        self.escalateAt = escalateAt
    }

    public var flagKind: FlagKind { FlagKind(rawValue: kind) ?? .selfHarmItem }
}

extension JSONEncoder {
    /// Keys in order, so equal answers are stored as equal text.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}

/// Each patient's course on one instrument, kept as responses arrive, so the registry reads one
/// row per patient: the baseline (first response), the latest, and the change between them.
public final class MeasurementSummary: Model, @unchecked Sendable {
    public static let schema = "measurement_summaries"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "patient_id") public var patient: Patient
    @Field(key: "instrument") public var instrument: String
    @Field(key: "baseline_total") public var baselineTotal: Int
    @Field(key: "baseline_at") public var baselineAt: Date
    @Field(key: "latest_total") public var latestTotal: Int
    @Field(key: "latest_band") public var latestBand: String
    @Field(key: "latest_at") public var latestAt: Date
    /// (latest − baseline) / baseline; 0 without a baseline above 0. Negative is better.
    @Field(key: "change") public var change: Double
    @Field(key: "responses") public var responses: Int
    /// The patient's soonest follow-up due (any role), or `noFollowUp`: kept by the care plan's
    /// cadences and visits, so the registry orders and filters by it from an index.
    @Field(key: "next_due_at") public var nextDueAt: Date

    /// Stands for "no follow-up set" in `nextDueAt`, sorting after every real date on both databases.
    public static let noFollowUp = Date(timeIntervalSince1970: 32_503_680_000)

    public init() {}

    public init(patientID: UUID, response: QuestionnaireResponse, nextDueAt: Date?) {
        self.$patient.id = patientID
        instrument = response.instrument
        baselineTotal = response.total
        baselineAt = response.completedAt
        responses = 0
        self.nextDueAt = nextDueAt ?? Self.noFollowUp
        record(response)
    }

    /// Takes in a newer response.
    public func record(_ response: QuestionnaireResponse) {
        latestTotal = response.total
        latestBand = response.band
        latestAt = response.completedAt
        change = Outcome.change(baseline: baselineTotal, latest: response.total) ?? 0
        responses += 1
    }
}
