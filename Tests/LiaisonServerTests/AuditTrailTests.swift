import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import LiaisonTestSupport
import SQLKit
import Testing
@testable import LiaisonServer

@Suite struct AuditTrailTests {
    /// Some activity: registration, team changes, reads, a note.
    func activity(_ world: TestWorld) async throws -> Patient {
        let ana = try await world.person("ana@clinic.example")
        let patient = try await world.patient(registeredBy: ana)
        try await world.addToTeam(patient, try await world.person("bo@clinic.example"), as: .caseManager, by: ana)
        for _ in 1...3 { _ = try await world.patientService.record(patient.requireID(), by: world.caller(ana)) }
        _ = try await world.patientService.addNote(to: patient.requireID(), kind: "team", body: "Seen.", by: world.caller(ana))
        return patient
    }

    @Test func chainOfRealActivityVerifies() async throws {
        try await withApp { world in
            let patient = try await activity(world)
            let actions = try await world.auditEntries(for: patient).map(\.action)
            #expect(actions == ["patient.create", "care-team.add", "patient.read", "patient.read", "patient.read", "note.create"])
            #expect(try await AuditLog.verify(on: world.database.db()) == .intact(entries: 6))
        }
    }

    @Test func theDatabaseRefusesToEditOrDeleteHistory() async throws {
        try await withApp { world in
            _ = try await activity(world)
            let sql = world.database.sql()
            await #expect(throws: (any Error).self) { try await sql.raw("UPDATE audit_entries SET purpose = 'nothing to see' WHERE sequence = 2").run() }
            await #expect(throws: (any Error).self) { try await sql.raw("DELETE FROM audit_entries WHERE sequence = 2").run() }
            #expect(try await AuditLog.verify(on: world.database.db()) == .intact(entries: 6))
        }
    }

    @Test func editBehindTheApplicationsBackIsCaughtAtTheRightEntry() async throws {
        try await withApp { world in
            _ = try await activity(world)
            let sql = world.database.sql()
            // Someone with database superpowers disables the guard and rewrites an entry.
            if sql.dialect.name == "postgresql" {
                try await sql.raw("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_update").run()
            } else {
                try await sql.raw("DROP TRIGGER audit_entries_no_update").run()
            }
            try await sql.raw("UPDATE audit_entries SET purpose = 'nothing to see' WHERE sequence = 4").run()
            let verdict = try await AuditLog.verify(on: world.database.db(), batchSize: 2)
            #expect(verdict == .broken(sequence: 4, reason: "its content does not match its hash (the entry was changed)"))
        }
    }

    @Test func removedEntryIsCaught() async throws {
        try await withApp { world in
            _ = try await activity(world)
            let sql = world.database.sql()
            if sql.dialect.name == "postgresql" {
                try await sql.raw("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_update").run()
            } else {
                try await sql.raw("DROP TRIGGER audit_entries_no_delete").run()
            }
            try await sql.raw("DELETE FROM audit_entries WHERE sequence = 3").run()
            guard case .broken(let sequence, _) = try await AuditLog.verify(on: world.database.db()) else {
                Issue.record("removal not detected")
                return
            }
            #expect(sequence == 4)
        }
    }

    /// Several app servers (separate connection pools) appending at once still make one unbroken chain.
    @Test func concurrentWritersFromSeveralServersKeepTheChainIntact() async throws {
        try await withApp { world in
            let location = world.database.location
            // On PostgreSQL each writer is its own pool, as separate app servers would be; SQLite has one writer.
            let extraPools = location.isPostgres ? try (0..<4).map { _ in try LiaisonDatabase(location: location, logger: TestDatabase.logger) } : []
            let servers = extraPools.isEmpty ? [world.database] : extraPools
            let perServer = 25
            do {
                try await Self.appendConcurrently(perServer: perServer, servers: servers, at: world.clock.now())
            } catch {
                for pool in extraPools { await pool.shutdown() }
                throw error
            }
            for pool in extraPools { await pool.shutdown() }
            #expect(try await AuditLog.verify(on: world.database.db()) == .intact(entries: servers.count * perServer))
        }
    }

