import Foundation
import LiaisonCore

/// A form's values and problems, so a rejected form comes back as the person typed it.
struct FormState: Sendable {
    let values: [String: String]
    let errors: [String: String]
    let problems: [ValidationErrors.Problem]
    let hasErrors: Bool

    static let empty = FormState(values: [:], errors: [:], problems: [])

    init(values: [String: String], errors: [String: String], problems: [ValidationErrors.Problem]) {
        self.values = values
        self.errors = errors
        self.problems = problems
        hasErrors = !problems.isEmpty
    }

    init(values: [String: String], errors: ValidationErrors = .init()) {
        var byField: [String: String] = [:]
        for problem in errors.problems where byField[problem.field] == nil {
            byField[problem.field] = problem.message
        }
        self.init(values: values, errors: byField, problems: errors.problems)
    }
}

/// An option in a `<select>` or checkbox group.
struct Choice: Sendable {
    let value: String
    let label: String
    let selected: Bool

    /// Every case of a labelled choice, with the one whose raw value is `selected` marked.
    static func all<T: RawRepresentable & CaseIterable & Labelled>(_ type: T.Type, selected: String?) -> [Choice] where T.RawValue == String {
        T.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0.rawValue == selected) }
    }
}
