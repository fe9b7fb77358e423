import Foundation

/// The kinds of structured letter clinicians send each other. A referral loop carries the first
/// four (its letter and each acknowledgement, progress and closing note); any of the last four
/// can also be sent to a colleague on the patient's team on its own.
public enum LetterKind: String, Sendable, Codable, CaseIterable, Labelled {
    case referral
    case acknowledgement
    case progress
    case closing
    /// To a colleague on the team: situation, findings, plan, specific questions.
    case clinicalUpdate = "clinical-update"
    /// A second-opinion consultant's report, for the patient and the treating psychiatrist.
    case consultationReport = "consultation-report"
    /// From the clinician handing over care to the one taking it over.
    case handoff = "handoff-summary"

    public var label: String {
        switch self {
        case .referral: "Referral letter"
        case .acknowledgement: "Acknowledgement"
        case .progress: "Progress update"
        case .closing: "Closing summary"
        case .clinicalUpdate: "Clinical update"
        case .consultationReport: "Second-opinion report"
        case .handoff: "Handoff summary"
        }
    }

    /// The kinds a clinician may send outside a referral's steps.
    public static let standalone: [LetterKind] = [.clinicalUpdate, .progress, .closing]
}

/// A brief, decisive letter: a few named sections, each short.
///
/// Physicians read many of these; the template asks for what they need and little else.
public struct Letter: Sendable, Equatable, Codable {
    public let kind: LetterKind
    /// Section title → text, in the template's order.
    public let sections: [Section]

    public struct Section: Sendable, Equatable, Codable {
        public let key: String
        public let title: String
        public let text: String

        public init(key: String, title: String, text: String) {
            self.key = key
            self.title = title
            self.text = text
        }
    }

    public init(kind: LetterKind, sections: [Section]) {
        self.kind = kind
        self.sections = sections
    }

    /// The sections each kind asks for: (key, title, guidance, required).
    public static func template(_ kind: LetterKind) -> [(key: String, title: String, guidance: String, required: Bool)] {
        switch kind {
        case .referral:
            [("reason", "Reason for referral", "One or two sentences.", true),
             ("questions", "Specific questions", "What do you need answered?", false),
             ("hopes", "What treatment should achieve", "The outcome you hope for.", false),
             ("attachments", "Relevant history", "Medications, diagnoses, results; paste text.", false)]
        case .acknowledgement:
            [("presentingProblem", "Presenting problem", "As you understand it after first contact.", true),
             ("plan", "Focus and plan of treatment", "What you will do, and how often.", true),
             ("contact", "How and when to reach me", "Phone, secure message, best times.", true)]
        case .progress:
            [("summary", "Progress", "What has changed; any action needed from the referrer.", true)]
        case .closing:
            [("course", "Course of treatment", "Dates, sessions, main interventions.", true),
             ("outcome", "Outcome", "Where the patient is now; scores if used.", true),
             ("recommendations", "Recommendations for the referrer", "What to watch for; when to refer again.", true)]
        case .clinicalUpdate:
            [("situation", "Situation", "Why you are writing, in a sentence or two.", true),
             ("findings", "Findings", "What you observed or measured that matters to the reader.", false),
             ("plan", "Plan", "What you will do next, and when.", true),
             ("questions", "Specific questions", "What you need from the reader, and by when.", false)]
        case .consultationReport:
            [("reason", "Reason for consultation", "What is not working, as the patient and the team put it.", true),
             ("sources", "Sources reviewed", "Records, letters, scales and conversations you drew on.", true),
             ("diagnosis", "Diagnostic re-evaluation", "Do you agree with the working diagnosis? What else to consider?", true),
             ("options", "Treatment options", "Pharmacological and otherwise, in the order you would try them.", true),
             ("relationship", "The treatment relationship and communication", "What would help the patient and the treating clinician work together.", false),
             ("practice", "Suggestions for the treating clinician", "Concrete and respectful, e.g. returning calls sooner.", false),
             ("availability", "Available to discuss", "Whether and how the treating clinician can reach you about this report.", true)]
        case .handoff:
            [("diagnoses", "Diagnoses", "Working diagnoses, and what is uncertain.", true),
             ("medications", "Current medications", "Names, doses, and anything recently changed or stopped.", true),
             ("risks", "Risks", "Current risks and the safety plan, if any.", true),
             ("helped", "What has helped", "Treatments and approaches that worked.", true),
             ("notHelped", "What has not helped", "Tried without benefit, or not tolerated.", true),
             ("other", "Anything else the next clinician should know", "Family, work, preferences, pending results.", false)]
        }
    }

    /// Sections are kept short; the guidance says so and validation enforces a ceiling.
    public static let maximumSectionLength = 1500
    public static let suggestedWords = 80

    public static func validated(_ kind: LetterKind, fields: [String: String]) throws(ValidationErrors) -> Letter {
        var check = FieldChecker()
        var sections: [Section] = []
        for part in template(kind) {
            let text = check.text(fields[part.key], field: part.key, label: part.title, required: part.required, maxLength: maximumSectionLength)
            if !text.isEmpty { sections.append(Section(key: part.key, title: part.title, text: text)) }
        }
        try check.errors.throwIfAny()
        return Letter(kind: kind, sections: sections)
    }

    public func text(_ key: String) -> String? {
        sections.first { $0.key == key }?.text
    }

    public var wordCount: Int {
        sections.reduce(0) { $0 + $1.text.split(whereSeparator: \.isWhitespace).count }
    }
}
