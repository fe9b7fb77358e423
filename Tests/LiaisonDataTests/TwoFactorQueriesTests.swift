import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Testing

@Suite struct TwoFactorQueriesTests {
    @Test func aSetUpIsConfirmedOnceAndThenCannotBeBegunAgain() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example")
            let first = try #require(try await TwoFactorQueries.begin(for: ana.id!, secret: "ONE", at: Records.now, on: records.db))
            // An unfinished set-up is replaced by a new one.
            let second = try #require(try await TwoFactorQueries.begin(for: ana.id!, secret: "TWO", at: Records.now, on: records.db))
            #expect(try await TwoFactorQueries.credential(of: ana.id!, on: records.db)?.secret == "TWO")
            #expect(try await TwoFactorQueries.confirm(first.id!, step: 7, at: Records.now, on: records.db) == false)
            #expect(try await TwoFactorQueries.confirm(second.id!, step: 7, at: Records.now, on: records.db))
            #expect(try await TwoFactorQueries.confirm(second.id!, step: 8, at: Records.now, on: records.db) == false)
            #expect(try await TwoFactorQueries.begin(for: ana.id!, secret: "THREE", at: Records.now, on: records.db) == nil)
            let credential = try #require(try await TwoFactorQueries.credential(of: ana.id!, on: records.db))
            #expect(credential.confirmedAt == Records.now)
            #expect(credential.lastUsedStep == 7)
        }
    }

    @Test func eachStepIsClaimedOnceAndNeverAnEarlierOne() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example")
            let credential = try #require(try await TwoFactorQueries.begin(for: ana.id!, secret: "S", at: Records.now, on: records.db))
            // Not before it is confirmed.
            #expect(try await TwoFactorQueries.claim(step: 100, of: ana.id!, on: records.db) == false)
            _ = try await TwoFactorQueries.confirm(credential.id!, step: 99, at: Records.now, on: records.db)
            #expect(try await TwoFactorQueries.claim(step: 100, of: ana.id!, on: records.db))
            #expect(try await TwoFactorQueries.claim(step: 100, of: ana.id!, on: records.db) == false)
            #expect(try await TwoFactorQueries.claim(step: 99, of: ana.id!, on: records.db) == false)
            #expect(try await TwoFactorQueries.claim(step: 101, of: ana.id!, on: records.db))
        }
    }

    @Test func recoveryCodesWorkOnceAndAreReplacedTogether() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example")
            let bo = try await records.person("bo@clinic.example")
            try await TwoFactorQueries.replaceRecoveryCodes(of: ana.id!, digests: ["a", "b"], on: records.db)
            #expect(try await TwoFactorQueries.unusedRecoveryCodes(of: ana.id!, on: records.db) == 2)
            #expect(try await TwoFactorQueries.useRecoveryCode(digest: "a", of: bo.id!, at: Records.now, on: records.db) == false)
            #expect(try await TwoFactorQueries.useRecoveryCode(digest: "a", of: ana.id!, at: Records.now, on: records.db))
            #expect(try await TwoFactorQueries.useRecoveryCode(digest: "a", of: ana.id!, at: Records.now, on: records.db) == false)
            #expect(try await TwoFactorQueries.unusedRecoveryCodes(of: ana.id!, on: records.db) == 1)
            try await TwoFactorQueries.replaceRecoveryCodes(of: ana.id!, digests: ["c"], on: records.db)
            #expect(try await TwoFactorQueries.useRecoveryCode(digest: "b", of: ana.id!, at: Records.now, on: records.db) == false)
            #expect(try await TwoFactorQueries.unusedRecoveryCodes(of: ana.id!, on: records.db) == 1)
            try await TwoFactorQueries.remove(for: ana.id!, on: records.db)
            #expect(try await TwoFactorQueries.unusedRecoveryCodes(of: ana.id!, on: records.db) == 0)
        }
    }

    @Test func aSignInWaitingForItsCodeSignsNobodyInAndFinishesOnce() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example")
            let later = Records.now.addingTimeInterval(600)
            try await SessionRecord(tokenHash: "pending", userID: ana.id!, createdAt: Records.now, expiresAt: later, awaitingCode: true).create(on: records.db)
            try await SessionRecord(tokenHash: "full", userID: ana.id!, createdAt: Records.now, expiresAt: later).create(on: records.db)
            #expect(try await AccountQueries.person(sessionDigest: "pending", at: Records.now, on: records.db) == nil)
            #expect(try await TwoFactorQueries.pendingSignIn(digest: "full", at: Records.now, on: records.db) == nil)
            #expect(try await TwoFactorQueries.pendingSignIn(digest: "pending", at: later, on: records.db) == nil)
            #expect(try await TwoFactorQueries.pendingSignIn(digest: "pending", at: Records.now, on: records.db) == ana.id)
            #expect(try await TwoFactorQueries.finishSignIn(digest: "pending", at: Records.now, on: records.db) == ana.id)
            #expect(try await TwoFactorQueries.finishSignIn(digest: "pending", at: Records.now, on: records.db) == nil)
            #expect(try await TwoFactorQueries.finishSignIn(digest: "full", at: Records.now, on: records.db) == nil)
        }
    }

    @Test func thePersonRowSaysWhetherTwoFactorIsOnAndWhetherAnOrganisationRequiresIt() async throws {
        try await withRecords { records in
            let clinic = try await records.organisation()
            let ana = try await records.person("ana@clinic.example", in: clinic)
            var row = try #require(try await AccountQueries.person(id: ana.id!, on: records.db))
            #expect(!row.twoFactorEnabled && !row.inOrganisationRequiringTwoFactor)
            clinic.requireTwoFactor = true
            try await clinic.save(on: records.db)
            let credential = try #require(try await TwoFactorQueries.begin(for: ana.id!, secret: "S", at: Records.now, on: records.db))
            row = try #require(try await AccountQueries.person(id: ana.id!, on: records.db))
            #expect(!row.twoFactorEnabled && row.inOrganisationRequiringTwoFactor)
            _ = try await TwoFactorQueries.confirm(credential.id!, step: 1, at: Records.now, on: records.db)
            row = try #require(try await AccountQueries.person(id: ana.id!, on: records.db))
            #expect(row.twoFactorEnabled)
        }
    }
}