    /// Each server appends from two concurrent request handlers, all servers at once.
    static func appendConcurrently(perServer: Int, servers: [LiaisonDatabase], at moment: Date) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, server) in servers.enumerated() {
                for handler in 0..<2 {
                    group.addTask {
                        for n in stride(from: handler, to: perServer, by: 2) {
                            try await server.db().transaction { db in
                                try await AuditLog.append(
                                    .init(actorID: nil, action: "test.write", patientID: nil, subject: "server-\(index)-\(n)", purpose: "test", requestID: "r"),
                                    at: moment, on: db)
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

@Suite struct AuditTailTests {
    func activity(_ world: TestWorld) async throws {
        let ana = try await world.person("ana@clinic.example")
        let patient = try await world.patient(registeredBy: ana)
        for _ in 0..<3 { _ = try await world.patientService.record(patient.requireID(), by: world.caller(ana)) }
    }

    @Test func entriesCutFromTheEndOfTheLogAreReportedBySequence() async throws {
        try await withApp { world in
            try await activity(world)
            let sql = world.database.sql()
            if sql.dialect.name == "postgresql" {
                try await sql.raw("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_update").run()
            } else {
                try await sql.raw("DROP TRIGGER audit_entries_no_delete").run()
            }
            try await sql.raw("DELETE FROM audit_entries WHERE sequence >= 3").run()
            #expect(try await AuditLog.verify(on: world.database.db()) == .broken(sequence: 3, reason: "entries 3 to 4 are missing from the end of the log"))
        }
    }

    @Test func truncatingTheLogIsRefused() async throws {
        try await withApp { world in
            try await activity(world)
            let sql = world.database.sql()
            // PostgreSQL's TRUNCATE skips row triggers; SQLite has no TRUNCATE, and DELETE is refused row by row.
            let statement = sql.dialect.name == "postgresql" ? "TRUNCATE audit_entries" : "DELETE FROM audit_entries"
            await #expect(throws: (any Error).self) { try await sql.raw(SQLQueryString(statement)).run() }
            #expect(try await AuditLog.verify(on: world.database.db()) == .intact(entries: 4))
        }
    }
}

@Suite struct AuditKeyTests {
    @Test func withAKeyConfiguredEveryEntryTheServerWritesIsSealed() async throws {
        let key = try #require(AuditKey("an audit key the operator keeps elsewhere"))
        try await withApp(configure: { $0.auditKey = key }) { world in
            let ana = try await world.person("ana@clinic.example")
            let api = try await world.apiToken(for: ana)
            let created = try await api.call(.post, APIURL.patients.path, json: #"{"givenName":"Sam","familyName":"Rivera","dateOfBirth":"1984-03-27","role":"therapist"}"#)
            #expect(created.status == .created)
            let entries = try await AuditEntry.query(on: world.database.db()).all()
            #expect(!entries.isEmpty && entries.allSatisfy { $0.seal == key.seal($0.hash) })
            #expect(try await AuditLog.verify(on: world.database.db(), key: key) == .intact(entries: entries.count))
        }
        #expect(throws: ConfigurationError.self) { try LiaisonConfiguration.fromEnvironment(["LIAISON_AUDIT_KEY": "too short"]) }
    }
}

@Suite struct AccessLogCaseTests {
    @Test func anIdWrittenInCapitalsStillLandsInThePatientsAccessLog() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example", name: "Ana Silva")
            let patient = try await world.patient(registeredBy: ana)
            let api = try await world.apiToken(for: ana)
            let upper = patient.id!.uuidString.uppercased(), lower = patient.id!.uuidString.lowercased()
            #expect(try await api.call(.get, "/api/v1/patients/\(upper)").status == .ok)
            #expect(try await api.call(.get, "/api/v1/patients/\(lower)").status == .ok)
            let log = try await api.call(.get, "/api/v1/patients/\(lower)/access-log").json()["entries"] as? [[String: Any]]
            #expect(log?.filter { $0["action"] as? String == "viewed the record" }.count == 2)
        }
    }
}
