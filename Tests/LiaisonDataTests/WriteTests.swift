import AsyncKit
import FluentKit
import Foundation
import LiaisonData
import Synchronization
import LiaisonTestSupport
import SQLKit
import Testing

@Suite struct WriteTests {
    @Test func aClashIsRetriedAndSucceedsWhenItClears() async throws {
        try await withRecords { records in
            let attempts = Mutex(0)
            let answer = try await records.database.write { _ in
                let attempt = attempts.withLock { count in
                    count += 1
                    return count
                }
                if attempt < 3 { throw SerializationFailure() }
                return attempt
            }
            #expect(answer == 3)
        }
    }

    @Test func aClashThatKeepsComingGivesUpAfterThreeTriesAndChangesNothing() async throws {
        try await withRecords { records in
            let attempts = Mutex(0)
            await #expect(throws: DatabaseBusy.self) {
                try await records.database.write { db -> Int in
                    attempts.withLock { $0 += 1 }
                    try await UserAccount(email: "ana@clinic.example", displayName: "Ana", passwordHash: "x", createdAt: Records.now).create(on: db)
                    throw SerializationFailure()
                }
            }
            #expect(attempts.withLock { $0 } == 3)
            let nothingWritten = try await records.database.hasNoAccounts()
            #expect(nothingWritten)
        }
    }

    @Test func aUniqueConstraintRefusingAConcurrentDuplicateIsAConcurrentChange() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example")
            let patient = try await records.patient(registeredBy: ana)
            let bo = try await records.person("bo@clinic.example")
            try await records.member(ana, of: patient, role: .prescriber, responsible: true)
            await #expect(throws: ConcurrentChange.self) {
                try await records.database.write { db -> Void in
                    try await CareTeamMember(patientID: patient.id!, userID: bo.id!, role: .prescriber, responsible: true, startedAt: Records.now, addedBy: ana.id!)
                        .create(on: db)
                }
            }
        }
    }
}

@Suite struct MigrationTests {
    @Test func serversStartingTogetherMigrateInTurn() async throws {
        try await TestDatabase.withFresh { location in
            let logger = TestDatabase.logger
            // Three servers' pools starting at once on a new database (on PostgreSQL under the advisory lock).
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<3 {
                    group.addTask { try await LiaisonDatabase.with(location, logger: logger) { _ in } }
                }
                try await group.waitForAll()
            }
            try await LiaisonDatabase.with(location, logger: logger, migrate: false) { database in
                #expect(try await database.pendingMigrations().isEmpty)
                #expect(try await database.hasNoAccounts())
                // Each migration was recorded once.
                let names = try await database.sql().raw("SELECT name FROM _fluent_migrations").all().map { try $0.decode(column: "name", as: String.self) }
                #expect(names.count == Set(names).count)
            }
        }
    }
}

@Suite struct BusyErrorTests {
    @Test func waitingTooLongForAConnectionIsBusyNotAFault() {
        #expect(DatabaseBusy.matches(DatabaseBusy()))
        #expect(DatabaseBusy.matches(ConnectionPoolTimeoutError.connectionRequestTimeout))
        #expect(!DatabaseBusy.matches(ConcurrentChange()))
    }
}
