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
