import Foundation

/// What a response can raise for the team.
public enum FlagKind: String, Sendable, Codable, CaseIterable, Labelled {
    /// PHQ-9 item 9 above 0.
    case selfHarmItem = "self-harm-item"
    /// Less than 50% better than baseline after the organisation's weeks in treatment.
    case notImproving = "not-improving"
    /// A positive MDQ: possible bipolar disorder, to weigh before any antidepressant change.
    case mdqPositive = "mdq-positive"

    public var label: String {
        switch self {
        case .selfHarmItem: "Thoughts of death or self-harm endorsed (PHQ-9 item 9)"
        case .notImproving: "Not improving: needs case review"
        case .mdqPositive: "MDQ positive: possible bipolar disorder"
        }
    }

    /// What the alert says the signal is, and is not.
    public var meaning: String {
        switch self {
        case .selfHarmItem:
            "The patient answered above 0 on PHQ-9 item 9 (thoughts that they would be better off dead or of hurting themselves). This is a signal to ask them, today; it is not a risk assessment. Most people who die by suicide answered \"not at all\" on their last PHQ-9, so a 0 never means safe."
        case .notImproving:
            "Scores have not fallen by half from baseline after weeks in treatment. Review the case with the team: the diagnosis, the treatment, the dose, the relationship; consider a second opinion."
        case .mdqPositive:
            "A positive MDQ screen suggests possible bipolar disorder. It is a screen, not a diagnosis: assess before starting or changing an antidepressant."
        }
    }

    /// Hours a clinician has to acknowledge it before it is escalated; nil when it waits for the
    /// next review rather than a clock.
    public var acknowledgeWithin: TimeInterval? {
        switch self {
        case .selfHarmItem: 4 * 3600
        case .notImproving, .mdqPositive: nil
        }
    }
}

/// When a response should raise which flags.
public enum FlagRules {
    /// Weeks in treatment before a lack of response counts (organisation setting, 8–12).
    public static let defaultReviewWeeks = 10
    public static let reviewWeeksRange = 8...12

    /// The flags `score` raises, given the patient's baseline for the same instrument (their first
    /// response) and when it was taken. `notImproving` is left out while one is still open.
    public static func flags(
        for score: InstrumentScore, baseline: (total: Int, at: Date)?, at now: Date, reviewWeeks: Int, notImprovingOpen: Bool
    ) -> [FlagKind] {
        var flags: [FlagKind] = []
        if score.selfHarmItemEndorsed { flags.append(.selfHarmItem) }
        if score.positive == true { flags.append(.mdqPositive) }
        if [.phq9, .gad7].contains(score.kind), let baseline, !notImprovingOpen,
           now.timeIntervalSince(baseline.at) >= TimeInterval(reviewWeeks) * 7 * 86400,
           !Outcome.isResponse(baseline: baseline.total, latest: score.total), !Outcome.isRemission(score.kind, latest: score.total) {
            flags.append(.notImproving)
        }
        return flags
    }
}

/// What a patient in crisis is told, when their organisation has not written its own.
public enum CrisisResources {
    public static let standard =
        "Liaison is not watched around the clock. If you might harm yourself or someone else, call or text 988 (the Suicide & Crisis Lifeline, in the US), or call your local emergency number, now."
}
