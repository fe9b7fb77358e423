import Foundation

/// The team's shared treatment plan: the problems (with ICD-10 codes where the team uses them),
/// the goals, who does what, and when it is next reviewed.
public struct CarePlan: Sendable, Equatable, Codable {
    public struct Problem: Sendable, Equatable, Codable {
        /// An ICD-10 code as text ("F33.1"), when given.
        public let code: String?
        public let text: String
    }

    public let problems: [Problem]
    public let goals: String
    public let therapy: String
    public let medication: String
    public let caseManagement: String
    public let nextReview: DateOnly?

    public static let maximumLength = 2000

    /// Reads the plan from form fields. Problems are one per line; a line may start with an
    /// ICD-10 code ("F33.1 Recurrent depression, moderate").
    public static func validated(_ fields: [String: String]) throws(ValidationErrors) -> CarePlan {
        var check = FieldChecker()
        let problemText = check.text(fields["problems"], field: "problems", label: "Problems", required: true, maxLength: maximumLength)
        let goals = check.text(fields["goals"], field: "goals", label: "Goals", required: true, maxLength: maximumLength)
        let therapy = check.text(fields["therapy"], field: "therapy", label: "Therapy: who and what", maxLength: maximumLength)
        let medication = check.text(fields["medication"], field: "medication", label: "Medication: who and what", maxLength: maximumLength)
        let caseManagement = check.text(fields["caseManagement"], field: "caseManagement", label: "Case management: who and what", maxLength: maximumLength)
        var review: DateOnly?
        let rawReview = (fields["nextReview"] ?? "").trimmingCharacters(in: .whitespaces)
        if !rawReview.isEmpty {
            review = DateOnly(rawReview)
            if review == nil { check.errors.add("nextReview", "Give the next review date as YYYY-MM-DD.") }
        }
        if therapy.isEmpty, medication.isEmpty, caseManagement.isEmpty, check.errors.isEmpty {
            check.errors.add("therapy", "Say who does what: therapy, medication or case management.")
        }
        try check.errors.throwIfAny()
        let problems = problemText.split(whereSeparator: \.isNewline).map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map(Self.problem)
        return CarePlan(problems: problems, goals: goals, therapy: therapy, medication: medication, caseManagement: caseManagement, nextReview: review)
    }

    /// "F33.1 Recurrent depression" → code F33.1 and the rest; a line without a code is all text.
    static func problem(_ line: String) -> Problem {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        if let first = parts.first, parts.count == 2, ICD10.looksLikeCode(first) {
            return Problem(code: first.uppercased(), text: parts[1].trimmingCharacters(in: .whitespaces))
        }
        return Problem(code: nil, text: line)
    }

    /// The problems back as the form's lines.
    public var problemLines: String {
        problems.map { [$0.code, $0.text].compactMap { $0 }.joined(separator: " ") }.joined(separator: "\n")
    }
}

/// ICD-10 codes as text: a letter, two digits, then optionally a dot and up to four characters.
public enum ICD10 {
    public static func looksLikeCode(_ text: String) -> Bool {
        text.range(of: #"^[A-Za-z][0-9]{2}(\.[0-9A-Za-z]{1,4})?$"#, options: .regularExpression) != nil
    }
}

/// A medication as the prescriber records it.
public struct MedicationDraft: Sendable, Equatable {
    public let name: String
    public let dose: String
    public let frequency: String
    public let startedOn: DateOnly
    public let reason: String

