import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Synthetic care events, through the same feed a hospital would use: St. Brendan's General
/// Hospital sends ADT messages as facility STBRENDANS. Priya Natarajan registered in its emergency
/// department three hours ago and nobody has acknowledged it yet; Jamie Calloway was admitted nine
/// days ago (Dr. Brennan acknowledged it) and discharged two days ago, so a visit is owed within
/// the week. Each patient's St. Brendan's number is on their record, which is how the feed finds
/// them; Elena Vasquez has one too, for trying the feed by hand.
enum DemoCareEvents {
    static let sendingFacility = "STBRENDANS"
    static let numbers = ["Natarajan": "SB-100412", "Calloway": "SB-100234", "Vasquez": "SB-100871"]

    static func load(database: LiaisonDatabase, clock: any Clock, caller: (String) async throws -> Caller) async throws {
        let db = database.db()
        guard let hospital = try await Organisation.query(on: db).filter(\.$kind == OrganisationKind.hospital.rawValue).first(),
              let administrator = try await UserAccount.query(on: db).filter(\.$email == DemoData.administratorEmail).first()
        else { return }
        try await HospitalFeed(
            organisationID: hospital.id!, name: "St. Brendan's ADT", sendingFacility: sendingFacility, timeZone: hospital.timeZone, createdBy: administrator.id!,
            createdAt: clock.now().addingTimeInterval(-30 * 86400)
        ).create(on: db)
        for (family, number) in numbers {
            guard let patient = try await Patient.query(on: db).filter(\.$familyName == family).first() else { continue }
            try await PatientIdentifier(patientID: patient.id!, organisationID: hospital.id!, value: number).create(on: db)
        }
        func feeds(_ hoursAgo: Double) -> HospitalFeedService {
            Services.offline(database: database, clock: DemoReferrals.ShiftedClock(base: clock, offset: -hoursAgo * 3600), label: "demo").feeds
        }
        func send(_ trigger: String, _ family: String, hoursAgo: Double, patientClass: String, location: String, visit: String) async {
            let time = HL7Time.format(clock.now().addingTimeInterval(-hoursAgo * 3600))
            let message = [
                "MSH|^~\\&|ADT|\(sendingFacility)|LIAISON|LIAISON|\(time)||ADT^\(trigger)^ADT_A01|DEMO-\(trigger)-\(family.uppercased())|P|2.5.1",
                "EVN|\(trigger)|\(time)",
                "PID|1||\(numbers[family]!)^^^STBRENDANS^MR||\(family.uppercased())^SYNTHETIC",
                "PV1|1|\(patientClass)|\(location)" + String(repeating: "|", count: 16) + visit,
            ].joined(separator: "\r")
            _ = await feeds(hoursAgo).receive(Array(message.utf8))
        }
        await send("A04", "Natarajan", hoursAgo: 3, patientClass: "E", location: "ED^BAY 4^^ST BRENDANS", visit: "V-7781")
        await send("A01", "Calloway", hoursAgo: 9 * 24, patientClass: "I", location: "4 WEST^412^B^ST BRENDANS", visit: "V-7702")
        if let admission = try await CareEvent.query(on: db).filter(\.$visitNumber == "V-7702").first() {
            let brennan = try await caller("dr.brennan")
            let service = Services.offline(database: database, clock: DemoReferrals.ShiftedClock(base: clock, offset: -(9 * 24 - 2) * 3600), label: "demo").careEvents
            try await service.acknowledge(admission.id!, note: "Called the ward; spoke with the admitting psychiatrist. Will see Jamie within a week of discharge.", by: brennan)
        }
        await send("A03", "Calloway", hoursAgo: 2 * 24, patientClass: "I", location: "4 WEST^412^B^ST BRENDANS", visit: "V-7702")
    }
}
