import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Testing

@Suite struct AuditLogTests {
    @Test func theHeadNamesTheLastEntryAndItsHashCanBeCheckedLater() async throws {
        try await withRecords { records in
            #expect(try await AuditLog.head(on: records.db).sequence == 0)
            let events = (0..<3).map { AuditLog.Event(actorID: nil, action: "patient.read", patientID: nil, subject: "s\($0)", purpose: "treatment", requestID: "r") }
            try await records.database.write { db in try await AuditLog.append(events, at: Records.now, on: db) }
            let head = try await AuditLog.head(on: records.db)
            #expect(head.sequence == 3)
            #expect(try await AuditLog.hash(at: 3, on: records.db) == head.hash)
            #expect(try await AuditLog.hash(at: 2, on: records.db) != head.hash)
            #expect(try await AuditLog.hash(at: 4, on: records.db) == nil)
            #expect(try await AuditLog.verify(on: records.db) == .intact(entries: 3))
        }
    }
}

@Suite struct AuditQueriesTests {
    @Test func refusalsAreListedForTheOrganisationOfThePatientOrOfWhoTried() async throws {
        try await withRecords { records in
            let riverside = try await records.organisation(), harbour = try await records.organisation("Harbour Health")
            let ana = try await records.person("ana@clinic.example", in: riverside)
            let bo = try await records.person("bo@harbour.example", name: "Bo", in: harbour)
            let patient = try await records.patient(registeredBy: ana)
            patient.registeredOrganisationID = riverside.id
            try await patient.save(on: records.db)
            let refused = AuditLog.Event(actorID: bo.id, action: AuditAction.accessRefused.rawValue, patientID: patient.id, subject: "patient", purpose: "refused", requestID: "r")
            let read = AuditLog.Event(actorID: ana.id, action: AuditAction.patientRead.rawValue, patientID: patient.id, subject: "patient", purpose: "treatment", requestID: "r")
            try await records.database.write { db in try await AuditLog.append([refused, read], at: Records.now, on: db) }
            for organisation in [riverside, harbour] {
                let rows = try await AuditQueries.refusals(forOrganisation: organisation.id!, on: records.db)
                #expect(rows.map(\.displayName) == ["Bo"])
                #expect(rows.first?.patientID == patient.id && rows.first?.occurredAt == Records.now)
            }
            #expect(try await AuditQueries.refusals(forOrganisation: UUID(), on: records.db).isEmpty)
            #expect(try await AuditQueries.count(of: .accessRefused, on: records.db) == 1)
        }
    }
}

@Suite struct AuditSealTests {
    let key = AuditKey("an audit key the operator keeps elsewhere")!

    func events(_ count: Int) -> [AuditLog.Event] {
        (0..<count).map { AuditLog.Event(actorID: nil, action: "patient.read", patientID: nil, subject: "s\($0)", purpose: "treatment", requestID: "r") }
    }

    @Test func aChainRebuiltWithoutTheKeyIsCaughtByItsSeals() async throws {
        try await withRecords { records in
            try await records.database.write { db in try await AuditLog.append(events(3), at: Records.now, sealedWith: key, on: db) }
            #expect(try await AuditLog.verify(on: records.db, key: key) == .intact(entries: 3))
            // Someone with write access (but not the key) rewrites the last entry and its hash, and moves the head.
            let sql = records.database.sql()
            if sql.dialect.name == "postgresql" {
                try await sql.raw("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_update").run()
            } else {
                try await sql.raw("DROP TRIGGER audit_entries_no_update").run()
            }
            let last = try #require(try await AuditEntry.query(on: records.db).filter(\.$sequence == 3).first())
            let forged = AuditRecord(
                sequence: 3, occurredAtMilliseconds: last.occurredAtMilliseconds, actorID: nil, action: "patient.read", patientID: nil,
                subject: "nothing to see", purpose: "treatment", requestID: "r", previousHash: last.previousHash)
            let hash = AuditLog.sha256(forged.canonicalText)
            try await sql.raw("UPDATE audit_entries SET subject = 'nothing to see', hash = \(bind: hash) WHERE sequence = 3").run()
            try await sql.raw("UPDATE audit_chain_head SET hash = \(bind: hash) WHERE id = 1").run()
            #expect(try await AuditLog.verify(on: records.db) == .intact(entries: 3))
            #expect(try await AuditLog.verify(on: records.db, key: key)
                == .broken(sequence: 3, reason: "its seal does not match (the entry was rewritten without the audit key)"))
        }
    }

    @Test func entriesWrittenBeforeTheKeyNeedNoSealButLaterOnesDo() async throws {
        try await withRecords { records in
            try await records.database.write { db in try await AuditLog.append(events(2), at: Records.now, on: db) }
            try await records.database.write { db in try await AuditLog.append(events(2), at: Records.now, sealedWith: key, on: db) }
            #expect(try await AuditLog.verify(on: records.db, key: key) == .intact(entries: 4))
            try await records.database.write { db in try await AuditLog.append(events(1), at: Records.now, on: db) }
            #expect(try await AuditLog.verify(on: records.db, key: key) == .broken(sequence: 5, reason: "it has no seal although earlier entries have one"))
        }
    }
}
