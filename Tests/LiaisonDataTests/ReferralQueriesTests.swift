import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Testing

@Suite struct WorklistQueriesTests {
    private let hour: TimeInterval = 3600

    @Test func owedListsOverdueFirstThenByDueAndCountsWhatItDoesNotShow() async throws {
        try await withRecords { records in
            let clinic = try await records.organisation()
            let referrer = try await records.person("gp@clinic.example", name: "Dr GP")
            let ana = try await records.person("ana@clinic.example", name: "Ana", in: clinic)
            let patient = try await records.patient(registeredBy: referrer)
            let now = Records.now
            let later = try await records.referral(patient, from: referrer, to: ana, due: now.addingTimeInterval(48 * hour))
            let overdue = try await records.referral(patient, from: referrer, to: ana, state: .received, due: now.addingTimeInterval(-hour))
            let intake = try await records.referral(patient, from: referrer, to: nil, intake: clinic, due: now.addingTimeInterval(2 * hour))
            let closing = try await records.referral(
                patient, from: referrer, to: ana, state: .inCare, due: now.addingTimeInterval(-100 * hour), closingDue: now.addingTimeInterval(hour),
                discharged: now)
            // In care, not discharged: the closing summary is owed, with no date yet (listed last).
            let inCare = try await records.referral(patient, from: referrer, to: ana, state: .inCare, due: now)
            _ = try await records.referral(patient, from: referrer, to: ana, state: .closed, due: now)

            let page = try await WorklistQueries.owed(by: ana.id!, organisations: [clinic.id!], at: now, limit: 3, on: records.db)
            #expect(page.rows.map(\.id) == [overdue.id, closing.id, intake.id])
            #expect(page.total == 5)
            #expect(page.overdue == 1)
            let line = try #require(page.rows.first)
            #expect(line.givenName == "Sam" && line.familyName == "Rivera" && line.referrerName == "Dr GP" && line.recipientName == "Ana")
            #expect(line.due == now.addingTimeInterval(-hour))
            #expect(try await WorklistQueries.owed(by: ana.id!, organisations: [], at: now, limit: 50, on: records.db).rows.map(\.id).contains(intake.id!) == false)
            let all = try await WorklistQueries.owed(by: ana.id!, organisations: [clinic.id!], at: now, limit: 50, on: records.db).rows.map(\.id)
            #expect(all.suffix(2) == [later.id, inCare.id])
        }
    }

    @Test func waitingListsTheReferrersOpenLoopsWithDraftsLast() async throws {
        try await withRecords { records in
            let clinic = try await records.organisation()
            let referrer = try await records.person("gp@clinic.example")
            let ana = try await records.person("ana@clinic.example")
            let patient = try await records.patient(registeredBy: referrer)
            let draft = try await records.referral(patient, from: referrer, to: ana, state: .draft)
            let sent = try await records.referral(patient, from: referrer, to: nil, intake: clinic, due: Records.now.addingTimeInterval(hour))
            _ = try await records.referral(patient, from: referrer, to: ana, state: .declined)
            let page = try await WorklistQueries.waiting(by: referrer.id!, at: Records.now, limit: 50, on: records.db)
            #expect(page.rows.map(\.id) == [sent.id, draft.id])
            #expect(page.rows.first?.organisationName == "Riverside Clinic")
            #expect(page.rows.first?.timeZone == "America/New_York")
            #expect(page.rows.last?.due == nil)
            #expect(page.total == 2 && page.overdue == 0)
        }
    }

    @Test func overdueForAnOrganisationIsOnlyItsUnacknowledgedPastDue() async throws {
        try await withRecords { records in
            let clinic = try await records.organisation(), other = try await records.organisation("Harbour Health")
            let referrer = try await records.person("gp@clinic.example")
            let patient = try await records.patient(registeredBy: referrer)
            let late = try await records.referral(patient, from: referrer, to: nil, intake: clinic, due: Records.now.addingTimeInterval(-hour))
            _ = try await records.referral(patient, from: referrer, to: nil, intake: clinic, due: Records.now.addingTimeInterval(hour))
            _ = try await records.referral(patient, from: referrer, to: nil, intake: clinic, state: .accepted, due: Records.now.addingTimeInterval(-hour))
            _ = try await records.referral(patient, from: referrer, to: nil, intake: other, due: Records.now.addingTimeInterval(-hour))
            let page = try await WorklistQueries.overdue(for: clinic.id!, at: Records.now, limit: 50, on: records.db)
            #expect(page.rows.map(\.id) == [late.id])
            #expect(page.total == 1 && page.overdue == 1)
        }
    }
}

