import Foundation

/// The two kinds of conversation: a patient's care-team thread (whoever is on the team now) and
/// a direct conversation between two clinicians, optionally about a patient both treat.
public enum ConversationKind: String, Sendable, Codable {
    case team
    case direct
}

public enum ConversationRules {
    /// The longest message: a note to a colleague, not a letter (letters have their own form).
    public static let maximumLength = 4000

    /// A message as typed: trimmed, required, at most `maximumLength` characters.
    public static func validatedBody(_ raw: String?) throws(ValidationErrors) -> String {
        var check = FieldChecker()
        let body = check.text(raw, field: "body", label: "Message", required: true, maxLength: maximumLength)
        try check.errors.throwIfAny()
        return body
    }

    /// The one key of a direct conversation between two people, about a patient or not: the same
    /// whoever starts it, so two people starting it at once on two servers get one conversation.
    public static func directKey(_ a: UUID, _ b: UUID, patient: UUID?) -> String {
        let pair = [a.uuidString, b.uuidString].sorted().joined(separator: ":")
        return pair + ":" + (patient?.uuidString ?? "-")
    }
}
