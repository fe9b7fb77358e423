import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Testing
@testable import LiaisonServer

@Suite struct CareTeamTests {
    @Test func clinicianRegistersAPatientAndIsOnTheTeam() async throws {
        try await withApp { world in
            let riverside = try await world.organisation()
            try await world.person("ana@clinic.example", in: riverside)
            let browser = world.browser()
            try await browser.signIn("ana@clinic.example")
            let created = try await browser.post("/patients", [
                ("givenName", "Sam"), ("familyName", "Rivera"), ("dateOfBirth", "1984-03-27"), ("role", "therapist"),
                ("organisationID", riverside.id!.uuidString.lowercased()), ("identifier", "RV-1001"),
            ])
            #expect(created.status == .seeOther)
            let page = try await browser.get(try #require(created.location))
            #expect(page.body.contains("Patient registered. You are on the care team."))
            #expect(page.body.contains("Riverside Clinic: RV-1001"))
            #expect(page.body.contains("registered the patient and joined the care team as therapist"))
            #expect(try await browser.get("/patients").body.contains("Rivera, Sam"))
        }
    }

    @Test func invalidRegistrationIsExplainedAndNothingIsSaved() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example")
            let browser = world.browser()
            try await browser.signIn("ana@clinic.example")
            let answer = try await browser.post("/patients", [("givenName", ""), ("familyName", "Rivera"), ("dateOfBirth", "1984-02-30"), ("role", "wizard")])
            #expect(answer.status == .unprocessableContent)
            #expect(answer.body.contains("Given name is required."))
            #expect(answer.body.contains("Date of birth must be a real date"))
            #expect(answer.body.contains("Your role on the care team must be one of"))
            #expect(try await Patient.query(on: world.database.db()).count() == 0)
            #expect(try await AuditEntry.query(on: world.database.db()).filter(\.$action == "patient.create").count() == 0)
        }
    }

    @Test func aPatientYouAlreadyTreatIsFlaggedThenRegisteredOnConfirmation() async throws {
        try await withApp { world in
            let riverside = try await world.organisation()
            try await world.person("ana@clinic.example", in: riverside)
            let ana = world.browser()
            try await ana.signIn("ana@clinic.example")
            let fields = [("givenName", "José"), ("familyName", "De la Cruz"), ("dateOfBirth", "1990-01-02"), ("role", "therapist"),
                          ("organisationID", riverside.id!.uuidString.lowercased())]
            #expect(try await ana.post("/patients", fields).status == .seeOther)
            let again = [("givenName", "jose"), ("familyName", "Delacruz"), ("dateOfBirth", "1990-01-02"), ("role", "therapist"),
                         ("organisationID", riverside.id!.uuidString.lowercased())]
            let warned = try await ana.post("/patients", again)
            #expect(warned.status == .conflict)
            #expect(warned.body.contains("You are already on the care team of a patient with this name and date of birth"))
            #expect(try await Patient.query(on: world.database.db()).count() == 1)
            let confirmed = try await ana.post("/patients", again + [("confirmedDifferentPerson", "on")])
            #expect(confirmed.status == .seeOther)
            #expect(try await Patient.query(on: world.database.db()).count() == 2)
        }
    }

    @Test func aColleagueOffTheTeamLearnsNothingAndTheAdministratorsCheck() async throws {
        try await withApp { world in
            let riverside = try await world.organisation()
            let ana = try await world.person("ana@clinic.example", in: riverside)
            let chief = try await world.person("chief@clinic.example", in: riverside, role: .administrator)
            let existing = try await world.patient("José", "De la Cruz", born: "1990-01-02", registeredBy: ana, at: riverside)
            try await world.person("bo@clinic.example", name: "Bo", in: riverside)
            let bo = world.browser()
            try await bo.signIn("bo@clinic.example")
            let fields = [("givenName", "jose"), ("familyName", "Delacruz"), ("dateOfBirth", "1990-01-02"), ("role", "prescriber"),
                          ("organisationID", riverside.id!.uuidString.lowercased())]
            // Registered as any new patient would be: nothing says a record already exists.
            let registered = try await bo.post("/patients", fields)
            #expect(registered.status == .seeOther)
            #expect(try await Patient.query(on: world.database.db()).count() == 2)
            // The administrators are asked to check, by reference.
            let notice = try #require(try await world.notifications(for: chief).last)
            #expect(notice.contains(PatientReference.short(existing.id!)))
            #expect(!notice.contains("José") && !notice.contains("Cruz"))
        }
    }

    @Test func addedMemberIsNotifiedAndCanOpenTheRecord() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example", name: "Ana Silva")
            let patient = try await world.patient(registeredBy: ana)
            try await world.person("okafor@clinic.example", name: "Dr. Okafor")
            let id = patient.id!.uuidString.lowercased()
            let anaBrowser = world.browser()
            try await anaBrowser.signIn("ana@clinic.example")
            let added = try await anaBrowser.post("/patients/\(id)/team", [("email", "okafor@clinic.example"), ("role", "prescriber"), ("responsiblePrescriber", "on")])
            #expect(added.status == .seeOther)
            let okafor = world.browser()
            try await okafor.signIn("okafor@clinic.example")
            let notifications = try await okafor.get("/notifications")
            #expect(notifications.body.contains("Ana Silva added you to the care team of Sam Rivera as responsible prescriber."))
            let record = try await okafor.get("/patients/\(id)")
            #expect(record.status == .ok)
            #expect(record.body.contains("Prescriber (responsible prescriber)"))
        }
    }

    @Test func secondResponsiblePrescriberIsRefusedWithAReason() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let patient = try await world.patient(registeredBy: ana)
            try await world.addToTeam(patient, try await world.person("okafor@clinic.example"), as: .prescriber, responsible: true, by: ana)
            try await world.person("sato@clinic.example")
            let browser = world.browser()
            try await browser.signIn("ana@clinic.example")
            let answer = try await browser.post("/patients/\(patient.id!.uuidString.lowercased())/team", [("email", "sato@clinic.example"), ("role", "prescriber"), ("responsiblePrescriber", "on")])
            #expect(answer.status == .unprocessableContent)
            #expect(answer.body.contains("already has a responsible prescriber"))
            #expect(try await CareTeamMember.query(on: world.database.db()).count() == 2)
        }
    }

    @Test func unknownClinicianCannotBeAdded() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let patient = try await world.patient(registeredBy: ana)
            let api = try await world.apiToken(for: ana)
            let answer = try await api.call(.post, "/api/v1/patients/\(patient.id!.uuidString.lowercased())/care-team", json: #"{"email":"nobody@clinic.example","role":"therapist"}"#)
            #expect(answer.status == .unprocessableContent)
            #expect(answer.body.contains("No clinician in Liaison signs in as nobody@clinic.example"))
        }
    }

    @Test func endedMemberLosesAccessButHistoryRemains() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let patient = try await world.patient(registeredBy: ana)
            let bo = try await world.person("bo@clinic.example", name: "Bo Jensen")
            try await world.addToTeam(patient, bo, as: .caseManager, by: ana)
            let boAPI = try await world.apiToken(for: bo)
            let path = "/api/v1/patients/\(patient.id!.uuidString.lowercased())"
            #expect(try await boAPI.call(.get, path).status == .ok)
            let membership = try #require(try await CareTeamMember.query(on: world.database.db()).filter(\.$user.$id == bo.requireID()).first())
            let anaAPI = try await world.apiToken(for: ana)
            let ended = try await anaAPI.call(.post, path + "/care-team/\(membership.id!.uuidString.lowercased())/end")
            #expect(ended.status == .ok)
            #expect(try await boAPI.call(.get, path).status == .notFound)
            let team = try await anaAPI.call(.get, path + "/care-team")
            #expect(team.body.contains("Bo Jensen"))
            #expect(team.body.contains("endedAt"))
        }
    }
}

