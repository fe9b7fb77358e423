import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Testing
@testable import LiaisonServer

/// A referral shows the patient to its recipient only while the loop gives them a reason.
@Suite struct ReferralPrivacyTests {
    func setUp(_ world: TestWorld) async throws -> (patient: Patient, haddad: UserAccount, lindqvist: UserAccount) {
        let clinic = try await world.organisation()
        let haddad = try await world.person("haddad@clinic.example", name: "Dr. Haddad", in: clinic)
        let lindqvist = try await world.person("lindqvist@clinic.example", name: "Dr. Lindqvist")
        let patient = try await world.patient(registeredBy: haddad, role: .primaryCare, at: clinic)
        return (patient, haddad, lindqvist)
    }

    func path(_ referral: Referral) -> String { APIURL.referral(referral.id!).path }

    @Test func aDraftIsNotShownToItsNamedRecipient() async throws {
        try await withApp { world in
            let (patient, haddad, lindqvist) = try await setUp(world)
            let draft = try await world.referralService.create(
                .init(patientID: patient.id, recipientID: lindqvist.id, recipientOrganisationID: nil, urgency: "routine", letter: TestWorld.letter, sendNow: false),
                by: world.caller(haddad))
            let recipient = try await world.apiToken(for: lindqvist)
            #expect(try await recipient.call(.get, path(draft)).status == .notFound)
            #expect(try await world.apiToken(for: haddad).call(.get, path(draft)).status == .ok)
        }
    }

    @Test func aDeclinedReferralNoLongerShowsThePatientToItsRecipient() async throws {
        try await withApp { world in
            let (patient, haddad, lindqvist) = try await setUp(world)
            let referral = try await world.referral(patient, from: haddad, to: lindqvist)
            let recipient = try await world.apiToken(for: lindqvist)
            #expect(try await recipient.call(.get, path(referral)).status == .ok)
            let declined = try await recipient.call(.post, APIURL.referralAction(referral.id!, .decline).path, json: #"{"reason":"No openings."}"#)
            #expect(declined.status == .ok)
            #expect(try await recipient.call(.get, path(referral)).status == .notFound)
        }
    }

    @Test func aRecipientRemovedFromTheTeamNoLongerReadsThroughTheReferral() async throws {
        try await withApp { world in
            let (patient, haddad, lindqvist) = try await setUp(world)
            let referral = try await world.referral(patient, from: haddad, to: lindqvist)
            let recipient = try await world.apiToken(for: lindqvist)
            let accepted = try await recipient.call(
                .post, APIURL.referralAction(referral.id!, .accept).path, json: #"{"presentingProblem":"Panic.","plan":"CBT.","contact":"Message."}"#)
            #expect(accepted.status == .ok)
            let member = try #require(try await CareTeamMember.query(on: world.database.db()).filter(\.$user.$id == lindqvist.id!).first())
            try await world.patientService.endMember(member.requireID(), of: patient.requireID(), by: world.caller(haddad))
            #expect(try await recipient.call(.get, path(referral)).status == .notFound)
            #expect(try await recipient.call(.get, APIURL.patient(patient.id!).path).status == .notFound)
        }
    }
}
