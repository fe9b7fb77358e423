import Foundation

/// The questionnaires Liaison administers.
public enum InstrumentKind: String, Sendable, Codable, CaseIterable, Labelled {
    case phq9 = "phq-9"
    case gad7 = "gad-7"
    case pcl5 = "pcl-5"
    case mdq

    public var label: String { Instruments.definition(self).title }
    public var instrument: Instrument { Instruments.definition(self) }
}

/// One answer a question offers, with the value it scores.
public struct AnswerOption: Sendable, Equatable {
    public let value: Int
    public let label: String
}

/// One question of a questionnaire.
public struct InstrumentItem: Sendable, Equatable {
    /// The item's key in stored answers and form fields ("1" … "9", "difficulty").
    public let key: String
    public let text: String
    public let options: [AnswerOption]
    /// Counted in the total score (the PHQ-9's functional-difficulty question is not).
    public let scored: Bool
    /// Must be answered for the response to be scored.
    public let required: Bool
    /// The item's LOINC code, where Liaison emits it.
    public let loinc: String?
}

/// A severity band: the total scores it covers and what it is called.
public struct SeverityBand: Sendable, Equatable {
    public let range: ClosedRange<Int>
    public let label: String
}

/// A questionnaire as data: its items and answer options, how it is scored, its severity bands
/// and its LOINC codes, exactly as the published scoring instructions state.
public struct Instrument: Sendable, Equatable {
    public let kind: InstrumentKind
    public let title: String
    /// The instruction the patient reads before the items.
    public let stem: String
    public let items: [InstrumentItem]
    /// Bands by total score (none for the MDQ, whose result is positive or negative).
    public let bands: [SeverityBand]
    public let panelLOINC: String
    public let totalLOINC: String
    /// The highest total possible.
    public var maximum: Int { items.filter(\.scored).reduce(0) { $0 + ($1.options.map(\.value).max() ?? 0) } }

    public func band(for total: Int) -> SeverityBand? {
        bands.first { $0.range.contains(total) }
    }

    public func item(_ key: String) -> InstrumentItem? {
        items.first { $0.key == key }
    }
}

/// A scored response.
public struct InstrumentScore: Sendable, Equatable {
    public let kind: InstrumentKind
    /// The answers as given, by item key (unscored items included).
    public let answers: [String: Int]
    /// The sum of the scored items (for the MDQ: the number of "yes" answers in part 1).
    public let total: Int
    /// The severity band's name, or for the MDQ "Positive screen" / "Negative screen".
    public let band: String
    /// The MDQ's screening result; nil for the others.
    public let positive: Bool?

    /// PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered above 0: a signal
    /// to ask, never a risk assessment; and a 0 is never "safe".
    public var selfHarmItemEndorsed: Bool { kind == .phq9 && (answers["9"] ?? 0) > 0 }
}

extension Instrument {
    /// Scores `raw` (item key → answer value as typed); every required item answered with one of
    /// its options, or a message per item and nothing scored.
    public func score(_ raw: [String: String]) throws(ValidationErrors) -> InstrumentScore {
        var errors = ValidationErrors()
        var answers: [String: Int] = [:]
        for item in items {
            let text = (raw[item.key] ?? "").trimmingCharacters(in: .whitespaces)
            if text.isEmpty {
                if isRequired(item, given: raw) { errors.add(item.key, "Answer question \(item.key): \(Self.short(item.text))") }
                continue
            }
            guard let value = Int(text), item.options.contains(where: { $0.value == value }) else {
                let allowed = item.options.map { String($0.value) }.joined(separator: ", ")
                errors.add(item.key, "Question \(item.key) takes one of \(allowed) (got \"\(text.prefix(20))\").")
                continue
            }
            answers[item.key] = value
        }
        let known = Set(items.map(\.key))
        for key in raw.keys.sorted() where !known.contains(key) && !raw[key]!.trimmingCharacters(in: .whitespaces).isEmpty {
            errors.add(key, "\(title) has no question \"\(key.prefix(20))\".")
        }
        try errors.throwIfAny()
        let total = items.filter(\.scored).reduce(0) { $0 + (answers[$1.key] ?? 0) }
        if kind == .mdq {
            let positive = MDQ.isPositive(yesCount: total, sameTime: answers[MDQ.sameTimeKey], problem: answers[MDQ.problemKey])
            return InstrumentScore(kind: kind, answers: answers, total: total, band: positive ? "Positive screen" : "Negative screen", positive: positive)
        }
        return InstrumentScore(kind: kind, answers: answers, total: total, band: band(for: total)?.label ?? "", positive: nil)
    }

    /// The MDQ asks parts 2 and 3 only of someone who said yes to more than one item of part 1.
    private func isRequired(_ item: InstrumentItem, given raw: [String: String]) -> Bool {
        guard item.required else { return false }
        guard kind == .mdq, item.key == MDQ.sameTimeKey || item.key == MDQ.problemKey else { return true }
        let yes = items.filter(\.scored).filter { raw[$0.key]?.trimmingCharacters(in: .whitespaces) == "1" }.count
        return yes > 1
    }

    static func short(_ text: String) -> String {
        text.count > 60 ? String(text.prefix(57)) + "…" : text
    }
}

/// The Mood Disorder Questionnaire's published rule.
public enum MDQ {
    public static let sameTimeKey = "same-time"
    public static let problemKey = "problem"

    /// Positive only when all three criteria are met: 7 or more "yes" answers in part 1, "yes" to
    /// several happening in the same period (part 2), and a moderate or serious problem (part 3).
    public static func isPositive(yesCount: Int, sameTime: Int?, problem: Int?) -> Bool {
        yesCount >= 7 && sameTime == 1 && (problem ?? 0) >= 2
    }
}