@Suite struct NotesAndConsentTests {
    /// Therapist Ana, prescriber Okafor and primary-care Haddad share a patient.
    func team(_ world: TestWorld) async throws -> (Patient, UserAccount, UserAccount, UserAccount) {
        let ana = try await world.person("ana@clinic.example", name: "Ana Silva")
        let patient = try await world.patient(registeredBy: ana, role: .therapist)
        let okafor = try await world.person("okafor@clinic.example")
        let haddad = try await world.person("haddad@clinic.example")
        try await world.addToTeam(patient, okafor, as: .prescriber, by: ana)
        try await world.addToTeam(patient, haddad, as: .primaryCare, by: ana)
        return (patient, ana, okafor, haddad)
    }

    func notes(_ world: TestWorld, _ patient: Patient, as user: UserAccount) async throws -> String {
        try await world.apiToken(for: user).call(.get, "/api/v1/patients/\(patient.id!.uuidString.lowercased())/notes").body
    }

    @Test func privateProcessNoteIsSeenByItsAuthorOnly() async throws {
        try await withApp { world in
            let (patient, ana, okafor, _) = try await team(world)
            _ = try await world.patientService.addNote(to: patient.requireID(), kind: "private-process", body: "Transference themes.", by: world.caller(ana))
            _ = try await world.patientService.addNote(to: patient.requireID(), kind: "team", body: "Sleep improving.", by: world.caller(ana))
            #expect(try await notes(world, patient, as: ana).contains("Transference themes."))
            let prescriber = try await notes(world, patient, as: okafor)
            #expect(!prescriber.contains("Transference themes."))
            #expect(prescriber.contains("Sleep improving."))
        }
    }

