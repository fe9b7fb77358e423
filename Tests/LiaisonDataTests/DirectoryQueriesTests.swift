import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Testing

@Suite struct DirectoryQueriesTests {
    /// Three clinicians: a psychiatrist with openings, a psychologist who is full, and one unlisted.
    private func directory(_ records: Records) async throws -> (okafor: UserAccount, lind: UserAccount, hidden: UserAccount) {
        let clinic = try await records.organisation()
        let okafor = try await records.person("okafor@clinic.example", name: "Dr Okafor", in: clinic)
        let lind = try await records.person("lind@clinic.example", name: "Dr Lind")
        let hidden = try await records.person("hidden@clinic.example", name: "Dr Hidden")
        _ = try await records.profile(for: okafor, ClinicianProfile(
            displayName: "Dr Okafor", discipline: .psychiatrist, openings: [.medicationManagement: 2], languages: ["English", "Spanish"],
            intake: .init(acceptingNewPatients: true, transfers: .accepts, prioritisesPatientsWithoutPsychiatrist: false)))
        _ = try await records.profile(for: lind, ClinicianProfile(displayName: "Dr Lind", discipline: .psychologist, openings: [.psychotherapy: 0]))
        _ = try await records.profile(for: hidden, ClinicianProfile(displayName: "Dr Hidden", discipline: .psychiatrist, listedInDirectory: false))
        return (okafor, lind, hidden)
    }

    @Test func searchListsThoseWhoCanTakeSomeoneFirstAndHidesTheUnlisted() async throws {
        try await withRecords { records in
            let cast = try await directory(records)
            let all = try await DirectoryQueries.search(DirectoryFilter(), on: records.db)
            #expect(all.total == 2)
            let listing = try await DirectoryQueries.listing(profileIDs: all.profileIDs, on: records.db)
            #expect(listing.map(\.user.id) == [cast.okafor.id, cast.lind.id])
            #expect(listing.first?.organisations == ["Riverside Clinic"])
            #expect(listing.first?.openings.map(\.openings) == [2])
        }
    }

    @Test func filtersAreBoundAndMatchLiterally() async throws {
        try await withRecords { records in
            let cast = try await directory(records)
            let spanish = try await DirectoryQueries.search(try DirectoryFilter.parse(["language": "spanish"]), on: records.db)
            #expect(spanish.total == 1)
            #expect(try await DirectoryQueries.listing(profileIDs: spanish.profileIDs, on: records.db).map(\.user.id) == [cast.okafor.id])
            #expect(try await DirectoryQueries.search(try DirectoryFilter.parse(["openings": "true"]), on: records.db).total == 1)
            #expect(try await DirectoryQueries.search(try DirectoryFilter.parse(["q": "%"]), on: records.db).total == 2)
            #expect(try await DirectoryQueries.search(try DirectoryFilter.parse(["q": "' OR 1=1 --"]), on: records.db).total == 0)
            #expect(try await DirectoryQueries.search(try DirectoryFilter.parse(["discipline": "psychologist"]), on: records.db).total == 1)
        }
    }

    @Test func aConsultantForSecondOpinionsOnlyIsNotListedAsTakingNewPatientsAndTheIntakeFilterFindsThem() async throws {
        try await withRecords { records in
            let cast = try await directory(records)
            let consultant = try await records.person("feld@clinic.example", name: "Dr Feld")
            let profile = ClinicianProfile(
                displayName: "Dr Feld", discipline: .psychiatrist, openings: [.secondOpinion: 3],
                intake: .init(acceptingNewPatients: true, transfers: .secondOpinionsOnly, prioritisesPatientsWithoutPsychiatrist: true))
            #expect(!profile.takesNewPatientsNow && profile.secondOpinionOpenings == 3)
            _ = try await records.profile(for: consultant, profile)
            func found(_ query: [String: String]) async throws -> [UUID?] {
                let result = try await DirectoryQueries.search(try DirectoryFilter.parse(query), on: records.db)
                return try await DirectoryQueries.listing(profileIDs: result.profileIDs, on: records.db).map(\.user.id)
            }
            #expect(try await found(["openings": "true"]) == [cast.okafor.id], "openings for second opinions are not places for a new patient")
            #expect(try await found(["openings": "true", "service": "second-opinion"]) == [consultant.id])
            #expect(try await found(["intake": "second-opinions"]) == [consultant.id])
            let transfers = try await found(["intake": "accepts-transfers"])
            #expect(transfers.contains(cast.okafor.id) && !transfers.contains(consultant.id))
            #expect(try await found(["intake": "priority-without-psychiatrist"]) == [consultant.id])
            #expect(throws: ValidationErrors.self) { try DirectoryFilter.parse(["intake": "anyone"]) }
        }
    }

    @Test func aProfileIsFoundByItsPerson() async throws {
        try await withRecords { records in
            let cast = try await directory(records)
            #expect(try await DirectoryQueries.profile(ofUser: cast.hidden.id!, on: records.db)?.listed == false)
            #expect(try await DirectoryQueries.profile(ofUser: UUID(), on: records.db) == nil)
            #expect(try await DirectoryQueries.listing(profileIDs: [], on: records.db).isEmpty)
        }
    }
}
