import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import LiaisonTestSupport
import SQLKit
import Testing

/// A SQLite file has one writing connection and reading connections beside it.
@Suite struct SQLiteReadersTests {
    private func withFileDatabase(_ body: (LiaisonDatabase) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("liaison-readers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try LiaisonDatabase(location: .sqliteFile(path: directory.appendingPathComponent("test.sqlite").path), logger: TestDatabase.logger)
        do {
            try await database.migrate()
            try await body(database)
        } catch {
            await database.shutdown()
            throw error
        }
        await database.shutdown()
    }

    private func riverside() -> Organisation {
        Organisation(settings: OrganisationSettings(name: "Riverside Clinic", kind: .communityClinic, timeZone: .gmt, businessDays: Weekday.mondayToFriday), createdAt: Date())
    }

    private func organisationCount(_ db: any Database) async throws -> Int {
        try await Organisation.query(on: db).count()
    }

    @Test func readsDoNotWaitForAnOpenWriteAndSeeOnlyWhatIsCommitted() async throws {
        try await withFileDatabase { database in
            try await database.db().transaction { db in
                try await riverside().create(on: db)
                // The writer's connection is busy with this transaction; a reader answers anyway,
                // from the last commit.
                #expect(try await organisationCount(database.reader()) == 0)
            }
            #expect(try await organisationCount(database.reader()) == 1)
        }
    }

    @Test func checkpointsBesideTheWriterCopyTheLogIntoTheFileWhileTheWriterLeavesThem() async throws {
        try await withFileDatabase { database in
            guard case .sqliteFile(let path) = database.location else { return }
            func fileSize() throws -> Int { try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int }
            let checkpoints = Task { await database.checkpointContinuously(every: .milliseconds(20), logPages: 100_000) }
            // The writer now leaves checkpoints alone until its log is far longer than SQLite's 1,000 pages.
            for _ in 0..<50 where try await database.sql().raw("PRAGMA wal_autocheckpoint").first(decodingColumn: "wal_autocheckpoint", as: Int.self) != 100_000 {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try await database.sql().raw("PRAGMA wal_autocheckpoint").first(decodingColumn: "wal_autocheckpoint", as: Int.self) == 100_000)
            try await database.sql().raw("CREATE TABLE filler (body TEXT NOT NULL)").run()
            let before = try fileSize()
            // About 8 MB logged (2,000 pages), committed in 20 transactions.
            for _ in 0..<20 {
                try await database.write { db in
                    for _ in 0..<100 {
                        try await (db as! any SQLDatabase).raw("INSERT INTO filler (body) VALUES (\(bind: String(repeating: "x", count: 4000)))").run()
                    }
                }
            }
            // The pages reach the database file without the writer checkpointing.
            for _ in 0..<250 where try fileSize() < before + 7_000_000 {
                try await Task.sleep(for: .milliseconds(20))
            }
            checkpoints.cancel()
            #expect(try fileSize() >= before + 7_000_000)
        }
    }

    @Test func aReaderRefusesToWrite() async throws {
        try await withFileDatabase { database in
            await #expect(throws: (any Error).self) {
                try await riverside().create(on: database.reader())
            }
            let count = try await organisationCount(database.db())
            #expect(count == 0)
        }
    }
}