    @Test func patientConsentWithholdsTherapyNotesFromPrimaryCare() async throws {
        try await withApp { world in
            let (patient, ana, okafor, haddad) = try await team(world)
            _ = try await world.patientService.addNote(to: patient.requireID(), kind: "team", body: "Discussed trauma history.", by: world.caller(ana))
            #expect(try await notes(world, patient, as: haddad).contains("Discussed trauma history."))
            let browser = world.browser()
            try await browser.signIn("ana@clinic.example")
            let saved = try await browser.post("/patients/\(patient.id!.uuidString.lowercased())/consent", [("withheld", "primary-care:therapist")])
            #expect(saved.status == .seeOther)
            #expect(!(try await notes(world, patient, as: haddad).contains("Discussed trauma history.")))
            #expect(try await notes(world, patient, as: okafor).contains("Discussed trauma history."))
            let page = try await browser.get("/patients/\(patient.id!.uuidString.lowercased())")
            #expect(page.body.contains("Notes are not shared between primary care and therapist."))
        }
    }

    @Test func unknownConsentPairIsRefusedAndNothingChanges() async throws {
        try await withApp { world in
            let (patient, ana, _, _) = try await team(world)
            let answer = try await world.apiToken(for: ana).call(.put, "/api/v1/patients/\(patient.id!.uuidString.lowercased())/consent", json: #"{"withheld":["therapist:astrologer"]}"#)
            #expect(answer.status == .unprocessableContent)
            #expect(try await ConsentRecord.query(on: world.database.db()).count() == 0)
        }
    }

    @Test func emptyNoteIsRefused() async throws {
        try await withApp { world in
            let (patient, ana, _, _) = try await team(world)
            let browser = world.browser()
            try await browser.signIn(ana.email)
            let answer = try await browser.post("/patients/\(patient.id!.uuidString.lowercased())/notes", [("kind", "team"), ("body", "   ")])
            #expect(answer.status == .unprocessableContent)
            #expect(answer.body.contains("Note is required."))
            #expect(try await Note.query(on: world.database.db()).count() == 0)
        }
    }
}

@Suite struct EndingMembershipsTests {
    @Test func endingAMembershipAsksFirstAndTheLastMemberStays() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example", name: "Ana Silva")
            let bo = try await world.person("bo@clinic.example", name: "Bo Chen")
            let patient = try await world.patient(registeredBy: ana)
            try await world.addToTeam(patient, bo, as: .prescriber, by: ana)
            let members = try await CareTeamMember.query(on: world.database.db()).filter(\.$patient.$id == patient.requireID()).all()
            let boMember = members.first { $0.$user.id == bo.id }!, anaMember = members.first { $0.$user.id == ana.id }!
            let browser = world.browser()
            try await browser.signIn(ana.email)
            let path = SiteURL.endMembership(patient: patient.id!, member: boMember.id!).path
            #expect(try await browser.get(SiteURL.patient(patient.id!).path).body.contains("href=\"\(path)\""))
            let confirm = try await browser.get(path)
            #expect(confirm.status == .ok)
            #expect(confirm.body.contains("End <strong>Bo Chen</strong>&#39;s membership") || confirm.body.contains("End <strong>Bo Chen</strong>'s membership"))
            #expect(try await CareTeamMember.find(boMember.id, on: world.database.db())?.endedAt == nil)
            #expect(try await browser.post(path, []).status == .seeOther)
            // Ana is now the only member: her membership cannot end.
            let api = try await world.apiToken(for: ana)
            let last = try await api.call(.post, "/api/v1/patients/\(patient.id!.uuidString.lowercased())/care-team/\(anaMember.id!.uuidString.lowercased())/end")
            #expect(last.status == .unprocessableContent)
            #expect(last.body.contains("only member of the care team"))
            #expect(try await CareTeamMember.find(anaMember.id, on: world.database.db())?.endedAt == nil)
        }
    }
}