@Suite struct SweepQueriesTests {
    @Test func expiryIsClaimedOnceAndOnlyWhileStillOpen() async throws {
        try await withRecords { records in
            let referrer = try await records.person("gp@clinic.example", name: "Dr GP")
            let ana = try await records.person("ana@clinic.example")
            let patient = try await records.patient(registeredBy: referrer)
            let stale = try await records.referral(patient, from: referrer, to: ana, expires: Records.now.addingTimeInterval(-1))
            _ = try await records.referral(patient, from: referrer, to: ana, expires: Records.now.addingTimeInterval(60))
            _ = try await records.referral(patient, from: referrer, to: ana, state: .closed, expires: Records.now.addingTimeInterval(-1))
            let found = try await SweepQueries.expiryCandidates(at: Records.now, limit: 10, on: records.db)
            #expect(found.map(\.id) == [stale.id])
            #expect(found.first?.patientName == "Sam Rivera")
            #expect(found.first?.referrerName == "Dr GP")
            #expect(try await SweepQueries.expire(found.map(\.id), reason: "No answer.", at: Records.now, on: records.db) == [stale.id!])
            #expect(try await SweepQueries.expire(found.map(\.id), reason: "No answer.", at: Records.now, on: records.db).isEmpty)
            let expired = try #require(try await Referral.find(stale.id, on: records.db))
            #expect(expired.state == ReferralState.expired.rawValue && expired.endedReason == "No answer.")
            #expect(try await SweepQueries.expire([], reason: "", at: Records.now, on: records.db).isEmpty)
        }
    }

    @Test func eachReminderIsFoundUntilClaimedAndClaimedOnce() async throws {
        try await withRecords { records in
            let referrer = try await records.person("gp@clinic.example")
            let ana = try await records.person("ana@clinic.example")
            let patient = try await records.patient(registeredBy: referrer)
            let now = Records.now
            let soon = try await records.referral(patient, from: referrer, to: ana, due: now.addingTimeInterval(3600))
            let late = try await records.referral(patient, from: referrer, to: ana, due: now.addingTimeInterval(-60), escalate: now.addingTimeInterval(-1))
            let closing = try await records.referral(patient, from: referrer, to: ana, state: .inCare, closingDue: now.addingTimeInterval(-1))
            func found(_ kind: ReminderKind) async throws -> [UUID] {
                try await SweepQueries.reminderCandidates(kind, at: now, lead: 86400, limit: 10, on: records.db).map(\.id)
            }
            #expect(try await found(.dueSoon) == [soon.id!])
            #expect(try await found(.overdue) == [late.id!])
            #expect(try await found(.escalated) == [late.id!])
            #expect(try await found(.closingOverdue) == [closing.id!])
            #expect(try await SweepQueries.claimReminders(.overdue, for: [late.id!], at: now, on: records.db) == [late.id!])
            #expect(try await SweepQueries.claimReminders(.overdue, for: [late.id!], at: now, on: records.db).isEmpty)
            #expect(try await found(.overdue).isEmpty)
            #expect(try await found(.escalated) == [late.id!])
        }
    }
}

@Suite struct LockQueriesTests {
    @Test func aReferralIsLockedWithItsOrganisationAndATeamByItsPatient() async throws {
        try await withRecords { records in
            let clinic = try await records.organisation()
            let referrer = try await records.person("gp@clinic.example")
            let patient = try await records.patient(registeredBy: referrer)
            let referral = try await records.referral(patient, from: referrer, to: nil, intake: clinic)
            let direct = try await records.referral(patient, from: referrer, to: referrer)
            try await records.database.write { db in
                let locked = try #require(try await ReferralQueries.lockForChange(referral.id!, on: db))
                #expect(locked.recipientOrganisation?.name == "Riverside Clinic")
                #expect(try await ReferralQueries.lockForChange(direct.id!, on: db)?.recipientOrganisation == nil)
                #expect(try await ReferralQueries.lockForChange(UUID(), on: db) == nil)
                try await PatientQueries.lockTeam(of: patient.id!, on: db)
            }
        }
    }
}
