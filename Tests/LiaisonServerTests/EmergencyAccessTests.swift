import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import LiaisonTestSupport
import Testing
@testable import LiaisonServer

@Suite struct EmergencyAccessTests {
    static let glass: [(String, String)] = [
        ("givenName", "sam"), ("familyName", "RIVERA"), ("dateOfBirth", "1984-03-27"),
        ("reason", "Brought to the emergency department after an overdose; need medication list."),
    ]

    /// The form, with a second factor for `email` (a fresh recovery code).
    static func glass(_ world: TestWorld, for email: String = "kim@hospital.example") async throws -> [(String, String)] {
        glass + [("code", try await world.recoveryCode(for: email))]
    }

    @Test func emergencyClinicianBreaksTheGlassAndTheTeamIsTold() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            let hospital = try await world.organisation("St. Brendan's")
            let ana = try await world.person("ana@clinic.example")
            let patient = try await world.patient(registeredBy: ana)
            try await world.profile(for: try await world.person("kim@hospital.example", name: "Dr. Kim", in: hospital, twoFactor: true))
            let kim = world.browser()
            try await kim.signIn("kim@hospital.example")
            let path = "/patients/\(patient.id!.uuidString.lowercased())"
            #expect(try await kim.get(path).status == .notFound)
            let granted = try await kim.post("/emergency-access", try await Self.glass(world))
            #expect(granted.location == path)
            let record = try await kim.get(path)
            #expect(record.status == .ok)
            #expect(record.body.contains("emergency access"))
            // Read-only: no notes, no team changes.
            #expect(try await kim.post(path + "/notes", [("kind", "team"), ("body", "x")]).status == .forbidden)
            // The team hears at once.
            let notification = try #require(try await Notification.query(on: world.database.db()).filter(\.$user.$id == ana.requireID()).first())
            #expect(notification.message.contains("Dr. Kim opened Sam Rivera's record with emergency access: Brought to the emergency department"))
            let reads = try await world.auditEntries(for: patient).filter { $0.action == "patient.read" }
            #expect(reads.last?.purpose == "emergency")
            // Four hours later it is closed again.
            clock.advance(by: 4 * 3600 + 1)
            #expect(try await kim.get(path).status == .notFound)
        }
    }

    @Test func noMatchSaysSoAndGrantsNothing() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            try await world.patient(registeredBy: ana)
            try await world.profile(for: try await world.person("kim@hospital.example", twoFactor: true))
            let kim = world.browser()
            try await kim.signIn("kim@hospital.example")
            let answer = try await kim.post("/emergency-access", try await Self.glass(world).map { $0.0 == "dateOfBirth" ? ($0.0, "1984-03-28") : $0 })
            #expect(answer.status == .notFound)
            #expect(answer.body.contains("No patient matches"))
            #expect(try await EmergencyAccess.query(on: world.database.db()).count() == 0)
            #expect(try await AuditEntry.query(on: world.database.db()).filter(\.$action == "emergency.search").count() == 1)
        }
    }

    @Test func reasonIsRequired() async throws {
        try await withApp { world in
            try await world.profile(for: try await world.person("kim@hospital.example"))
            let api = try await world.apiToken(for: try #require(try await UserAccount.query(on: world.database.db()).first()))
            let answer = try await api.call(.post, "/api/v1/emergency-access", json: #"{"givenName":"Sam","familyName":"Rivera","dateOfBirth":"1984-03-27","reason":""}"#)
            #expect(answer.status == .unprocessableContent)
            #expect(answer.body.contains("Reason is required."))
        }
    }

    @Test func emergencyAccessAppearsInTheOrganisationsReport() async throws {
        try await withApp { world in
            let hospital = try await world.organisation("St. Brendan's")
            let ana = try await world.person("ana@clinic.example")
            try await world.patient(registeredBy: ana)
            try await world.profile(for: try await world.person("kim@hospital.example", name: "Dr. Kim", in: hospital, twoFactor: true))
            try await world.person("chief@hospital.example", in: hospital, role: .administrator)
            let kim = world.browser()
            try await kim.signIn("kim@hospital.example")
            try await kim.post("/emergency-access", try await Self.glass(world))
            let chief = world.browser()
            try await chief.signIn("chief@hospital.example")
            let report = try await chief.get("/organisations/\(hospital.id!.uuidString.lowercased())/emergency-access")
            #expect(report.status == .ok)
            #expect(report.body.contains("Dr. Kim"))
            #expect(report.body.contains("after an overdose"))
            #expect(!report.body.contains("Rivera"))
            #expect(try await kim.get("/organisations/\(hospital.id!.uuidString.lowercased())/emergency-access").status == .forbidden)
        }
    }
}

@Suite struct PortalTests {
    @Test func invitedPatientSeesTheirTeamAndWhoLooked() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example", name: "Ana Silva")
            try await world.profile(for: ana) { $0.contactMethod = "phone"; $0.contactPhone = "+1 555 0100"; $0.contactHours = "Mornings" }
            let patient = try await world.patient(registeredBy: ana)
            let id = patient.id!.uuidString.lowercased()
            let anaBrowser = world.browser()
            try await anaBrowser.signIn("ana@clinic.example")
            #expect(try await anaBrowser.post("/patients/\(id)/portal-invitation", [("portalEmail", "Sam@Example.org")]).status == .seeOther)
            _ = try await anaBrowser.get("/patients/\(id)")
            let link = try #require(try await world.linkInLatestEmail(to: "sam@example.org"))
            let sam = world.browser()
            #expect(try await sam.post(link, [("password", "sam's long password"), ("passwordConfirmation", "sam's long password")]).status == .seeOther)
            try await sam.signIn("sam@example.org", password: "sam's long password")
            let home = try await sam.get("/")
            #expect(home.location == "/portal")
            let portal = try await sam.get("/portal")
            #expect(portal.status == .ok)
            #expect(portal.body.contains("Ana Silva"))
            #expect(portal.body.contains("+1 555 0100"))
            #expect(portal.body.contains("Mornings"))
            #expect(portal.body.contains("Ana Silva viewed the record as part of your care."), "the access log is in sentences")
            #expect(portal.body.contains("<strong>Ana Silva</strong> (therapist) reads the notes of everyone on the team."))
            // The clinicians' side is "not found" for a patient, as anything not theirs is.
            #expect(try await sam.get("/directory").status == .notFound)
            #expect(try await sam.get("/patients/\(id)").status == .notFound)
            // Their own record is found from /me and the patients list.
            let token = try await world.services.tokens.create(for: try #require(try await UserAccount.query(on: world.database.db()).filter(\.$email == "sam@example.org").first()).requireID(), name: "app").secret
            let api = APIClient(client: world.client, token: token)
            #expect(try await api.call(.get, "/api/v1/me").json()["patientID"] as? String == id.uppercased())
            let listed = try await api.call(.get, "/api/v1/patients").json()["patients"] as? [[String: Any]]
            #expect(listed?.compactMap { $0["id"] as? String } == [id.uppercased()])
            // The patient records their own consent, choosing by the names of the people on their team.
            let doctor = try await world.person("lee@clinic.example", name: "Dr. Lee")
            try await world.addToTeam(patient, doctor, as: .primaryCare, by: ana)
            let choices = try await sam.get("/patients/\(id)/consent")
            #expect(choices.body.contains("Primary care (Dr. Lee) and therapist (Ana Silva)"))
            #expect(try await sam.post("/patients/\(id)/consent", [("withheld", "primary-care:therapist")]).location == "/portal")
            #expect(try await ConsentRecord.query(on: world.database.db()).first()?.withheld == "primary-care:therapist")
            let after = try await sam.get("/patients/\(id)/consent")
            #expect(after.body.contains("<strong>Ana Silva</strong> (therapist) does not read the notes of Dr. Lee (primary care); reads everyone else&#39;s.")
                || after.body.contains("<strong>Ana Silva</strong> (therapist) does not read the notes of Dr. Lee (primary care); reads everyone else's."))
            #expect(try await sam.get("/portal").body.contains("You recorded consent choices"), "the patient's own steps are theirs")
        }
    }

    @Test func onlyCliniciansMayBreakTheGlassNotAdministrators() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let patient = try await world.patient(registeredBy: ana)
            try await world.person("root@liaison.example", systemAdministrator: true)
            let admin = world.browser()
            try await admin.signIn("root@liaison.example")
            let answer = try await admin.post("/emergency-access", EmergencyAccessTests.glass)
            #expect(answer.status == .forbidden)
            #expect(try await EmergencyAccess.query(on: world.database.db()).count() == 0)
            #expect(try await admin.get("/patients/\(patient.id!.uuidString.lowercased())").status == .notFound)
        }
    }

    @Test func anOrganisationCanAskForALicenceRecordedBeforeTheGlassIsBroken() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            _ = try await world.patient(registeredBy: ana)
            let hospital = try await world.organisation("City Hospital")
            try await world.person("chief@hospital.example", in: hospital, role: .administrator)
            let kim = try await world.person("kim@hospital.example", name: "Dr. Kim", in: hospital, twoFactor: true)
            try await world.profile(for: kim) { $0.credentials = "" }
            let chief = world.browser()
            try await chief.signIn("chief@hospital.example")
            let settings = SiteURL.organisationSettings(hospital.id!).path
            let form = try await chief.get(settings)
            #expect(form.body.contains("emergencyNeedsLicence"))
            let fields = [("name", "City Hospital"), ("kind", "hospital"), ("timeZone", "America/New_York")]
                + ["2", "3", "4", "5", "6"].map { ("businessDays", $0) }
                + ServiceLevelTargets.standard.formValues.map { ($0.key, $0.value) } + [("emergencyNeedsLicence", "on")]
            #expect(try await chief.post(settings, fields).status == .seeOther)
            let browser = world.browser()
            try await browser.signIn("kim@hospital.example")
            #expect(try await browser.post("/emergency-access", try await EmergencyAccessTests.glass(world)).status == .forbidden)
            try await world.profile(for: kim) { $0.credentials = "MD, licensed in New York" }
            #expect(try await browser.post("/emergency-access", try await EmergencyAccessTests.glass(world)).status == .seeOther)
        }
    }

    @Test func patientCannotSeeAnotherPatientsLog() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let sam = try await world.patient(registeredBy: ana)
            let lee = try await world.patient("Lee", "Park", born: "1975-06-01", registeredBy: ana)
            try await world.services.portal.invite(sam.requireID(), email: "sam@example.org", by: world.caller(ana))
            let link = try #require(try await world.linkInLatestEmail(to: "sam@example.org"))
            let browser = world.browser()
            try await browser.post(link, [("password", "sam's long password"), ("passwordConfirmation", "sam's long password")])
            try await browser.signIn("sam@example.org", password: "sam's long password")
            #expect(try await browser.get("/patients/\(sam.id!.uuidString.lowercased())/access-log").status == .ok)
            #expect(try await browser.get("/patients/\(lee.id!.uuidString.lowercased())/access-log").status == .notFound)
        }
    }
}