    public static func validated(_ fields: [String: String], today: DateOnly) throws(ValidationErrors) -> MedicationDraft {
        var check = FieldChecker()
        let name = check.text(fields["name"], field: "name", label: "Medication", required: true, maxLength: 100)
        let dose = check.text(fields["dose"], field: "dose", label: "Dose", required: true, maxLength: 50)
        let frequency = check.text(fields["frequency"], field: "frequency", label: "How often", required: true, maxLength: 50)
        let reason = check.text(fields["reason"], field: "reason", label: "Reason", maxLength: 500)
        let rawStart = (fields["startedOn"] ?? "").trimmingCharacters(in: .whitespaces)
        var start = today
        if !rawStart.isEmpty {
            if let day = DateOnly(rawStart) { start = day } else { check.errors.add("startedOn", "Give the start date as YYYY-MM-DD.") }
        }
        try check.errors.throwIfAny()
        return MedicationDraft(name: name, dose: dose, frequency: frequency, startedOn: start, reason: reason)
    }
}

/// Antidepressants by generic name: starting or changing one after a positive MDQ deserves a
/// second look for bipolar disorder.
public enum Antidepressants {
    static let names: Set<String> = [
        "agomelatine", "amitriptyline", "bupropion", "citalopram", "clomipramine", "desipramine", "desvenlafaxine", "dosulepin", "doxepin",
        "duloxetine", "escitalopram", "fluoxetine", "fluvoxamine", "imipramine", "isocarboxazid", "levomilnacipran", "lofepramine", "maprotiline",
        "mianserin", "milnacipran", "mirtazapine", "moclobemide", "nefazodone", "nortriptyline", "paroxetine", "phenelzine", "protriptyline",
        "reboxetine", "selegiline", "sertraline", "tranylcypromine", "trazodone", "trimipramine", "venlafaxine", "vilazodone", "vortioxetine",
        "esketamine", "zuranolone",
    ]

    /// Whether `name` ("Sertraline 50 mg", "escitalopram") names an antidepressant.
    public static func contains(_ name: String) -> Bool {
        name.lowercased().split(whereSeparator: { !$0.isLetter }).contains { names.contains(String($0)) }
    }
}

/// How a visit happened.
public enum VisitKind: String, Sendable, Codable, CaseIterable, Labelled {
    case inPerson = "in-person"
    case telehealth
    case phone

    public var label: String {
        switch self {
        case .inPerson: "In person"
        case .telehealth: "Telehealth"
        case .phone: "Phone"
        }
    }
}

/// How often a role sees the patient: a level with its usual interval, or the team's own.
public enum CadenceLevel: String, Sendable, Codable, CaseIterable, Labelled {
    case stable
    case worsening
    case custom

    public var label: String {
        switch self {
        case .stable: "Stable: every 3 months"
        case .worsening: "Worsening: every 2–4 weeks"
        case .custom: "Another interval"
        }
    }

    /// The usual interval in days (the worsening one at its longest, four weeks).
    public var usualDays: Int? {
        switch self {
        case .stable: 90
        case .worsening: 28
        case .custom: nil
        }
    }
}

/// Follow-up cadence: when the next visit is due, and whether a score calls for tightening it.
public enum FollowUp {
    public static let intervalRange = 7...180

    /// Reads a cadence from form fields: a level, and days for a custom one.
    public static func validated(level rawLevel: String?, days rawDays: String?) throws(ValidationErrors) -> (CadenceLevel, Int) {
        var check = FieldChecker()
        let level = check.choice(rawLevel, field: "level", label: "Cadence", as: CadenceLevel.self)
        var days = level?.usualDays
        let text = (rawDays ?? "").trimmingCharacters(in: .whitespaces)
        if !text.isEmpty || level == .custom {
            if let number = Int(text), intervalRange.contains(number) { days = number } else {
                check.errors.add("intervalDays", "Days between visits must be a whole number from \(intervalRange.lowerBound) to \(intervalRange.upperBound).")
            }
        }
        try check.errors.throwIfAny()
        return (level!, days!)
    }

    /// The next visit is due `intervalDays` after the last one, or after the cadence was set when
    /// there has been no visit since.
    public static func nextDue(lastVisit: Date?, cadenceSetAt: Date, intervalDays: Int) -> Date {
        (lastVisit ?? cadenceSetAt).addingTimeInterval(TimeInterval(intervalDays) * 86400)
    }

    /// A worse score by at least the instrument's meaningful change (5 points on the PHQ-9 and
    /// GAD-7, 10 on the PCL-5) since the previous one tightens a longer cadence to four weeks.
    public static func worsened(_ kind: InstrumentKind, previous: Int, latest: Int) -> Bool {
        switch kind {
        case .phq9, .gad7: latest - previous >= 5
        case .pcl5: latest - previous >= 10
        case .mdq: false
        }
    }
}
