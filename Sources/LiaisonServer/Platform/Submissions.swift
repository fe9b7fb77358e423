import Crypto
import FluentKit
import Foundation
import HTTPTypes
import Hummingbird
import LiaisonCore
import LiaisonData

/// How a request says it may be a repeat of an earlier one (see `SubmissionQueries`).
///
/// Every form carries a one-time token (`_once`, written by the `csrf` partial), so a double
/// click or a form sent again after "back" creates one thing; the token counts as a repeat only
/// with the same fields, because someone who goes back, changes a field and sends again means a
/// new one. An API client sends an `Idempotency-Key` header instead; using it again with other
/// fields is refused (422).
struct SubmissionKey: Sendable {
    let value: String
    let fromForm: Bool

    static let formField = "_once"
    static let header = HTTPField.Name("Idempotency-Key")!

    /// The page's one-time token, when the form carries one.
    static func form(_ form: FormData) -> SubmissionKey? {
        form[formField].flatMap { $0.isEmpty ? nil : SubmissionKey(value: String($0.prefix(64)), fromForm: true) }
    }

    /// The API client's `Idempotency-Key`, or the form's token for a form sent to the API.
    static func of(_ request: Request, form: FormData? = nil) throws(AppError) -> SubmissionKey? {
        if let header = request.headers[header] {
            guard (1...255).contains(header.unicodeScalars.count), header.unicodeScalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) else {
                throw .badRequest("Idempotency-Key must be 1 to 255 printable ASCII characters.")
            }
            return SubmissionKey(value: header, fromForm: false)
        }
        return form.flatMap(Self.form)
    }

    /// The key as stored, and the input's fingerprint. A form's token with other fields is another
    /// submission, so its fields are part of the key.
    func stored(for input: some Encodable) throws -> (key: String, fingerprint: String) {
        let fingerprint = try Submissions.fingerprint(input)
        return (fromForm ? "\(value):\(fingerprint.prefix(16))" : value, fingerprint)
    }

    /// A fresh token for a page's forms.
    static func newToken() -> String { UUID().uuidString.lowercased() }
}

/// What is being created, for keys: one key may serve one referral and, on the same page, one note.
enum SubmissionScope: String, Sendable {
    case referral
    case patient
    case note = "patient-note"
    case member = "care-team-member"
}

enum Submissions {
    /// Runs `create` once per key, in the caller's writing transaction `db`: a repeat gets what
    /// the first request made (`existing`), without creating, notifying or auditing again, and the
    /// API answers it as it answered the first (201 with the same thing). Without a key, `create`
    /// simply runs.
    ///
    /// - Parameters:
    ///   - input: what was asked for, compared between requests with the same key.
    ///   - create: makes the thing and returns it with its id.
    static func once<Value: Sendable>(
        _ key: SubmissionKey?, _ scope: SubmissionScope, input: some Encodable, by userID: UUID, at now: Date, on db: any Database,
        existing: (UUID) async throws -> Value?, create: () async throws -> (Value, UUID)
    ) async throws -> Value {
        guard let key else { return try await create().0 }
        let (stored, fingerprint) = try key.stored(for: input)
        switch try await SubmissionQueries.claim(stored, scope: scope.rawValue, fingerprint: fingerprint, by: userID, at: now, on: db) {
        case .first:
            let (value, id) = try await create()
            try await SubmissionQueries.complete(stored, scope: scope.rawValue, by: userID, resource: id, on: db)
            return value
        case .repeated(let id):
            guard let value = try await existing(id) else {
                throw AppError.conflict("What this request's Idempotency-Key first created is no longer there; send it with a new key.")
            }
            return value
        case .mismatched:
            throw AppError.invalid(ValidationErrors(
                "Idempotency-Key", "This Idempotency-Key was first used for a request with other fields. Use a new key for a new request."))
        }
    }

    /// What an earlier request with `key` made, looked up without claiming: for a use case that
    /// checks things a repeat would trip over (a duplicate registration) before it writes.
    static func earlier(_ key: SubmissionKey?, _ scope: SubmissionScope, input: some Encodable, by userID: UUID, on db: any Database) async throws -> UUID? {
        guard let key else { return nil }
        let (stored, fingerprint) = try key.stored(for: input)
        guard case .repeated(let id) = try await SubmissionQueries.earlier(stored, scope: scope.rawValue, fingerprint: fingerprint, by: userID, on: db) else {
            return nil
        }
        return id
    }

    /// A digest of the input's JSON with sorted keys.
    static func fingerprint(_ input: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return SHA256.hash(data: try encoder.encode(input)).map { String(format: "%02x", $0) }.joined()
    }
}
