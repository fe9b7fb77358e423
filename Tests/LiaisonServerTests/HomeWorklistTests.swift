import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Testing
@testable import LiaisonServer

/// The home page is the worklist: what the signed-in person owes, most pressing first.
@Suite struct HomeWorklistTests {
    @Test func afterAcceptingTheClosingSummaryStaysOwedOnTheHomePage() async throws {
        try await withApp { world in
            let (patient, haddad, lindqvist) = try await ReferralLoopTests().setUp(world)
            let referral = try await world.referral(patient, from: haddad, to: lindqvist)
            let recipient = world.browser()
            try await recipient.signIn(lindqvist.email)
            let before = try await recipient.get("/")
            #expect(before.body.contains("What you owe"))
            #expect(before.body.contains("Rivera, Sam") || before.body.contains("Sam Rivera"))
            #expect(before.body.contains("Acknowledgement"))

            try await world.referralService.accept(
                referral.id!, note: Dictionary(uniqueKeysWithValues: ReferralLoopTests.acknowledgement), role: nil, by: world.caller(lindqvist))
            let accepted = try await recipient.get("/")
            #expect(accepted.body.contains("First appointment, then a closing summary"), "an accepted referral does not vanish")
            try await world.referralService.schedule(referral.id!, firstAppointment: "2027-02-01", by: world.caller(lindqvist))
            try await world.referralService.startCare(referral.id!, by: world.caller(lindqvist))
            #expect(try await recipient.get("/").body.contains("Closing summary (due after discharge)"))
            try await world.referralService.discharge(referral.id!, by: world.caller(lindqvist))
            let discharged = try await recipient.get("/")
            #expect(discharged.body.contains(">Closing summary<"))
            try await world.referralService.close(
                referral.id!, note: ["course": "Eight sessions.", "outcome": "Panic-free for a month.", "recommendations": "Refer again if attacks return."],
                by: world.caller(lindqvist))
            #expect(try await recipient.get("/").body.contains("No referral is waiting on you"))
        }
    }

    @Test func aConsultantSeesTheSecondOpinionsTheyOwe() async throws {
        try await withApp { world in
            let c = try await ConsultationTests.setUp(world)
            _ = try await world.services.consultations.request(
                .init(consultantID: c.okafor.id!.uuidString, reasons: ["other"], concerns: "Stuck."), for: c.patient.id!, by: world.caller(c.sato))
            let consultant = world.browser()
            try await consultant.signIn(c.okafor.email)
            let home = try await consultant.get("/")
            #expect(home.body.contains("Second opinions you are giving"))
            #expect(home.body.contains("Answer the request, due"))
        }
    }
}

/// Destructive acts ask first.
@Suite struct CancelConfirmationTests {
    @Test func cancellingAReferralAsksOnceWithTheReasonThenCancels() async throws {
        try await withApp { world in
            let (patient, haddad, lindqvist) = try await ReferralLoopTests().setUp(world)
            let referral = try await world.referral(patient, from: haddad, to: lindqvist)
            let referrer = world.browser()
            try await referrer.signIn(haddad.email)
            let path = "/referrals/\(referral.id!.uuidString.lowercased())"
            let missing = try await referrer.post(path + "/cancel", [("reason", " ")])
            #expect(missing.status == .unprocessableContent, "no reason: the form says so, no question asked")
            let asked = try await referrer.post(path + "/cancel", [("reason", "The patient moved away.")])
            #expect(asked.status == .ok)
            #expect(asked.body.contains("Cancel this referral?"))
            #expect(asked.body.contains("The patient moved away."))
            #expect(try await Referral.find(referral.id!, on: world.database.db())?.state == ReferralState.sent.rawValue, "nothing changed yet")
            let done = try await referrer.post(path + "/cancel", [("reason", "The patient moved away."), ("confirmed", "yes")])
            #expect(done.location == path)
            #expect(try await Referral.find(referral.id!, on: world.database.db())?.state == ReferralState.cancelled.rawValue)
        }
    }
}

/// The patient sees their referrals in plain words.
@Suite struct PortalReferralTests {
    @Test func thePortalSaysWhoHasTheReferralAndWhenTheFirstAppointmentIs() async throws {
        try await withApp { world in
            let c = try await ConsultationTests.setUp(world)
            let referral = try await world.referral(c.patient, from: c.sato, to: c.outsider)
            let sam = world.browser()
            try await sam.signIn("sam@example.org")
            #expect(try await sam.get("/portal").body.contains("Sent to Dr. Feld; waiting for their answer."))
            try await world.referralService.accept(
                referral.id!, note: Dictionary(uniqueKeysWithValues: ReferralLoopTests.acknowledgement), role: nil, by: world.caller(c.outsider))
            try await world.referralService.schedule(referral.id!, firstAppointment: "2027-02-01", by: world.caller(c.outsider))
            let portal = try await sam.get("/portal")
            #expect(portal.body.contains("Dr. Feld has accepted; first appointment Mon, 1 Feb 2027."))
            #expect(!portal.body.contains("Panic"), "the portal shows the status, not the letter")
        }
    }
}
