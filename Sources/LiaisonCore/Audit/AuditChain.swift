import Foundation

/// One entry of the audit trail: who did what to which patient's information, when and why.
public struct AuditRecord: Sendable, Equatable {
    public let sequence: Int64
    public let occurredAtMilliseconds: Int64
    public let actorID: UUID?
    public let action: String
    public let patientID: UUID?
    /// What was touched, e.g. "care-team-member:<id>".
    public let subject: String
    public let purpose: String
    public let requestID: String
    public let previousHash: String

    public init(sequence: Int64, occurredAtMilliseconds: Int64, actorID: UUID?, action: String, patientID: UUID?, subject: String, purpose: String, requestID: String, previousHash: String) {
        self.sequence = sequence
        self.occurredAtMilliseconds = occurredAtMilliseconds
        self.actorID = actorID
        self.action = action
        self.patientID = patientID
        self.subject = subject
        self.purpose = purpose
        self.requestID = requestID
        self.previousHash = previousHash
    }

    /// The exact text that is hashed: every field, in order, unambiguously separated.
    public var canonicalText: String {
        [
            String(sequence), String(occurredAtMilliseconds), actorID?.uuidString.lowercased() ?? "-", action,
            patientID?.uuidString.lowercased() ?? "-", subject, purpose, requestID, previousHash,
        ].map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
    }
}

/// The tamper-evident chain: each entry's hash covers its content and its predecessor's hash,
/// so changing, removing or reordering any entry breaks every link after it.
public enum AuditChain {
    /// The "previous hash" of the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    public enum Verdict: Sendable, Equatable {
        case intact(entries: Int)
        /// The first entry whose link does not hold, and why.
        case broken(sequence: Int64, reason: String)
    }

    /// Walks entries in sequence order, continuing a chain whose last verified entry was
    /// `startingAt - 1` with hash `previousHash` (defaults: the whole chain from the start).
    /// `hash` is SHA-256 in hex, kept out of this pure module.
    public static func verify(
        _ entries: some Sequence<(record: AuditRecord, hash: String)>, startingAt: Int64 = 1, previousHash: String = genesis,
        hash: (String) -> String
    ) -> Verdict {
        var expectedPrevious = previousHash
        var expectedSequence = startingAt
        var count = 0
        for (record, stored) in entries {
            if record.sequence != expectedSequence {
                return .broken(sequence: record.sequence, reason: "expected entry \(expectedSequence) next; an entry is missing or out of order")
            }
            if record.previousHash != expectedPrevious {
                return .broken(sequence: record.sequence, reason: "its link to the previous entry does not match")
            }
            if hash(record.canonicalText) != stored {
                return .broken(sequence: record.sequence, reason: "its content does not match its hash (the entry was changed)")
            }
            expectedPrevious = stored
            expectedSequence += 1
            count += 1
        }
        return .intact(entries: count)
    }
}
