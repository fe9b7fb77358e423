import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// A synthetic waiting list: Dr. Ramírez (psychiatry, St. Brendan's) had no opening for medication
/// management; Priya Natarajan's team put her on the list a month ago, Marcus Oyelaran's ten days
/// later. An opening came up: Priya's offer lapsed unanswered, and Marcus holds one now.
enum DemoWaitlists {
    static func load(database: LiaisonDatabase, clock: any Clock, caller: (String) async throws -> Caller) async throws {
        let db = database.db()
        func waitlists(_ daysAgo: Double) -> WaitlistService {
            Services.offline(database: database, clock: DemoReferrals.ShiftedClock(base: clock, offset: -daysAgo * 86400), label: "demo").waitlists
        }
        func patient(_ family: String) async throws -> UUID {
            try await Patient.query(on: db).filter(\.$familyName == family).first()!.requireID()
        }
        let ramirez = try await caller("dr.ramirez").userID
        let profile = try await DirectoryQueries.profile(ofUser: ramirez, on: db)!
        func setOpenings(_ count: Int) async throws {
            let service = ClinicalService.medicationManagement.rawValue
            if let row = try await ServiceOpening.query(on: db).filter(\.$profile.$id == profile.requireID()).filter(\.$service == service).first() {
                row.openings = count
                try await row.save(on: db)
            } else {
                try await ServiceOpening(profileID: profile.requireID(), service: service, openings: count).create(on: db)
            }
        }
        try await setOpenings(0)
        let addition = { (urgency: Urgency) in
            WaitlistService.Addition(clinicianID: ramirez, service: ClinicalService.medicationManagement.rawValue, urgency: urgency.rawValue)
        }
        _ = try await waitlists(30).add(addition(.urgent), patient: try await patient("Natarajan"), by: try await caller("dr.haddad"))
        _ = try await waitlists(20).add(addition(.routine), patient: try await patient("Oyelaran"), by: try await caller("g.morales"))
        try await setOpenings(1)
        _ = try await waitlists(10).sweep()
        _ = try await waitlists(1).sweep()
    }
}
