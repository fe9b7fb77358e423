import FluentKit
import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData
import Testing
@testable import LiaisonServer

/// A patient's details are corrected by the clinicians treating them, with a reason; the old
/// values stay in the record's history, the audit log has the step, and the team is told.
@Suite struct PatientCorrectionTests {
    static func path(_ patient: Patient) -> String { "/patients/\(patient.id!.uuidString.lowercased())/details" }

    static func fields(_ c: SplitTreatment, changing changes: [String: String]) -> [(String, String)] {
        var values = [
            "givenName": "Sam", "familyName": "Rivera", "dateOfBirth": "1984-03-27", "pronouns": "", "phone": "", "email": "", "address": "",
            "preferredLanguage": "", "reason": "Mistyped at registration.",
        ]
        values.merge(changes) { _, new in new }
        return values.sorted { $0.key < $1.key }
    }

    @Test func aTreatingClinicianCorrectsTheDetailsAndTheOldValuesStayInTheHistory() async throws {
        try await withApp { world in
            let c = try await world.splitTreatment()
            let delgado = world.browser()
            try await delgado.signIn("delgado@clinic.example")
            let form = try await delgado.get(Self.path(c.patient))
            #expect(form.status == .ok && form.body.contains("value=\"1984-03-27\"") && form.body.contains("Nothing has been corrected"))
            let number = "recordNumbers.\(c.clinic.id!.uuidString.lowercased())"
            let saved = try await delgado.post(Self.path(c.patient), Self.fields(c, changing: [
                "dateOfBirth": "1984-03-28", "phone": "+1 555 0100", "preferredLanguage": "Spanish", number: "RC-2231",
            ]))
            #expect(saved.status == .seeOther)
            let db = world.database.db()
            let patient = try #require(try await Patient.find(c.patient.id, on: db))
            #expect(patient.dateOfBirth == "1984-03-28" && patient.phone == "+1 555 0100" && patient.preferredLanguage == "Spanish")
            #expect(patient.matchKey.hasSuffix("1984-03-28"), "duplicate detection finds the patient under the corrected date")
            #expect(try await PatientIdentifier.query(on: db).filter(\.$patient.$id == c.patient.id!).first()?.value == "RC-2231")
            let history = try await PatientCorrection.query(on: db).filter(\.$patient.$id == c.patient.id!).all()
            #expect(Set(history.map { "\($0.field):\($0.oldValue)>\($0.newValue)" }) == [
                "dateOfBirth:1984-03-27>1984-03-28", "phone:>+1 555 0100", "preferredLanguage:>Spanish", "identifier:>RC-2231",
            ])
            #expect(history.allSatisfy { $0.reason == "Mistyped at registration." && $0.$correctedBy.id == c.delgado.id! })
            #expect(try await world.auditEntries(for: c.patient).contains { $0.action == "patient.correct" })
            let told = try await Notification.query(on: db).filter(\.$kind == "patient.corrected").all()
            #expect(told.map(\.$user.id) == [c.sato.id!], "the rest of the team is told; the corrector is not")
            #expect(told.first?.message.contains("date of birth, phone, preferred language, record number at Riverside Clinic") == true)

