import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Testing

@Suite struct WaitlistQueriesTests {
    static func psychiatrist(_ records: Records, openings: Int, in organisation: Organisation? = nil) async throws -> UserAccount {
        let user = try await records.person("dr\(UUID().uuidString.prefix(6))@clinic.example", name: "Dr. P", in: organisation)
        _ = try await records.profile(for: user, ClinicianProfile(
            displayName: "Dr. P", discipline: .psychiatrist, openings: [.medicationManagement: openings],
            intake: .init(acceptingNewPatients: openings > 0, transfers: .accepts, prioritisesPatientsWithoutPsychiatrist: false)))
        return user
    }

    static func entry(_ records: Records, _ patient: Patient, clinician: UserAccount?, organisation: Organisation? = nil, by user: UserAccount) async throws -> UUID {
        let entry = WaitlistEntry(
            patientID: patient.id!, clinicianID: clinician?.id, organisationID: organisation?.id, service: "medication-management", urgency: "routine",
            requestedBy: user.id!, addedAt: Records.now)
        try await entry.create(on: records.db)
        return entry.id!
    }

    @Test func anOpeningIsTakenOnceAndNeverBelowZeroAndComesBackOnceWhenCareEnds() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example")
            let patient = try await records.patient(registeredBy: ana)
            let doctor = try await Self.psychiatrist(records, openings: 1)
            #expect(try await WaitlistQueries.claimOpening(clinician: doctor.id!, service: "medication-management", on: records.db))
            #expect(try await WaitlistQueries.claimOpening(clinician: doctor.id!, service: "medication-management", on: records.db) == false)
            #expect(try await WaitlistQueries.lockOpenings(clinician: doctor.id!, service: "medication-management", on: records.db) == 0)
            let id = try await Self.entry(records, patient, clinician: doctor, by: ana)
            #expect(try await WaitlistQueries.move(id, from: [.waiting], to: .offered, at: Records.now, offerExpiresAt: Records.now, on: records.db))
            #expect(try await WaitlistQueries.move(id, from: [.offered], to: .accepted, at: Records.now, on: records.db))
            #expect(try await WaitlistQueries.move(id, from: [.offered], to: .declined, at: Records.now, on: records.db) == false)
            try await WaitlistQueries.returnOpenings(patient: patient.id!, clinician: doctor.id!, at: Records.now, on: records.db)
            try await WaitlistQueries.returnOpenings(patient: patient.id!, clinician: doctor.id!, at: Records.now, on: records.db)
            #expect(try await WaitlistQueries.lockOpenings(clinician: doctor.id!, service: "medication-management", on: records.db) == 1)
            #expect(try await WaitlistQueries.accepted(clinician: doctor.id!, organisation: nil, service: "medication-management", since: Records.now, on: records.db) == 1)
        }
    }

    @Test func anIntakeEntryWaitsForAnyMemberTakesTheOffererAndWaitsForAnyoneAgain() async throws {
        try await withRecords { records in
            let clinic = try await records.organisation()
            let ana = try await records.person("ana@clinic.example")
            let patient = try await records.patient(registeredBy: ana)
            let member = try await Self.psychiatrist(records, openings: 1, in: clinic)
            let outsider = try await Self.psychiatrist(records, openings: 1)
            let id = try await Self.entry(records, patient, clinician: nil, organisation: clinic, by: ana)
            #expect(try await WaitlistQueries.queue(of: member.id!, service: "medication-management", at: Records.now, on: records.db).map(\.id) == [id])
            #expect(try await WaitlistQueries.queue(of: outsider.id!, service: "medication-management", at: Records.now, on: records.db).isEmpty)
            #expect(try await WaitlistQueries.listsWithRoom(on: records.db).map(\.clinicianID) == [member.id!])
            let row = try #require(try await WaitlistQueries.entry(id, at: Records.now, on: records.db))
            #expect(row.listName == "Riverside Clinic intake")
            #expect(row.clinicianID == nil && row.patientHasPsychiatrist == false)

            #expect(try await WaitlistQueries.move(id, from: [.waiting], to: .offered, at: Records.now, offerExpiresAt: Records.now, assignTo: member.id!, on: records.db))
            #expect(try await WaitlistQueries.entry(id, at: Records.now, on: records.db)?.clinicianID == member.id)
            // The offer held, the member has no room left.
            #expect(try await WaitlistQueries.listsWithRoom(on: records.db).isEmpty)
            #expect(try await WaitlistQueries.lapsedOffers(at: Records.now, on: records.db).map(\.id) == [id])
            #expect(try await WaitlistQueries.move(id, from: [.offered], to: .expired, at: Records.now, reason: "offer lapsed", on: records.db))
            #expect(try await WaitlistQueries.move(id, from: [.expired], to: .waiting, at: Records.now, on: records.db))
            let back = try #require(try await WaitlistQueries.entry(id, at: Records.now, on: records.db))
            #expect(back.clinicianID == nil && back.status == "waiting" && back.addedAt == Records.now)
            #expect(try await WaitlistQueries.openEntries(ofOrganisation: clinic.id!, at: Records.now, on: records.db).map(\.id) == [id])
        }
    }

    @Test func onePatientIsOnAListOnceAtATime() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example")
            let patient = try await records.patient(registeredBy: ana)
            let doctor = try await Self.psychiatrist(records, openings: 0)
            let first = try await Self.entry(records, patient, clinician: doctor, by: ana)
            await #expect(throws: (any Error).self) { _ = try await Self.entry(records, patient, clinician: doctor, by: ana) }
            _ = try await WaitlistQueries.move(first, from: [.waiting], to: .removed, at: Records.now, reason: "moved away", on: records.db)
            _ = try await Self.entry(records, patient, clinician: doctor, by: ana)
        }
    }
}

