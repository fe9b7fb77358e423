import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import LiaisonCore
import LiaisonData
import LiaisonTestSupport
import Testing
@testable import LiaisonServer

@Suite struct WaitlistTests {
    struct Setting {
        let haddad: UserAccount
        let okafor: UserAccount
        let patients: [Patient]
        let api: APIClient
    }

    /// Dr. Haddad (primary care) with patients; Dr. Okafor, a psychiatrist with `openings` for medication management.
    static func setting(_ world: TestWorld, patients count: Int = 2, openings: Int = 0) async throws -> Setting {
        let clinic = try await world.organisation()
        let haddad = try await world.person("haddad@clinic.example", name: "Dr. Haddad")
        let okafor = try await world.person("okafor@clinic.example", name: "Dr. Okafor", in: clinic)
        try await Self.setOpenings(world, okafor, openings)
        var patients: [Patient] = []
        for index in 0..<count {
            patients.append(try await world.patient("Pat\(index)", "Waiting", born: "1980-01-0\(index + 1)", registeredBy: haddad, role: .primaryCare))
        }
        return Setting(haddad: haddad, okafor: okafor, patients: patients, api: try await world.apiToken(for: haddad))
    }

    static func setOpenings(_ world: TestWorld, _ user: UserAccount, _ openings: Int) async throws {
        try await world.profile(for: user) {
            $0.discipline = "psychiatrist"
            $0.openings = ["medication-management": String(openings)]
            // Full, a clinician is not taking new patients (the profile form insists), but keeps a list.
            $0.acceptingNewPatients = openings > 0
        }
    }