            let page = try await delgado.get(Self.path(c.patient))
            #expect(page.body.contains("History of corrections") && page.body.contains("1984-03-27") && page.body.contains("Mistyped at registration."))
            let record = try await delgado.get("/patients/\(c.patient.id!.uuidString.lowercased())")
            #expect(record.body.contains("Prefers Spanish") && record.body.contains("corrected 4 times"))
            #expect(record.body.contains("corrected the patient&#39;s date of birth") || record.body.contains("corrected the patient's date of birth"))
        }
    }

    @Test func badInputIsRefusedKeepsWhatWasTypedAndChangesNothing() async throws {
        try await withApp { world in
            let c = try await world.splitTreatment()
            let other = try await world.patient("Alex", "Other", registeredBy: c.delgado, at: c.clinic)
            let number = "recordNumbers.\(c.clinic.id!.uuidString.lowercased())"
            _ = try await world.patientService.correct(
                other.id!, .init(details: PatientDraft(), recordNumbers: [c.clinic.id!: "RC-1"], reason: "Given by the hospital."),
                by: world.caller(c.delgado, memberOf: [c.clinic]))
            let delgado = world.browser()
            try await delgado.signIn("delgado@clinic.example")
            for (changes, message) in [
                (["reason": ""], "Why the details are corrected is required"),
                (["dateOfBirth": "2099-01-01"], "cannot be in the future"),
                (["dateOfBirth": "1984-02-30"], "must be a real date"),
                ([String: String](), "Nothing was changed"),
                ([number: "RC-1"], "already another patient"),
                (["recordNumbers.\(UUID().uuidString.lowercased())": "X-1"], "only at your own organisations"),
                (["email": "not an address", "phone": "+1 555 0199"], "does not look like an email address"),
            ] {
                let answer = try await delgado.post(Self.path(c.patient), Self.fields(c, changing: changes))
                #expect(answer.status == .unprocessableContent, "\(changes)")
                #expect(answer.body.contains(message), "\(changes): \(message)")
            }
            let kept = try await delgado.post(Self.path(c.patient), Self.fields(c, changing: ["email": "not an address", "phone": "+1 555 0199"]))
            #expect(kept.body.contains("value=\"+1 555 0199\""), "what was typed comes back")
            let db = world.database.db()
            #expect(try await PatientCorrection.query(on: db).filter(\.$patient.$id == c.patient.id!).count() == 0)
            #expect(try await Patient.find(c.patient.id, on: db)?.phone == "")
        }
    }

    @Test func onlyTheTreatingTeamMayCorrectOrReadTheHistory() async throws {
        try await withApp { world in
            let c = try await world.splitTreatment()
            let outsider = world.browser()
            try await outsider.signIn("nobody@clinic.example")
            #expect(try await outsider.get(Self.path(c.patient)).status == .notFound)
            #expect(try await outsider.post(Self.path(c.patient), Self.fields(c, changing: ["phone": "+1 555 0100"])).status == .notFound)
            let api = try await world.apiToken(for: c.outsider)
            let patch = try await api.call(.patch, APIURL.patient(c.patient.id!).path, json: #"{"phone":"+1 555 0100","reason":"x"}"#)
            #expect(patch.status == .notFound)
            #expect(try await Patient.find(c.patient.id, on: world.database.db())?.phone == "")
        }
    }

    @Test func theAPICorrectsOnlyTheFieldsGivenAndTenCorrectionsAtOnceAreAllInTheHistory() async throws {
        try await withApp { world in
            let c = try await world.splitTreatment()
            let api = try await world.apiToken(for: c.sato)
            let path = APIURL.patient(c.patient.id!).path
            let answer = try await api.call(.patch, path, json: #"{"phone":"+1 555 0100","reason":"New number from the patient."}"#)
            #expect(answer.status == .ok)
            #expect(try answer.json()["phone"] as? String == "+1 555 0100")
            #expect(try answer.json()["givenName"] as? String == "Sam", "fields left out stay as they are")
            #expect(try answer.json()["referrals"] is [Any])
            let history = try await api.call(.get, APIURL.corrections(c.patient.id!).path)
            #expect((try history.json()["corrections"] as? [[String: Any]])?.first?["oldValue"] as? String == "")

            let statuses = try await withTwoServers(world) { clients in
                try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for index in 0..<10 {
                        group.addTask {
                            try await APIClient(client: clients[index % 2], token: api.token)
                                .call(.patch, path, json: #"{"phone":"+1 555 01\#(10 + index)","reason":"At once."}"#).status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            #expect(statuses.allSatisfy { $0 == .ok || $0 == .serviceUnavailable }, "\(statuses)")
            // Each correction read the value the one before it wrote: the history is one unbroken
            // chain from the first value to the last, and no two corrections started from the same one.
            let phones = try await PatientCorrection.query(on: world.database.db()).filter(\.$patient.$id == c.patient.id!).filter(\.$field == "phone").all()
            #expect(phones.count == 1 + statuses.filter { $0 == .ok }.count)
            #expect(Set(phones.map(\.oldValue)).count == phones.count, "a correction overwrote one it never saw")
            let next = Dictionary(phones.map { ($0.oldValue, $0.newValue) }, uniquingKeysWith: { first, _ in first })
            var value = "", steps = 0
            while let following = next[value], steps <= phones.count {
                value = following
                steps += 1
            }
            #expect(steps == phones.count)
            #expect(try await Patient.find(c.patient.id, on: world.database.db())?.phone == value)
        }
    }
}
