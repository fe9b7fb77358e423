import FluentKit
import Foundation
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
