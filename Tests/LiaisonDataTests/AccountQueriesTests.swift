import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Testing

@Suite struct AccountQueriesTests {
    @Test func aLiveSessionFindsItsPersonWithOrganisationsAndUnreadCount() async throws {
        try await withRecords { records in
            let clinic = try await records.organisation()
            let ana = try await records.person("ana@clinic.example", name: "Ana", in: clinic, role: .administrator)
            let session = SessionRecord(tokenHash: "digest-1", userID: ana.id!, createdAt: Records.now, expiresAt: Records.now.addingTimeInterval(3600))
            try await session.create(on: records.db)
            try await NotificationQueries.insert(
                [.init(userID: ana.id!, patientID: nil, kind: "referral.new", message: "m", link: "/")], at: Records.now, on: records.db)

            let row = try #require(try await AccountQueries.person(sessionDigest: "digest-1", at: Records.now, on: records.db))
            #expect(row.userID == ana.id)
            #expect(row.credentialID == session.id)
            #expect(row.displayName == "Ana")
            #expect(row.isSystemAdmin == false)
            #expect(row.kind == UserAccount.clinicianKind)
            #expect(row.unread == 1)
            let links = try await AccountQueries.organisations(of: ana.id!, on: records.db)
            #expect(links.map(\.organisationID) == [clinic.id!])
            #expect(links.map(\.name) == ["Riverside Clinic"])
            #expect(links.map(\.role) == ["administrator"])
        }
    }

    @Test func anExpiredSessionOrUnknownDigestFindsNobody() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example")
            try await SessionRecord(tokenHash: "digest-1", userID: ana.id!, createdAt: Records.now, expiresAt: Records.now).create(on: records.db)
            #expect(try await AccountQueries.person(sessionDigest: "digest-1", at: Records.now, on: records.db) == nil)
            #expect(try await AccountQueries.person(sessionDigest: "other", at: Records.now.addingTimeInterval(-60), on: records.db) == nil)
        }
    }

    @Test func aRevokedTokenFindsNobodyAndUseIsRecorded() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example")
            let token = APIToken(userID: ana.id!, name: "script", tokenHash: "t-1", prefix: "lsn_", createdAt: Records.now)
            try await token.create(on: records.db)
            let found = try #require(try await AccountQueries.person(apiTokenDigest: "t-1", on: records.db))
            #expect(found.credentialID == token.id)
            #expect(found.lastUsedAt == nil)
            try await AccountQueries.touch(apiToken: token.id!, at: Records.now, on: records.db)
            #expect(try await AccountQueries.person(apiTokenDigest: "t-1", on: records.db)?.lastUsedAt == Records.now)
            token.revokedAt = Records.now
            try await token.save(on: records.db)
            #expect(try await AccountQueries.person(apiTokenDigest: "t-1", on: records.db) == nil)
        }
    }

    @Test func personByIDAndUsersByID() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example", kind: UserAccount.patientKind)
            let bo = try await records.person("bo@clinic.example")
            let row = try #require(try await AccountQueries.person(id: ana.id!, on: records.db))
            #expect(row.credentialID == nil)
            #expect(row.kind == UserAccount.patientKind)
            let users = try await AccountQueries.users([ana.id!, bo.id!, ana.id!, UUID()], on: records.db)
            #expect(Set(users.keys) == [ana.id!, bo.id!])
            #expect(try await records.database.hasNoAccounts() == false)
        }
    }
}

@Suite struct NotificationAndOutboxQueriesTests {
    @Test func noticesListNewestFirstAndAreAllMarkedRead() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example"), bo = try await records.person("bo@clinic.example")
            try await NotificationQueries.insert(
                [.init(userID: ana.id!, patientID: nil, kind: "a", message: "first", link: "/1")], at: Records.now, on: records.db)
            try await NotificationQueries.insert(
                [.init(userID: ana.id!, patientID: nil, kind: "b", message: "second", link: "/2"),
                 .init(userID: bo.id!, patientID: nil, kind: "b", message: "bo's", link: "/3")],
                at: Records.now.addingTimeInterval(60), on: records.db)
            let recent = try await NotificationQueries.recent(for: ana.id!, limit: 10, on: records.db)
            #expect(recent.map(\.message) == ["second", "first"])
            #expect(recent.allSatisfy { $0.readAt == nil })
            #expect(try await NotificationQueries.recent(for: ana.id!, limit: 1, on: records.db).count == 1)
            #expect(try await NotificationQueries.markAllRead(for: ana.id!, at: Records.now, on: records.db) == 2)
            #expect(try await NotificationQueries.markAllRead(for: ana.id!, at: Records.now, on: records.db) == 0)
            #expect(try await NotificationQueries.recent(for: bo.id!, limit: 10, on: records.db).first?.readAt == nil)
        }
    }

    @Test func emailsAreQueuedWithNoAttemptsYet() async throws {
        try await withRecords { records in
            try await OutboxQueries.enqueue(
                [.init(to: "a@example.org", subject: "S", body: "B"), .init(to: "b@example.org", subject: "S2", body: "B2")], at: Records.now, on: records.db)
            let queued = try await OutboxMessage.query(on: records.db).sort(\.$recipient).all()
            #expect(queued.map(\.recipient) == ["a@example.org", "b@example.org"])
            #expect(queued.allSatisfy { $0.attempts == 0 && $0.channel == "email" })
        }
    }
}

@Suite struct InstallationQueriesTests {
    @Test func eachInstallationHasAFormsKeyOfItsOwn() async throws {
        var keys: [String] = []
        for _ in 0..<2 {
            try await withRecords { records in keys.append(try await InstallationQueries.formsKey(on: records.db)) }
        }
        #expect(keys.allSatisfy { $0.count == 64 })
        #expect(keys[0] != keys[1])
    }
}