@Suite struct MatchingQueriesTests {
    @Test func candidatesOfferTheServiceAreListedAndCountOnlyOpeningsNotHeld() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example")
            let patient = try await records.patient(registeredBy: ana)
            let doctor = try await WaitlistQueriesTests.psychiatrist(records, openings: 2)
            let therapist = try await records.person("t@clinic.example")
            _ = try await records.profile(for: therapist, ClinicianProfile(displayName: "T", discipline: .psychologist, openings: [.psychotherapy: 1]))
            var found = try await MatchingQueries.candidates(offering: .medicationManagement, except: ana.id!, on: records.db)
            #expect(found.map(\.userID) == [doctor.id!])
            #expect(found.first?.openings == 2)
            let id = try await WaitlistQueriesTests.entry(records, patient, clinician: doctor, by: ana)
            _ = try await WaitlistQueries.move(id, from: [.waiting], to: .offered, at: Records.now, offerExpiresAt: Records.now, on: records.db)
            found = try await MatchingQueries.candidates(offering: .medicationManagement, except: ana.id!, on: records.db)
            #expect(found.first?.openings == 1)
            #expect(try await MatchingQueries.candidates(offering: .medicationManagement, except: doctor.id!, on: records.db).isEmpty)
        }
    }
}

@Suite struct NotificationOpeningTests {
    @Test func openingANoticeMarksItReadOnceAndOnlyForItsOwner() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example")
            let bo = try await records.person("bo@clinic.example")
            try await NotificationQueries.insert([.init(userID: ana.id!, patientID: nil, kind: "k", message: "m", link: "/patients")], at: Records.now, on: records.db)
            let id = try #require(try await NotificationQueries.recent(for: ana.id!, limit: 1, on: records.db).first?.id)
            #expect(try await NotificationQueries.open(id, for: bo.id!, at: Records.now, on: records.db) == nil)
            #expect(try await NotificationQueries.open(id, for: ana.id!, at: Records.now, on: records.db) == "/patients")
            _ = try await NotificationQueries.open(id, for: ana.id!, at: Records.now.addingTimeInterval(60), on: records.db)
            #expect(try await NotificationQueries.recent(for: ana.id!, limit: 1, on: records.db).first?.readAt == Records.now)
        }
    }
}
