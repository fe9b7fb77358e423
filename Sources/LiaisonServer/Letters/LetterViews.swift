import Foundation
import LiaisonCore
import LiaisonData

/// A printable letter on a plain page: a referral's letter or note, or a letter sent on its own.
struct LetterPage: Sendable {
    let title: String
    let from: String
    let to: String
    let date: String
    let patient: String
    let sections: [Letter.Section]
    let words: Int
    let suggestedWords: Int
    let backPath: String
    let backLabel: String
    /// "Shared with the patient on …", once it is.
    var shared: String?
    /// Where its author shares it with the patient, while it is not shared.
    var sharePath: String?

    init(_ letter: Letter?, kind: LetterKind, from: String, to: String, date: Date, patient: Patient, backPath: String, backLabel: String) {
        title = kind.label
        self.from = from
        self.to = to
        self.date = DisplayDate.dateTime(date)
        self.patient = "\(patient.givenName) \(patient.familyName), born \(patient.dateOfBirth)"
        sections = letter?.sections ?? []
        words = letter?.wordCount ?? 0
        suggestedWords = Letter.suggestedWords * max(1, sections.count)
        self.backPath = backPath
        self.backLabel = backLabel
    }
}

/// Writing a letter to a colleague on the patient's team: the template's sections with their
/// guidance, and who may receive it.
struct LetterFormPage: Sendable {
    struct Field: Sendable {
        let key: String
        let title: String
        let guidance: String
        let required: Bool
        let value: String
        let error: String?

        /// The template's sections of `kind`, filled with what was typed (or saved) and the errors.
        static func all(_ kind: LetterKind, values: (String) -> String?, errors: [String: String]) -> [Field] {
            Letter.template(kind).map { part in
                Field(key: part.key, title: part.title, guidance: part.guidance, required: part.required, value: values(part.key) ?? "", error: errors[part.key])
            }
        }
    }

    let patient: String
    let kinds: [Choice]
    let kindLinks: [Choice]
    let kind: String
    let kindLabel: String
    let recipients: [Choice]
    let hasRecipients: Bool
    let fields: [Field]
    let form: FormState
    let action: String
    let backPath: String
    let suggestedWords = Letter.suggestedWords
    let maximumLength = Letter.maximumSectionLength
}
