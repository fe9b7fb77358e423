import FluentKit
import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData
import Testing
@testable import LiaisonServer

/// The registry: a clinician's caseload by name, an organisation's by reference for its
/// administrators with a stated reason; filters, order, CSV.
@Suite struct RegistryTests {
    @Test func theCaseloadShowsScoresChangeAndAlertsFilteredAndSorted() async throws {
        try await withApp { world in
            let c = try await MeasurementTests.setUp(world)
            let other = try await world.patient("Alex", "Moreno", registeredBy: c.sato, role: .prescriber, at: c.clinic)
            let measurement = world.services.measurement
            func enter(_ patient: Patient, _ total: Int, item9: Int = 0) async throws {
                _ = try await measurement.enter("phq-9", answers: Dictionary(uniqueKeysWithValues: MeasurementTests.phq9(total: total, item9: item9)), for: patient.id!, requestID: nil, by: world.caller(c.sato))
            }
            try await enter(c.patient, 20)
            try await enter(other, 18)
            world.clock.advance(by: 6 * 7 * 86400)
            try await enter(c.patient, 19, item9: 1)
            try await enter(other, 6)
            let sato = try await world.apiToken(for: c.sato)
            let all = try await sato.call(.get, "/api/v1/registry").json()
            #expect(all["total"] as? Int == 2)
            let rows = try #require(all["rows"] as? [[String: Any]])
            #expect(rows.first?["name"] as? String == "Sam Rivera", "least improved first")
            #expect(rows.first?["changePercent"] as? Int == -5)
            #expect(rows.first?["weeksInTreatment"] as? Int == 6)
            #expect((rows.first?["alerts"] as? [String]) == ["self-harm-item"])
            #expect(rows.last?["band"] as? String == "Mild")
            let flagged = try await sato.call(.get, "/api/v1/registry?flag=self-harm-item").json()
            #expect(flagged["total"] as? Int == 1)
            #expect(try await sato.call(.get, "/api/v1/registry?band=mild").json()["total"] as? Int == 1)
            #expect(try await sato.call(.get, "/api/v1/registry?sort=latest&band=Severe").json()["total"] as? Int == 0)
            #expect(try await sato.call(.get, "/api/v1/registry?sort=sideways").status == .unprocessableContent)
            #expect(try await world.apiToken(for: c.outsider).call(.get, "/api/v1/registry").json()["total"] as? Int == 0, "only the viewer's patients")

            let browser = world.browser()
            try await browser.signIn("sato@clinic.example")
            let page = try await browser.get("/registry?sort=patient")
            #expect(page.body.contains("Sam Rivera"))
            #expect(page.body.contains("Download as CSV"))
            let csv = try await browser.get("/registry?format=csv")
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = csv.body.split(separator: "\r\n")
            #expect(lines.first == "patient,instrument,latest,band,baseline,change_percent,weeks_in_treatment,last_contact,next_follow_up,alerts")
            #expect(lines.count == 3)

            // The next follow-up is on the row: ordered and filtered by it.
            try await world.services.carePlans.setCadence(role: "prescriber", level: "worsening", days: nil, for: c.patient.id!, by: world.caller(c.sato))
            #expect(try await sato.call(.get, "/api/v1/registry?overdue=true").json()["total"] as? Int == 0)
            world.clock.advance(by: 29 * 86400)
            #expect(try await sato.call(.get, "/api/v1/registry?overdue=true").json()["total"] as? Int == 1)
            let byDue = try #require(try await sato.call(.get, "/api/v1/registry?sort=due").json()["rows"] as? [[String: Any]])
            #expect(byDue.first?["name"] as? String == "Sam Rivera", "a follow-up due sorts before none")
            #expect(byDue.last?["nextFollowUp"] == nil)
        }
    }

    @Test func anOrganisationsRegistryIsForItsAdministratorsByReferenceWithAReason() async throws {
        try await withApp { world in
            let c = try await MeasurementTests.setUp(world)
            _ = try await world.services.measurement.enter(
                "phq-9", answers: Dictionary(uniqueKeysWithValues: MeasurementTests.phq9(total: 12)), for: c.patient.id!, requestID: nil, by: world.caller(c.sato))
            let path = "/api/v1/organisations/\(c.clinic.id!.uuidString.lowercased())/registry"
            #expect(try await world.apiToken(for: c.sato).call(.get, path + "?reason=curious").status == .forbidden, "administrators only")
            let admin = try await world.apiToken(for: c.administrator)
            #expect(try await admin.call(.get, path).status == .unprocessableContent, "a reason is required")
            let answer = try await admin.call(.get, path + "?reason=Quarterly%20quality%20review")
            #expect(answer.status == .ok)
            #expect(!answer.body.contains("Rivera"))
            let row = try #require((try answer.json()["rows"] as? [[String: Any]])?.first)
            #expect(row["name"] == nil && row["patientID"] == nil)
            #expect(row["patientReference"] as? String == PatientReference.short(c.patient.id!))
            let audited = try await AuditEntry.query(on: world.database.db()).filter(\.$action == "registry.read").all()
            #expect(audited.contains { $0.purpose == "Quarterly quality review" })
        }
    }

    @Test func theCSVQuotesWhatASpreadsheetWouldRun() {
        #expect(RegistryService.csvField("Sam Rivera") == "Sam Rivera")
        #expect(RegistryService.csvField("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(RegistryService.csvField("-5") == "-5", "a number stays a number")
        #expect(RegistryService.csvField("-cmd") == "'-cmd")
        #expect(RegistryService.csvField("O'Neil, Pat") == "\"O'Neil, Pat\"")
        #expect(RegistryService.csvField("two\nlines") == "\"two\nlines\"")
    }
}
