import FluentKit
import Foundation
import LiaisonData
import LiaisonTestSupport
import Testing
@testable import LiaisonServer

@Suite struct InvitationTests {
    /// An administrator of Riverside invites bo@clinic.example; returns the invitation link.
    func invite(_ world: TestWorld, role: String = "clinician") async throws -> (Organisation, String) {
        let riverside = try await world.organisation()
        try await world.person("admin@clinic.example", in: riverside, role: .administrator)
        let admin = world.browser()
        try await admin.signIn("admin@clinic.example")
        let answer = try await admin.post("/organisations/\(riverside.id!.uuidString.lowercased())/invitations", [
            ("displayName", "Bo Jensen"), ("email", "Bo@Clinic.example"), ("role", role),
        ])
        #expect(answer.status == .seeOther)
        let link = try #require(try await world.linkInLatestEmail(to: "bo@clinic.example"))
        return (riverside, link)
    }

    @Test func invitedClinicianSetsAPasswordJoinsAndIsAskedForAProfile() async throws {
        try await withApp { world in
            let (riverside, link) = try await invite(world)
            let bo = world.browser()
            let page = try await bo.get(link)
            #expect(page.status == .ok)
            #expect(page.body.contains("Riverside Clinic"))
            #expect(page.body.contains(#"value="Bo Jensen""#))
            let accepted = try await bo.post(link, [("displayName", "Bo Jensen"), ("password", TestWorld.password), ("passwordConfirmation", TestWorld.password)])
            #expect(accepted.location == "/profile")
            #expect(bo.cookies["liaison_session"] != nil)
            let user = try #require(try await UserAccount.query(on: world.database.db()).filter(\.$email == "bo@clinic.example").first())
            let membership = try await Membership.query(on: world.database.db()).filter(\.$user.$id == user.requireID()).first()
            #expect(membership?.$organisation.id == riverside.id)
            #expect(membership?.role == "clinician")
            #expect(try await bo.get("/profile").body.contains("Complete your profile"))
        }
    }

    @Test func invitationExpiresAfterSevenDays() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            let (_, link) = try await invite(world)
            clock.advance(by: 7 * 24 * 3600 + 1)
            let bo = world.browser()
            let page = try await bo.get(link)
            #expect(page.status == .gone)
            #expect(page.body.contains("no longer valid"))
            let attempt = try await bo.post(link, [("displayName", "Bo"), ("password", TestWorld.password), ("passwordConfirmation", TestWorld.password)])
            #expect(attempt.status == .notFound)
            #expect(try await UserAccount.query(on: world.database.db()).filter(\.$email == "bo@clinic.example").count() == 0)
        }
    }

    @Test func invitationLinkWorksOnlyOnce() async throws {
        try await withApp { world in
            let (_, link) = try await invite(world)
            let fields = [("displayName", "Bo"), ("password", TestWorld.password), ("passwordConfirmation", TestWorld.password)]
            #expect(try await world.browser().post(link, fields).status == .seeOther)
            #expect(try await world.browser().get(link).status == .gone)
            #expect(try await world.browser().post(link, fields).status == .notFound)
        }
    }

    @Test func weakPasswordIsExplainedAndNothingIsCreated() async throws {
        try await withApp { world in
            let (_, link) = try await invite(world)
            let answer = try await world.browser().post(link, [("displayName", "Bo"), ("password", "short"), ("passwordConfirmation", "short")])
            #expect(answer.status == .unprocessableContent)
            #expect(answer.body.contains("Choose a password of at least 10 characters."))
            #expect(try await UserAccount.query(on: world.database.db()).filter(\.$email == "bo@clinic.example").count() == 0)
        }
    }

    @Test func invitationWithBadEmailIsExplainedAndNotSent() async throws {
        try await withApp { world in
            let riverside = try await world.organisation()
            try await world.person("admin@clinic.example", in: riverside, role: .administrator)
            let admin = world.browser()
            try await admin.signIn("admin@clinic.example")
            let answer = try await admin.post("/organisations/\(riverside.id!.uuidString.lowercased())/invitations", [
                ("displayName", ""), ("email", "not-an-email"), ("role", "overlord"),
            ])
            #expect(answer.status == .unprocessableContent)
            #expect(answer.body.contains("&quot;not-an-email&quot; is not an email address."))
            #expect(answer.body.contains("Name is required."))
            #expect(answer.body.contains("Role must be one of: clinician, administrator."))
            #expect(try await Invitation.query(on: world.database.db()).count() == 0)
            #expect(try await OutboxMessage.query(on: world.database.db()).count() == 0)
        }
    }

    @Test func clinicianCannotInvite() async throws {
        try await withApp { world in
            let riverside = try await world.organisation()
            try await world.person("ana@clinic.example", in: riverside, role: .clinician)
            let ana = world.browser()
            try await ana.signIn("ana@clinic.example")
            let answer = try await ana.post("/organisations/\(riverside.id!.uuidString.lowercased())/invitations", [
                ("displayName", "Eve"), ("email", "eve@clinic.example"), ("role", "administrator"),
            ])
            #expect(answer.status == .forbidden)
            #expect(try await Invitation.query(on: world.database.db()).count() == 0)
        }
    }

    @Test func existingAccountJoinsAnotherOrganisationAfterSigningIn() async throws {
        try await withApp { world in
            let (riverside, link) = try await invite(world)
            let elsewhere = try await world.organisation("Harbour Practice")
            try await world.person("bo@clinic.example", in: elsewhere)
            let bo = world.browser()
            #expect(try await bo.get(link).body.contains("Sign in as bo@clinic.example"))
            try await bo.signIn("bo@clinic.example")
            #expect(try await bo.post(link, []).status == .seeOther)
            let memberships = try await Membership.query(on: world.database.db()).filter(\.$organisation.$id == riverside.requireID()).count()
            #expect(memberships == 2)
        }
    }
}