    static func add(_ setting: Setting, _ patient: Patient, urgency: String = "routine") async throws -> APIClient.Answer {
        try await setting.api.call(
            .post, "/api/v1/patients/\(patient.id!.uuidString.lowercased())/waitlist",
            json: #"{"clinicianID":"\#(setting.okafor.id!.uuidString)","service":"medication-management","urgency":"\#(urgency)"}"#)
    }

    static func standing(_ setting: Setting, _ patient: Patient) async throws -> [String: Any] {
        let json = try await setting.api.call(.get, "/api/v1/patients/\(patient.id!.uuidString.lowercased())/waitlist").json()
        return (json["entries"] as? [[String: Any]])?.first ?? [:]
    }

    static func openings(_ world: TestWorld, _ user: UserAccount) async throws -> Int {
        let profile = try await DirectoryQueries.profile(ofUser: user.requireID(), on: world.database.db())!
        return try await ServiceOpening.query(on: world.database.db()).filter(\.$profile.$id == profile.requireID()).first()?.openings ?? -1
    }

    @Test func anOpeningGoesToTheFirstInLineWhoTakesIt() async throws {
        try await withApp { world in
            let setting = try await Self.setting(world)
            let (routine, urgent) = (setting.patients[0], setting.patients[1])
            #expect(try await Self.add(setting, routine).status == .created)
            world.clock.advance(by: 86400)
            #expect(try await Self.add(setting, urgent, urgency: "urgent").status == .created)
            // The same list twice is refused.
            #expect(try await Self.add(setting, routine).status == .conflict)
            #expect(try await Self.standing(setting, urgent)["position"] as? String == "1st of 2")
            #expect(try await Self.standing(setting, routine)["position"] as? String == "2nd of 2")
            #expect(try await world.notifications(for: setting.okafor).contains { $0.contains("added to your waiting list") })

            // No opening, no offer.
            #expect(try await world.services.waitlists.sweep() == .init(offered: 0, lapsed: 0))
            try await Self.setOpenings(world, setting.okafor, 1)
            #expect(try await world.services.waitlists.sweep() == .init(offered: 1, lapsed: 0))
            #expect(try await world.services.waitlists.sweep() == .init(offered: 0, lapsed: 0))
            let offer = try await Self.standing(setting, urgent)
            #expect(offer["status"] as? String == "offered")
            #expect(try await world.notifications(for: setting.haddad).contains { $0.contains("Dr. Okafor has an opening for medication management") })

            let id = try #require(offer["id"] as? String)
            let accepted = try await setting.api.call(.post, "/api/v1/waitlist/\(id)/accept")
            #expect(accepted.status == .ok)
            #expect(try accepted.json()["status"] as? String == "accepted")
            #expect(try await Self.openings(world, setting.okafor) == 0)
            #expect(try await setting.api.call(.post, "/api/v1/waitlist/\(id)/accept").status == .conflict)
            #expect(try await world.services.waitlists.sweep() == .init(offered: 0, lapsed: 0))
            #expect(try await Self.standing(setting, routine)["position"] as? String == "1st of 1")
            #expect(try await world.auditEntries(for: urgent).map(\.action).contains("waitlist.accept"))
            // How long people waited shows on the organisation's page: one accepted, after a day.
            let clinic = try await Organisation.query(on: world.database.db()).first()!
            let overview = try await world.services.waitlists.overview(
                ofOrganisation: clinic.requireID(),
                by: world.caller(try await world.person("root@liaison.test", systemAdministrator: true)))
            #expect(overview.waits.map(\.accepted) == [1])
            #expect(overview.waits.first?.medianDays.map { $0 < 1 } == true)

            // When that care ends, the opening comes back for the next in line (once).
            try await world.addToTeam(urgent, setting.okafor, as: .prescriber, by: setting.haddad)
            let membership = try await CareTeamMember.query(on: world.database.db()).filter(\.$user.$id == setting.okafor.requireID()).first()!
            let haddadBrowser = world.browser()
            try await haddadBrowser.signIn(setting.haddad.email)
            let end = SiteURL.endMembership(patient: urgent.id!, member: membership.id!).path
            #expect(try await haddadBrowser.post(end, []).status == .seeOther)
            #expect(try await Self.openings(world, setting.okafor) == 1)
            #expect(try await world.services.waitlists.sweep().offered == 1)
            #expect(try await Self.standing(setting, routine)["status"] as? String == "offered")
            try await WaitlistQueries.returnOpenings(patient: urgent.requireID(), clinician: setting.okafor.requireID(), at: world.clock.now(), on: world.database.db())
            #expect(try await Self.openings(world, setting.okafor) == 1)

            // The clinician sees the list in order, the offered first.
            let okafor = try await world.apiToken(for: setting.okafor)
            let lists = try #require(try await okafor.call(.get, "/api/v1/waitlist").json()["lists"] as? [[String: Any]])
            #expect((lists.first?["entries"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test func aDeclinedOrLapsedOfferPassesOnAndComingBackKeepsTheDate() async throws {
        try await withApp { world in
            let setting = try await Self.setting(world, openings: 1)
            let (first, second) = (setting.patients[0], setting.patients[1])
            _ = try await Self.add(setting, first)
            world.clock.advance(by: 3600)
            _ = try await Self.add(setting, second)
            #expect(try await world.services.waitlists.sweep().offered == 1)
            let firstID = try #require(try await Self.standing(setting, first)["id"] as? String)
            #expect(try await setting.api.call(.post, "/api/v1/waitlist/\(firstID)/decline").status == .ok)
            #expect(try await world.services.waitlists.sweep().offered == 1)
            #expect(try await Self.standing(setting, second)["status"] as? String == "offered")

            // Two business days pass unanswered: the offer lapses and the team is told.
            world.clock.advance(by: 5 * 86400)
            #expect(try await world.services.waitlists.sweep() == .init(offered: 0, lapsed: 1))
            #expect(try await Self.standing(setting, second)["status"] as? String == "expired")
            #expect(try await world.notifications(for: setting.haddad).contains { $0.contains("lapsed unanswered") })

            // Back on the list with the original dates: the first still goes first.
            let secondID = try #require(try await Self.standing(setting, second)["id"] as? String)
            #expect(try await setting.api.call(.post, "/api/v1/waitlist/\(secondID)/rejoin").status == .ok)
            #expect(try await setting.api.call(.post, "/api/v1/waitlist/\(firstID)/rejoin").status == .ok)
            #expect(try await Self.standing(setting, first)["position"] as? String == "1st of 2")
            #expect(try await world.services.waitlists.sweep().offered == 1)
            #expect(try await Self.standing(setting, first)["status"] as? String == "offered")
        }
    }

    @Test func twoTeamsCannotBothTakeTheLastOpening() async throws {
        try await withApp { world in
            let setting = try await Self.setting(world, patients: 2, openings: 2)
            for patient in setting.patients { _ = try await Self.add(setting, patient) }
            #expect(try await world.services.waitlists.sweep().offered == 2)
            // The clinician now has one opening left for two outstanding offers.
            try await Self.setOpenings(world, setting.okafor, 1)
            var ids: [String] = []
            for patient in setting.patients { ids.append(try #require(try await Self.standing(setting, patient)["id"] as? String)) }
            let token = try #require(setting.api.token)
            let offers = ids
            let statuses = try await withTwoServers(world) { clients in
                try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for index in 0..<10 {
                        group.addTask {
                            try await APIClient(client: clients[index % 2], token: token).call(.post, "/api/v1/waitlist/\(offers[index % 2])/accept").status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            // One wins the last opening; the rest are told it is gone (409), or, on a loaded
            // machine, that the database is busy (503, nothing changed). Never two, never a 500.
            let accepted = statuses.filter { $0 == .ok }.count
            #expect(accepted == 1 || (accepted == 0 && statuses.contains(.serviceUnavailable)), "\(statuses)")
            #expect(statuses.allSatisfy { [.ok, .conflict, .serviceUnavailable].contains($0) }, "\(statuses)")
            #expect(try await Self.openings(world, setting.okafor) == 1 - accepted)
        }
    }

    @Test func onlyTheTeamTheClinicianOrAnAdministratorActAndBadInputIsNamed() async throws {
        try await withApp { world in
            let setting = try await Self.setting(world, patients: 1)
            let patient = setting.patients[0]
            let path = "/api/v1/patients/\(patient.id!.uuidString.lowercased())/waitlist"
            let outsider = try await world.apiToken(for: try await world.person("outsider@clinic.example"))
            #expect(try await outsider.call(.get, path).status == .notFound)
            #expect(try await outsider.call(.post, path, json: #"{"clinicianID":"\#(setting.okafor.id!)","service":"medication-management"}"#).status == .notFound)
            let bad = try await setting.api.call(.post, path, json: #"{"service":"surgery"}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.body.contains("\"service\"") && bad.body.contains("\"clinicianID\""))
            let notOffered = try await setting.api.call(.post, path, json: #"{"clinicianID":"\#(setting.okafor.id!)","service":"psychotherapy"}"#)
            #expect(notOffered.status == .unprocessableContent)
            #expect(try await WaitlistEntry.query(on: world.database.db()).count() == 0)

            let entry = try #require(try await Self.add(setting, patient).json()["id"] as? String)
            #expect(try await outsider.call(.post, "/api/v1/waitlist/\(entry)/remove", json: #"{"reason":"probing"}"#).status == .notFound)
            #expect(try await outsider.call(.post, "/api/v1/waitlist/\(entry)/accept").status == .notFound)
            let clinic = try await Organisation.query(on: world.database.db()).first()!
            let chief = try await world.apiToken(for: try await world.person("chief@clinic.example", in: clinic, role: .administrator))
            #expect(try await chief.call(.post, "/api/v1/waitlist/\(entry)/remove", json: #"{}"#).status == .unprocessableContent)
            // The administrator sees the list by reference, never the name.
            let browser = world.browser()
            try await browser.signIn("chief@clinic.example")
            let overview = try await browser.get("/organisations/\(clinic.id!.uuidString.lowercased())/waitlists")
            #expect(overview.status == .ok)
            #expect(overview.body.contains(PatientReference.short(patient.id!)))
            #expect(!overview.body.contains("Pat0"))
            #expect(try await outsider.call(.get, "/organisations/\(clinic.id!.uuidString.lowercased())/waitlists").status == .forbidden)
            let removed = try await chief.call(.post, "/api/v1/waitlist/\(entry)/remove", json: #"{"reason":"Moved out of the area"}"#)
            #expect(removed.status == .ok)
            #expect(try removed.json()["status"] as? String == "removed")
            #expect(try await world.auditEntries(for: patient).contains { $0.action == "waitlist.remove" && $0.purpose == "waitlist: Moved out of the area" })
        }
    }

    @Test func savingNewOpeningsOffersThemAtOnceAndHeldOnesAreNotFreeForOthers() async throws {
        try await withApp { world in
            let setting = try await Self.setting(world, patients: 1)
            _ = try await Self.add(setting, setting.patients[0])
            let okafor = try await world.apiToken(for: setting.okafor)
            let saved = try await okafor.call(.put, "/api/v1/me/profile", json: """
                {"displayName":"Dr. Okafor","discipline":"psychiatrist","contact":{"preferredMethod":"secure-message"},
                 "openings":{"medication-management":1},"languages":["English"],"modality":"telehealth",
                 "intake":{"acceptingNewPatients":true,"transfers":"accepts","prioritisesPatientsWithoutPsychiatrist":false},"listedInDirectory":true}
                """)
            #expect(saved.status == .ok, "\(saved.body)")
            #expect(try await Self.standing(setting, setting.patients[0])["status"] as? String == "offered")
            // The one opening is held: for another patient, Dr. Okafor has none free.
            let other = try await world.patient("Other", "Patient", born: "1970-02-02", registeredBy: setting.haddad, role: .primaryCare)
            let json = try await setting.api.call(.get, "/api/v1/patients/\(other.id!.uuidString.lowercased())/matches?service=medication-management").json()
            #expect((json["excluded"] as? [[String: Any]])?.first?["reason"] as? String == "no opening for medication management")
        }
    }

    @Test func anIntakeListGoesToWhicheverMemberHasAnOpeningFirst() async throws {
        try await withApp { world in
            let setting = try await Self.setting(world, patients: 3)
            let clinic = try await Organisation.query(on: world.database.db()).first()!
            let second = try await world.person("second@clinic.example", name: "Dr. Second", in: clinic)
            try await Self.setOpenings(world, second, 0)
            let (intakeFirst, own, intakeLater) = (setting.patients[0], setting.patients[1], setting.patients[2])
            func addToIntake(_ patient: Patient) async throws -> APIClient.Answer {
                try await setting.api.call(
                    .post, "/api/v1/patients/\(patient.id!.uuidString.lowercased())/waitlist",
                    json: #"{"organisationID":"\#(clinic.id!.uuidString)","service":"medication-management"}"#)
            }
            let added = try await addToIntake(intakeFirst)
            #expect(added.status == .created)
            #expect(try added.json()["list"] as? String == "Riverside Clinic intake")
            #expect(try await addToIntake(intakeFirst).status == .conflict)
            world.clock.advance(by: 3600)
            #expect(try await Self.add(setting, own).status == .created)
            world.clock.advance(by: 3600)
            #expect(try await addToIntake(intakeLater).status == .created)
            // One list or the other, and only where someone offers the service.
            let both = try await setting.api.call(
                .post, "/api/v1/patients/\(own.id!.uuidString.lowercased())/waitlist",
                json: #"{"clinicianID":"\#(setting.okafor.id!.uuidString)","organisationID":"\#(clinic.id!.uuidString)","service":"medication-management"}"#)
            #expect(both.status == .unprocessableContent)
            let elsewhere = try await world.organisation("Empty Practice")
            let nobody = try await setting.api.call(
                .post, "/api/v1/patients/\(own.id!.uuidString.lowercased())/waitlist",
                json: #"{"organisationID":"\#(elsewhere.id!.uuidString)","service":"medication-management"}"#)
            #expect(nobody.status == .unprocessableContent)
            #expect(try await Self.standing(setting, intakeLater)["position"] as? String == "2nd of 2")
            // In Dr. Okafor's queue the intake and their own list merge in fair order.
            #expect(try await Self.standing(setting, own)["position"] as? String == "2nd of 3")

            // Dr. Second has an opening first: the first on the intake list gets it.
            try await Self.setOpenings(world, second, 1)
            #expect(try await world.services.waitlists.sweep().offered == 1)
            let offer = try await Self.standing(setting, intakeFirst)
            #expect(offer["status"] as? String == "offered")
            #expect(offer["clinicianName"] as? String == "Dr. Second")
            #expect(try await world.notifications(for: setting.haddad).contains { $0.contains("Dr. Second has an opening for medication management (from Riverside Clinic intake)") })
            let accepted = try await setting.api.call(.post, "/api/v1/waitlist/\(offer["id"] as! String)/accept")
            #expect(accepted.status == .ok)
            #expect(try await Self.openings(world, second) == 0)

            // Then Dr. Okafor: their own list's patient joined before the later intake one.
            try await Self.setOpenings(world, setting.okafor, 1)
            #expect(try await world.services.waitlists.sweep().offered == 1)
            #expect(try await Self.standing(setting, own)["status"] as? String == "offered")
            #expect(try await Self.standing(setting, intakeLater)["status"] as? String == "waiting")

            // Administrators see the intake list as a list of its own.
            let overview = try await world.services.waitlists.overview(
                ofOrganisation: clinic.requireID(), by: world.caller(try await world.person("root@liaison.test", systemAdministrator: true)))
            #expect(overview.lists.map(\.name).sorted() == ["Dr. Okafor", "Riverside Clinic intake"])
        }
    }

    @Test func thePagesLeadFromAMatchToTheListAndTheOffer() async throws {
        try await withApp { world in
            let setting = try await Self.setting(world, patients: 1)
            let patient = setting.patients[0]
            let id = patient.id!.uuidString.lowercased()
            let browser = world.browser()
            try await browser.signIn(setting.haddad.email)
            let matches = try await browser.get("/patients/\(id)/matches?service=medication-management")
            #expect(matches.body.contains("Dr. Okafor</a>: not accepting new patients"))
            #expect(matches.body.contains("Put on Dr. Okafor&#39;s waiting list") || matches.body.contains("Put on Dr. Okafor's waiting list"))
            #expect(matches.body.contains("Put on its intake list"))
            let added = try await browser.post(
                "/patients/\(id)/waitlist", [("clinicianID", setting.okafor.id!.uuidString.lowercased()), ("service", "medication-management"), ("urgency", "routine")])
            #expect(added.location == "/patients/\(id)/waitlist")
            #expect(try await browser.get("/patients/\(id)/waitlist").body.contains("1st of 1"))
            try await Self.setOpenings(world, setting.okafor, 1)
            _ = try await world.services.waitlists.sweep()
            let offered = try await browser.get("/patients/\(id)/waitlist")
            #expect(offered.body.contains("Accept the opening"))
            let entry = try await WaitlistEntry.query(on: world.database.db()).first()!
            let accepted = try await browser.post(SiteURL.waitlistStep(entry.id!, .accept).path, [])
            #expect(accepted.location?.hasPrefix("/referrals/new?patientID=\(id)&recipientID=") == true)

            let okafor = world.browser()
            try await okafor.signIn(setting.okafor.email)
            #expect(try await okafor.get("/waitlist").body.contains("Nobody is waiting for you"))
        }
    }
}
