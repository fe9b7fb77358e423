import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Synthetic measurement-based care: Jamie Calloway answered a PHQ-9 every four weeks in the
/// portal (16, 13, 12) and has the next one waiting; Elena Vasquez's PHQ-9 has hardly moved in
/// eleven weeks (22, 20, 19), so she is on the case-review list; Priya Natarajan's GAD-7 fell from
/// 15 to 4 (remission), entered by her therapist.
enum DemoMeasurement {
    static func load(database: LiaisonDatabase, clock: any Clock, caller: (String) async throws -> Caller) async throws {
        func measurement(_ daysAgo: Double) -> MeasurementService {
            Services.offline(database: database, clock: DemoReferrals.ShiftedClock(base: clock, offset: -daysAgo * 86400), label: "demo").measurement
        }
        func patient(_ family: String) async throws -> Patient {
            try await Patient.query(on: database.db()).filter(\.$familyName == family).first()!
        }
        /// PHQ-9 or GAD-7 answers adding up to `total`, item by item, item 9 at 0.
        func answers(_ kind: InstrumentKind, _ total: Int) -> [String: String] {
            var left = total
            var raw: [String: String] = [:]
            for item in kind.instrument.items where item.scored {
                let value = item.key == "9" ? 0 : min(3, left)
                raw[item.key] = String(value)
                left -= value
            }
            return raw
        }

        let calloway = try await patient("Calloway")
        let brennan = try await caller("dr.brennan"), jamie = try await caller("jamie.calloway")
        var request = try await measurement(86).request(.init(instrument: "phq-9", dueInDays: "3", repeatDays: "28"), for: calloway.id!, by: brennan)
        for (daysAgo, total) in [(84.0, 16), (56.0, 13), (28.0, 12)] {
            _ = try await measurement(daysAgo).complete(request.id!, answers: answers(.phq9, total), patient: calloway, by: jamie)
            guard let next = try await MeasurementQueries.openRequests(of: calloway.id!, on: database.db()).first else { break }
            request = next
        }

        let vasquez = try await patient("Vasquez")
        let sato = try await caller("dr.sato")
        for (daysAgo, total) in [(77.0, 22), (49.0, 20), (0.5, 19)] {
            _ = try await measurement(daysAgo).enter("phq-9", answers: answers(.phq9, total), for: vasquez.id!, requestID: nil, by: sato)
        }

        let natarajan = try await patient("Natarajan")
        let oconnor = try await caller("s.oconnor")
        for (daysAgo, total) in [(70.0, 15), (42.0, 6), (14.0, 4)] {
            _ = try await measurement(daysAgo).enter("gad-7", answers: answers(.gad7, total), for: natarajan.id!, requestID: nil, by: oconnor)
        }
    }
}
