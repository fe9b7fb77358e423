import FluentKit
import Foundation
import LiaisonData
import Testing

@Suite struct SignInQueriesTests {
    @Test func triesAreCountedUntilTheLimitLocksAndAnExpiredLockStartsAgain() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example")
            let now = Records.now, until = Records.now.addingTimeInterval(900)
            var numbers: [Int?] = []
            for _ in 0..<6 { numbers.append(try await SignInQueries.claimTry(for: ana.id!, limit: 5, lockUntil: until, at: now, on: records.db)) }
            #expect(numbers == [1, 2, 3, 4, 5, nil])
            #expect(try await UserAccount.find(ana.id, on: records.db)?.lockedUntil == until)
            #expect(try await SignInQueries.claimTry(for: ana.id!, limit: 5, lockUntil: until, at: until.addingTimeInterval(-1), on: records.db) == nil)
            let later = until.addingTimeInterval(1)
            #expect(try await SignInQueries.claimTry(for: ana.id!, limit: 5, lockUntil: later.addingTimeInterval(900), at: later, on: records.db) == 1)
            #expect(try await UserAccount.find(ana.id, on: records.db)?.lockedUntil == nil)
            try await SignInQueries.clearTries(for: ana.id!, on: records.db)
            #expect(try await UserAccount.find(ana.id, on: records.db)?.failedSignIns == 0)
        }
    }

    @Test func aResetLinkIsUsedOnceAndNotAfterItExpires() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example")
            try await PasswordReset(userID: ana.id!, tokenHash: "r-1", createdAt: Records.now, expiresAt: Records.now.addingTimeInterval(3600)).create(on: records.db)
            try await PasswordReset(userID: ana.id!, tokenHash: "r-2", createdAt: Records.now, expiresAt: Records.now).create(on: records.db)
            #expect(try await SignInQueries.consumeReset(tokenDigest: "r-1", at: Records.now, on: records.db) == ana.id)
            #expect(try await SignInQueries.consumeReset(tokenDigest: "r-1", at: Records.now, on: records.db) == nil)
            #expect(try await SignInQueries.consumeReset(tokenDigest: "r-2", at: Records.now, on: records.db) == nil)
            #expect(try await SignInQueries.consumeReset(tokenDigest: "unknown", at: Records.now, on: records.db) == nil)
        }
    }

    @Test func olderResetLinksAreVoidedAndTokensRevoked() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example"), bo = try await records.person("bo@clinic.example")
            try await PasswordReset(userID: ana.id!, tokenHash: "old", createdAt: Records.now, expiresAt: Records.now.addingTimeInterval(3600)).create(on: records.db)
            try await PasswordReset(userID: bo.id!, tokenHash: "bo's", createdAt: Records.now, expiresAt: Records.now.addingTimeInterval(3600)).create(on: records.db)
            try await SignInQueries.voidResets(of: ana.id!, at: Records.now, on: records.db)
            #expect(try await SignInQueries.consumeReset(tokenDigest: "old", at: Records.now, on: records.db) == nil)
            #expect(try await SignInQueries.consumeReset(tokenDigest: "bo's", at: Records.now, on: records.db) == bo.id)

            try await APIToken(userID: ana.id!, name: "a", tokenHash: "t-a", prefix: "lsn_", createdAt: Records.now).create(on: records.db)
            try await APIToken(userID: bo.id!, name: "b", tokenHash: "t-b", prefix: "lsn_", createdAt: Records.now).create(on: records.db)
            try await SignInQueries.revokeTokens(of: ana.id!, at: Records.now, on: records.db)
            #expect(try await AccountQueries.person(apiTokenDigest: "t-a", on: records.db) == nil)
            #expect(try await AccountQueries.person(apiTokenDigest: "t-b", on: records.db)?.userID == bo.id)
        }
    }

    @Test func anInvitationIsAcceptedOnce() async throws {
        try await withRecords { records in
            let clinic = try await records.organisation()
            let ana = try await records.person("ana@clinic.example")
            let invitation = Invitation(
                email: "bo@clinic.example", displayName: "Bo", organisationID: clinic.id!, role: "clinician", tokenHash: "i-1", invitedBy: ana.id!,
                createdAt: Records.now, expiresAt: Records.now.addingTimeInterval(3600))
            try await invitation.create(on: records.db)
            #expect(try await SignInQueries.consumeInvitation(invitation.id!, at: Records.now, on: records.db))
            #expect(try await SignInQueries.consumeInvitation(invitation.id!, at: Records.now, on: records.db) == false)
        }
    }
}
