import Crypto
import FluentKit
import Foundation
import LiaisonCore
import SQLKit

/// Appends to and verifies the hash-chained audit trail.
public enum AuditLog {
    /// What happened, before it is given a place in the chain.
    public struct Event: Sendable {
        public var actorID: UUID?
        public var action: String
        public var patientID: UUID?
        public var subject: String
        public var purpose: String
        public var requestID: String

        public init(actorID: UUID?, action: String, patientID: UUID?, subject: String, purpose: String, requestID: String) {
            self.actorID = actorID
            self.action = action
            self.patientID = patientID
            self.subject = subject
            self.purpose = purpose
            self.requestID = requestID
        }
    }

    /// Appends `event`. Call inside the transaction that makes the change, so both commit or neither.
    public static func append(_ event: Event, at moment: Date, sealedWith key: AuditKey? = nil, on db: any Database) async throws {
        try await append([event], at: moment, sealedWith: key, on: db)
    }

    /// Appends `events` in order, with one lock of the chain head and one insert per few hundred.
    ///
    /// The chain head row is locked (`FOR UPDATE` on PostgreSQL; SQLite transactions are already
    /// serialised), so concurrent writers on several servers take turns extending the chain.
    public static func append(_ events: [Event], at moment: Date, sealedWith key: AuditKey? = nil, on db: any Database) async throws {
        guard !events.isEmpty else { return }
        let sql = db as! any SQLDatabase
        // Hand-written: this runs on every audited request, and the query builders cost more than the queries.
        let lock: SQLQueryString = sql.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        guard let head = try await sql.raw("SELECT sequence, hash FROM audit_chain_head WHERE id = 1\(lock)").first() else {
            throw AuditLogError.missingHead
        }
        var sequence = try head.decode(column: "sequence", as: Int64.self)
        var previousHash = try head.decode(column: "hash", as: String.self)
        let occurredAt = Int64((moment.timeIntervalSince1970 * 1000).rounded())
        var rows: [[any SQLExpression]] = []
        rows.reserveCapacity(events.count)
        for event in events {
            sequence += 1
            let record = AuditRecord(
                sequence: sequence, occurredAtMilliseconds: occurredAt, actorID: event.actorID, action: event.action,
                patientID: event.patientID, subject: event.subject, purpose: event.purpose, requestID: event.requestID, previousHash: previousHash)
            let hash = sha256(record.canonicalText)
            rows.append([
                SQLBind(UUID.ordered()), SQLBind(record.sequence), SQLBind(record.occurredAtMilliseconds), SQLBind(record.actorID), SQLBind(record.action),
                SQLBind(record.patientID), SQLBind(record.subject), SQLBind(record.purpose), SQLBind(record.requestID), SQLBind(previousHash), SQLBind(hash),
                SQLBind(key?.seal(hash)),
            ])
            previousHash = hash
        }
        try await sql.insertRows(into: AuditEntry.schema, columns: AuditEntry.columns, rows)
        try await sql.raw("UPDATE audit_chain_head SET sequence = \(bind: sequence), hash = \(bind: previousHash) WHERE id = 1").run()
    }

    /// Checks every link, reading in batches so a chain of millions fits in little memory.
    /// With `key`, each entry's seal is checked too: once one entry is sealed (the key was
    /// configured then), every later one must carry a seal that matches.
    public static func verify(on db: any Database, key: AuditKey? = nil, batchSize: Int = 5000) async throws -> AuditChain.Verdict {
        var verified = 0
        var previousHash = AuditChain.genesis
        var nextSequence: Int64 = 1
        var sealing = false
        while true {
            let batch = try await AuditEntry.query(on: db).filter(\.$sequence >= nextSequence).sort(\.$sequence).limit(batchSize).all()
            guard let last = batch.last else { return try await compareWithHead(verified: verified, lastHash: previousHash, on: db) }
            let verdict = AuditChain.verify(
                batch.map { (record: $0.record, hash: $0.hash) }, startingAt: nextSequence, previousHash: previousHash, hash: sha256)
            if case .broken = verdict { return verdict }
            if let key {
                for entry in batch {
                    if let seal = entry.seal {
                        sealing = true
                        if seal != key.seal(entry.hash) {
                            return .broken(sequence: entry.sequence, reason: "its seal does not match (the entry was rewritten without the audit key)")
                        }
                    } else if sealing {
                        return .broken(sequence: entry.sequence, reason: "it has no seal although earlier entries have one")
                    }
                }
            }
            verified += batch.count
            previousHash = last.hash
            nextSequence = last.sequence + 1
        }
    }

    /// The last entry appended, as the chain head records it: an operator anchors this point
    /// outside the database (`liaison audit head`) and later proves the log still holds it.
    public static func head(on db: any Database) async throws -> (sequence: Int64, hash: String) {
        guard let head = try await db.sql.raw("SELECT sequence, hash FROM audit_chain_head WHERE id = 1").first() else { throw AuditLogError.missingHead }
        return (try head.decode(column: "sequence", as: Int64.self), try head.decode(column: "hash", as: String.self))
    }

    /// The stored hash of entry `sequence`, if there is one.
    public static func hash(at sequence: Int64, on db: any Database) async throws -> String? {
        try await db.sql.raw("SELECT hash FROM audit_entries WHERE sequence = \(bind: sequence)").first(decodingColumn: "hash", as: String.self)
    }

    /// The chain head records the last entry appended; entries cut from the end of the log leave
    /// the head ahead of what is there, or pointing at another hash.
    private static func compareWithHead(verified: Int, lastHash: String, on db: any Database) async throws -> AuditChain.Verdict {
        let (sequence, hash) = try await head(on: db)
        if sequence > Int64(verified) {
            return .broken(sequence: Int64(verified) + 1, reason: "entries \(verified + 1) to \(sequence) are missing from the end of the log")
        }
        if sequence != Int64(verified) || hash != lastHash {
            return .broken(sequence: Int64(verified), reason: "the last entry does not match the chain head (sequence \(sequence))")
        }
        return .intact(entries: verified)
    }

    public static func sha256(_ text: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(text.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

public enum AuditLogError: Error, CustomStringConvertible {
    case missingHead

    public var description: String { "the audit chain head row is missing; run `liaison migrate`" }
}
