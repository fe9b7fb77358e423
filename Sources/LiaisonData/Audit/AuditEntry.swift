import FluentKit
import Foundation
import LiaisonCore

/// One link of the append-only, hash-chained audit trail. Database triggers refuse updates and deletes.
public final class AuditEntry: Model, @unchecked Sendable {
    public static let schema = "audit_entries"

    @ID(key: .id) public var id: UUID?
    @Field(key: "sequence") public var sequence: Int64
    @Field(key: "occurred_at_ms") public var occurredAtMilliseconds: Int64
    @OptionalField(key: "actor_id") public var actorID: UUID?
    @Field(key: "action") public var action: String
    @OptionalField(key: "patient_id") public var patientID: UUID?
    @Field(key: "subject") public var subject: String
    @Field(key: "purpose") public var purpose: String
    @Field(key: "request_id") public var requestID: String
    @Field(key: "previous_hash") public var previousHash: String
    @Field(key: "hash") public var hash: String
    /// An HMAC of `hash` with the operator's key, when one is configured (`AuditKey`).
    @OptionalField(key: "seal") public var seal: String?

    public init() {}

    public init(_ record: AuditRecord, hash: String) {
        sequence = record.sequence
        occurredAtMilliseconds = record.occurredAtMilliseconds
        actorID = record.actorID
        action = record.action
        patientID = record.patientID
        subject = record.subject
        purpose = record.purpose
        requestID = record.requestID
        previousHash = record.previousHash
        self.hash = hash
    }

    public var record: AuditRecord {
        AuditRecord(
            sequence: sequence, occurredAtMilliseconds: occurredAtMilliseconds, actorID: actorID, action: action,
            patientID: patientID, subject: subject, purpose: purpose, requestID: requestID, previousHash: previousHash)
    }

    /// The columns in the order bulk inserts give them.
    static let columns = ["id", "sequence", "occurred_at_ms", "actor_id", "action", "patient_id", "subject", "purpose", "request_id", "previous_hash", "hash", "seal"]

    public var occurredAt: Date { Date(timeIntervalSince1970: Double(occurredAtMilliseconds) / 1000) }
}

/// The chain's newest link, one row, locked while an entry is appended so concurrent writers
/// (several app servers on one PostgreSQL database) extend the chain one at a time.
final class AuditChainHead: Model, @unchecked Sendable {
    static let schema = "audit_chain_head"

    @ID(custom: "id", generatedBy: .user) var id: Int?
    @Field(key: "sequence") var sequence: Int64
    @Field(key: "hash") var hash: String

    init() {}

    init(id: Int, sequence: Int64, hash: String) {
        self.id = id
        self.sequence = sequence
        self.hash = hash
    }
}
