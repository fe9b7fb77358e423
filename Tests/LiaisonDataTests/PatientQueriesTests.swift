import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Testing

@Suite struct PatientQueriesTests {
    @Test func aPatientsRecordIsReadPieceByPiece() async throws {
        try await withRecords { records in
            let clinic = try await records.organisation()
            let ana = try await records.person("ana@clinic.example", name: "Ana", in: clinic)
            let bo = try await records.person("bo@clinic.example", name: "Bo")
            let patient = try await records.patient(registeredBy: ana)
            let other = try await records.patient("Lee", "Park", registeredBy: ana)
            let patientID = try patient.requireID()
            #expect(try await PatientQueries.patient(patientID, on: records.db)?.familyName == "Rivera")
            #expect(try await PatientQueries.patient(UUID(), on: records.db) == nil)

            for (index, body) in ["older", "newer"].enumerated() {
                try await Note(patientID: patientID, authorID: ana.id!, authorRole: "therapist", kind: "team", body: body, createdAt: Records.now.addingTimeInterval(Double(index)))
                    .create(on: records.db)
            }
            try await Note(patientID: other.id!, authorID: ana.id!, authorRole: "therapist", kind: "team", body: "not this one", createdAt: Records.now).create(on: records.db)
            let notes = try await PatientQueries.notes(of: patientID, on: records.db)
            #expect(notes.map(\.body) == ["newer", "older"])
            #expect(notes.first?.$author.value?.displayName == "Ana")
            #expect(try await PatientQueries.notes(of: patientID, limit: 1, on: records.db).count == 1)

            try await PatientEvent(patientID: patientID, actorID: ana.id, kind: "registered", summary: "first", createdAt: Records.now).create(on: records.db)
            try await PatientEvent(patientID: patientID, actorID: nil, kind: "team.joined", summary: "second", createdAt: Records.now.addingTimeInterval(5)).create(on: records.db)
            #expect(try await PatientQueries.events(of: patientID, on: records.db).map(\.summary) == ["second", "first"])

            try await PatientIdentifier(patientID: patientID, organisationID: clinic.id!, value: "MRN-7").create(on: records.db)
            let identifiers = try await PatientQueries.identifiers(of: patientID, on: records.db)
            #expect(identifiers.map(\.value) == ["MRN-7"])
            #expect(identifiers.first?.$organisation.value?.name == "Riverside Clinic")

            #expect(try await PatientQueries.withheldConsent(of: patientID, on: records.db) == "")
            try await ConsentRecord(patientID: patientID, withheld: "primary-care:therapist", updatedAt: Records.now, updatedBy: ana.id!).create(on: records.db)
            #expect(try await PatientQueries.withheldConsent(of: patientID, on: records.db) == "primary-care:therapist")

            let grant = EmergencyAccess(patientID: patientID, userID: bo.id!, reason: "ED", grantedAt: Records.now, expiresAt: Records.now.addingTimeInterval(3600))
            try await grant.create(on: records.db)
            #expect(try await PatientQueries.emergencyGrants(to: patientID, for: bo.id!, at: Records.now, on: records.db).map(\.id) == [grant.id])
            #expect(try await PatientQueries.emergencyGrants(to: patientID, for: bo.id!, at: Records.now.addingTimeInterval(3600), on: records.db).isEmpty)
            #expect(try await PatientQueries.emergencyGrants(to: patientID, for: ana.id!, at: Records.now, on: records.db).isEmpty)
        }
    }

    @Test func theTeamKeepsItsHistoryOldestFirstAndKnowsWhoIsOnItNow() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example", name: "Ana")
            let bo = try await records.person("bo@clinic.example", name: "Bo")
            let cy = try await records.person("cy@clinic.example", name: "Cy")
            let patient = try await records.patient(registeredBy: ana)
            try await records.member(bo, of: patient, since: Records.now.addingTimeInterval(10), ended: Records.now.addingTimeInterval(20))
            try await records.member(ana, of: patient, role: .prescriber, responsible: true)
            let team = try await CareTeamQueries.team(of: patient.requireID(), on: records.db)
            #expect(team.map { $0.$user.value?.displayName } == ["Ana", "Bo"])
            #expect(try await CareTeamQueries.isCurrentMember(ana.id!, of: patient.requireID(), at: Records.now, on: records.db))
            #expect(try await CareTeamQueries.isCurrentMember(bo.id!, of: patient.requireID(), at: Records.now, on: records.db) == false)
            #expect(try await CareTeamQueries.isCurrentMember(cy.id!, of: patient.requireID(), at: Records.now, on: records.db) == false)
            // Bo's membership is for a while: current during it, not after.
            #expect(try await CareTeamQueries.isCurrentMember(bo.id!, of: patient.requireID(), at: Records.now.addingTimeInterval(15), on: records.db))
            #expect(try await CareTeamQueries.isCurrentMember(bo.id!, of: patient.requireID(), at: Records.now.addingTimeInterval(20), on: records.db) == false)
        }
    }
}

@Suite struct PortalRecordQueriesTests {
    @Test func aPortalAccountFindsItsOwnRecordOnly() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example")
            let sam = try await records.person("sam@example.org", kind: UserAccount.patientKind)
            let patient = try await records.patient(registeredBy: ana)
            #expect(try await PatientQueries.patient(ofPortalUser: sam.id!, on: records.db) == nil)
            patient.portalUserID = sam.id
            try await patient.save(on: records.db)
            #expect(try await PatientQueries.patient(ofPortalUser: sam.id!, on: records.db)?.id == patient.id)
            #expect(try await PatientQueries.patient(ofPortalUser: ana.id!, on: records.db) == nil)
        }
    }
}

@Suite struct OrganisationQueriesTests {
    @Test func membersAdministratorsAndFirstOrganisation() async throws {
        try await withRecords { records in
            let riverside = try await records.organisation("Riverside Clinic")
            let harbour = try await records.organisation("Harbour Health")
            let ana = try await records.person("ana@clinic.example", in: riverside, role: .administrator)
            let bo = try await records.person("bo@clinic.example", in: riverside)
            try await Membership(userID: bo.id!, organisationID: harbour.id!, role: .administrator, createdAt: Records.now.addingTimeInterval(60)).create(on: records.db)
            #expect(Set(try await OrganisationQueries.members(of: riverside.id!, on: records.db).map(\.id)) == [ana.id, bo.id])
            let administrators = try await OrganisationQueries.administrators(of: [riverside.id!, harbour.id!, riverside.id!], on: records.db)
            #expect(administrators[riverside.id!]?.map(\.id) == [ana.id])
            #expect(administrators[harbour.id!]?.map(\.id) == [bo.id])
            #expect(try await OrganisationQueries.administrators(of: [], on: records.db).isEmpty)
            #expect(try await OrganisationQueries.firstOrganisation(of: bo.id!, on: records.db)?.id == riverside.id)
            #expect(try await OrganisationQueries.firstOrganisation(of: UUID(), on: records.db) == nil)
            #expect(try await OrganisationQueries.requireLicenceForEmergencyAccess(anyOf: [riverside.id!, harbour.id!], on: records.db) == false)
            harbour.emergencyNeedsLicence = true
            try await harbour.save(on: records.db)
            #expect(try await OrganisationQueries.requireLicenceForEmergencyAccess(anyOf: [riverside.id!, harbour.id!], on: records.db))
            #expect(try await OrganisationQueries.requireLicenceForEmergencyAccess(anyOf: [riverside.id!], on: records.db) == false)
            #expect(try await OrganisationQueries.requireLicenceForEmergencyAccess(anyOf: [], on: records.db) == false)
        }
    }
}
