import FluentKit
import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData
import Testing
@testable import LiaisonServer

/// An organisation's administrators keep its public holidays, typed in or loaded from an ICS
/// file; due dates counted in business days skip them.
@Suite struct HolidayTests {
    static let file = [
        "BEGIN:VCALENDAR", "VERSION:2.0",
        "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20270118", "SUMMARY:Martin Luther King Jr. Day", "END:VEVENT",
        "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20270119", "SUMMARY:Staff training day", "END:VEVENT",
        "END:VCALENDAR",
    ].joined(separator: "\r\n")

    @Test func anAdministratorLoadsAFileAndAReferralsDueDateSkipsTheHolidays() async throws {
        // The clock starts on Friday 2027-01-15 at 03:00 in New York.
        try await withApp { world in
            let c = try await world.splitTreatment()
            let path = SiteURL.organisationHolidays(c.clinic.id!).path
            let admin = world.browser()
            try await admin.signIn("admin@clinic.example")
            #expect(try await admin.get(path).body.contains("No holidays are set"))
            let loaded = try await admin.upload(SiteURL.organisationHolidaysImport(c.clinic.id!).path, file: "file", filename: "holidays.ics", content: Self.file)
            #expect(loaded.status == .seeOther, "\(loaded.body.prefix(2000))")
            let page = try await admin.get(path)
            #expect(page.body.contains("Loaded 2 holidays from the file (2 new)"))
            #expect(page.body.contains("Martin Luther King Jr. Day") && page.body.contains("Staff training day"))

            // A routine referral sent on Friday is due three business days later: Monday and Tuesday are closed.
            let referral = try await world.referral(c.patient, from: c.delgado, to: c.sato)
            let zone = TimeZone(identifier: "America/New_York")!
            #expect(referral.acknowledgementDueAt == DateOnly("2027-01-22")!.start(in: zone).addingTimeInterval(86_400 - 1))

            // Removing one, and a bad one refused with the reason; clinicians see the list but do not change it.
            #expect(try await admin.post(SiteURL.organisationHoliday(c.clinic.id!, day: "2027-01-19").path, []).status == .seeOther)
            let bad = try await admin.post(path, [("day", "2027-02-30"), ("name", "Nope")])
            #expect(bad.status == .unprocessableContent && bad.body.contains("must be a real date"))
            let notCalendar = try await admin.upload(SiteURL.organisationHolidaysImport(c.clinic.id!).path, file: "file", filename: "x.csv", content: "a,b")
            #expect(notCalendar.status == .unprocessableContent && notCalendar.body.contains("not an iCalendar"))
            #expect(try await Organisation.find(c.clinic.id, on: world.database.db())?.holidays.map(\.name) == ["Martin Luther King Jr. Day"])
            let clinician = world.browser()
            try await clinician.signIn("delgado@clinic.example")
            #expect(try await clinician.get(path).body.contains("Martin Luther King Jr. Day"))
            #expect(try await clinician.post(path, [("day", "2027-02-15"), ("name", "Presidents' Day")]).status == .forbidden)
        }
    }

    @Test func theAPIAddsOneOrAFileAndTwoAdministratorsAtOnceBothKeepTheirs() async throws {
        try await withApp { world in
            let c = try await world.splitTreatment()
            let api = try await world.apiToken(for: c.administrator)
            let path = APIURL.organisationHolidays(c.clinic.id!).path
            let one = try await api.call(.post, path, json: #"{"day":"2027-07-05","name":"Independence Day (observed)"}"#)
            #expect(one.status == .created)
            let file = try await api.call(.post, path, body: Self.file, headers: [.contentType: "text/calendar"])
            #expect(file.status == .created)
            #expect((try file.json()["holidays"] as? [[String: String]])?.count == 3)
            #expect(try await api.call(.post, path, json: #"{"day":"soon","name":"x"}"#).status == .unprocessableContent)
            #expect(try await api.call(.delete, APIURL.organisationHoliday(c.clinic.id!, day: "2027-07-05").path).status == .ok)
            #expect(try await api.call(.delete, APIURL.organisationHoliday(c.clinic.id!, day: "2027-07-05").path).status == .notFound)

            let token = api.token
            let statuses = try await withTwoServers(world) { clients in
                try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for index in 0..<8 {
                        group.addTask {
                            let day = String(format: "2027-03-%02d", index + 1)
                            return try await APIClient(client: clients[index % 2], token: token).call(.post, path, json: #"{"day":"\#(day)","name":"Closed \#(index)"}"#).status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            #expect(statuses.allSatisfy { $0 == .created || $0 == .serviceUnavailable }, "\(statuses)")
            // Each holiday added is kept: none overwrote another it had not read.
            let kept = try await Organisation.find(c.clinic.id, on: world.database.db())?.holidays ?? []
            #expect(kept.filter { $0.name.hasPrefix("Closed") }.count == statuses.filter { $0 == .created }.count)
        }
    }
}
