import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Synthetic second opinions from Dr. Okafor, who gives second opinions and takes no transfers:
/// Priya Natarajan's prescriber asked three weeks ago and the report is out; Elena Vasquez's
/// psychiatrist asked ten days ago, and the report is a draft only Dr. Okafor sees.
enum DemoConsultations {
    static let report: [String: String] = [
        "reason": "Panic attacks most weeks despite sertraline at a full dose for four months.",
        "sources": "The team record and notes, two letters from primary care, one interview by video.",
        "diagnosis": "Panic disorder fits; no sign of a bipolar course. Thyroid results were normal.",
        "options": "Continue sertraline; add weekly CBT for panic before any change of medication. If no better in eight weeks, consider venlafaxine.",
        "relationship": "Priya wants a say in changes: agree the next step together at each review.",
        "practice": "A short call-back window for panic questions would help her more than extra visits.",
        "availability": "Happy to talk by phone; leave a message and I call back within two working days.",
    ]

    /// A day `daysAgo` days before `clock`'s now, as YYYY-MM-DD.
    static func day(daysAgo: Double, clock: any Clock) -> String {
        DateOnly.of(clock.now().addingTimeInterval(-daysAgo * 86400), in: .gmt).description
    }

    static func load(database: LiaisonDatabase, clock: any Clock, caller: (String) async throws -> Caller) async throws {
        let db = database.db()
        func consultations(_ daysAgo: Double) -> ConsultationService {
            Services.offline(database: database, clock: DemoReferrals.ShiftedClock(base: clock, offset: -daysAgo * 86400), label: "demo").consultations
        }
        func patient(_ family: String) async throws -> UUID {
            try await Patient.query(on: db).filter(\.$familyName == family).first()!.requireID()
        }
        let okafor = try await caller("dr.okafor")

        let released = try await consultations(21).request(
            .init(consultantID: okafor.userID.uuidString, reasons: ["not-improving"], concerns: "Panic most weeks despite a full dose; Priya asks whether to change."),
            for: try await patient("Natarajan"), by: try await caller("j.mensah"))
        try await consultations(20).act(.accept, on: released.id!, fields: [:], by: okafor)
        try await consultations(18).act(.schedule, on: released.id!, fields: ["appointment": day(daysAgo: 10, clock: clock)], by: okafor)
        try await consultations(9).act(.draft, on: released.id!, fields: report, by: okafor)
        try await consultations(8).act(.release, on: released.id!, fields: [:], by: okafor)

        let drafting = try await consultations(10).request(
            .init(consultantID: okafor.userID.uuidString, reasons: ["not-improving", "diagnosis"], concerns: "Partial response to two trials; is this bipolar II?"),
            for: try await patient("Vasquez"), by: try await caller("dr.sato"))
        try await consultations(9).act(.accept, on: drafting.id!, fields: [:], by: okafor)
        try await consultations(8).act(.schedule, on: drafting.id!, fields: ["appointment": day(daysAgo: 3, clock: clock)], by: okafor)
        try await consultations(2).act(.draft, on: drafting.id!, fields: ["reason": "Partial response to two antidepressant trials.", "sources": "Record and notes; interview."], by: okafor)
    }
}