extension CareTeamTests {
    @Test func onlyTheResponsiblePrescriberEndsAnotherClinciansPlace() async throws {
        try await withApp { world in
            let c = try await world.splitTreatment()
            let members = try await CareTeamMember.query(on: world.database.db()).filter(\.$patient.$id == c.patient.id!).all()
            let sato = members.first { $0.$user.id == c.sato.id }!, delgado = members.first { $0.$user.id == c.delgado.id }!
            let therapist = world.browser()
            try await therapist.signIn("delgado@clinic.example")
            let refused = try await therapist.post(SiteURL.endMembership(patient: c.patient.id!, member: sato.id!).path, [])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.body.contains("Only the patient&#39;s responsible prescriber") || refused.body.contains("Only the patient's responsible prescriber"))
            #expect(try await CareTeamMember.find(sato.id, on: world.database.db())?.endedAt == nil)
            let prescriber = world.browser()
            try await prescriber.signIn("sato@clinic.example")
            try await world.addToTeam(c.patient, c.outsider, as: .caseManager, by: c.delgado)
            let caseManager = try #require(try await CareTeamMember.query(on: world.database.db()).filter(\.$user.$id == c.outsider.id!).first())
            #expect(try await prescriber.post(SiteURL.endMembership(patient: c.patient.id!, member: caseManager.id!).path, []).status == .seeOther)
            #expect(try await CareTeamMember.find(caseManager.id, on: world.database.db())?.endedAt != nil)
            // Anyone may leave: the answer is the team as it now stands, though they may no longer read it.
            let left = try await world.apiToken(for: c.delgado).call(.post, APIURL.endMembership(patient: c.patient.id!, member: delgado.id!).path)
            #expect(left.status == .ok)
            #expect((try left.json()["members"] as? [[String: Any]])?.contains { $0["id"] as? String == delgado.id!.uuidString && $0["endedAt"] != nil } == true)
            #expect(try await therapist.get(SiteURL.patient(c.patient.id!).path).status == .notFound)
        }
    }
}
