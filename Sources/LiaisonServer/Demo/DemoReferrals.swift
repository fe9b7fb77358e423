import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Synthetic referrals in every state of the loop, some overdue, made through the referral
/// service with clocks set in the past so due dates, reminders and metrics are real.
enum DemoReferrals {
    /// A clock that reads `offset` seconds away from another.
    struct ShiftedClock: Clock {
        let base: any Clock
        let offset: TimeInterval
        func now() -> Date { base.now().addingTimeInterval(offset) }
    }

    static func load(database: LiaisonDatabase, clock: any Clock, caller: (String) async throws -> Caller) async throws {
        let db = database.db()
        func service(_ daysAgo: Double) -> ReferralService {
            let shifted = ShiftedClock(base: clock, offset: -daysAgo * 86400)
            return Services.offline(database: database, clock: shifted, label: "demo").referrals
        }
        func patient(_ family: String) async throws -> UUID {
            try await Patient.query(on: db).filter(\.$familyName == family).first()!.requireID()
        }
        func user(_ handle: String) async throws -> UUID {
            try await UserAccount.query(on: db).filter(\.$email == "\(handle)@demo.liaison.example").first()!.requireID()
        }
        func refer(_ family: String, from: String, to: String?, intake: UUID? = nil, urgency: Urgency = .routine, daysAgo: Double, reason: String, draft: Bool = false) async throws -> UUID {
            try await service(daysAgo).create(
                .init(patientID: try await patient(family), recipientID: try await to.asyncMap(user), recipientOrganisationID: intake,
                      urgency: urgency.rawValue, letter: ["reason": reason, "questions": "Please advise on next steps.", "hopes": "Steady improvement and a clear plan."],
                      sendNow: !draft),
                by: try await caller(from)).requireID()
        }
        let acknowledgement = ["presentingProblem": "Low mood and anxiety, worse over three months.", "plan": "Weekly sessions for 12 weeks; review at week 6.", "contact": "Secure message in Liaison; replies within one business day."]

        // Closed loop: referred 60 days ago, acknowledged next day, treated, closed.
        let closed = try await refer("Calloway", from: "dr.brennan", to: "b.walker", daysAgo: 60, reason: "Needs weekly therapy alongside medication.")
        try await service(59).accept(closed, note: acknowledgement, role: nil, by: try await caller("b.walker"))
        try await service(50).startCare(closed, by: try await caller("b.walker"))
        try await service(10).close(closed, note: ["course": "8 sessions of behavioural activation.", "outcome": "PHQ-9 fell from 17 to 8.", "recommendations": "Continue medication; re-refer if PHQ-9 rises above 15."], by: try await caller("b.walker"))

        // Overdue: sent six days ago, never acknowledged.
        _ = try await refer("Natarajan", from: "dr.haddad", to: "r.delgado", daysAgo: 6, reason: "Panic attacks twice a week; wants therapy.")
        // Accepted and scheduled.
        let scheduled = try await refer("Natarajan", from: "dr.haddad", to: "dr.sato", urgency: .urgent, daysAgo: 10, reason: "Medication review: side effects on current SSRI.")
        try await service(9).accept(scheduled, note: acknowledgement, role: nil, by: try await caller("dr.sato"))
        try await service(8).schedule(scheduled, firstAppointment: DateOnly.of(clock.now().addingTimeInterval(5 * 86400), in: .gmt).description, by: try await caller("dr.sato"))

        // Declined with a redirect; the redirected referral is waiting, due soon.
        let declined = try await refer("Oyelaran", from: "g.morales", to: "dr.okafor", daysAgo: 2, reason: "Needs a psychiatrist; has none.")
        try await service(1).decline(declined, reason: "I offer second opinions only and do not take patients in transfer.", redirectTo: "dr.brennan@demo.liaison.example", by: try await caller("dr.okafor"))
        // Dr. Brennan has opened the redirected referral (received) but not yet answered.
        if let redirected = try await Referral.query(on: db).filter(\.$redirectedFromID == declined).first() {
            _ = try await service(0.5).load(try redirected.requireID(), by: try await caller("dr.brennan"))
        }
        // Accepted, first appointment not yet booked.
        let accepted = try await refer("Calloway", from: "m.lindqvist", to: "dr.chen", daysAgo: 3, reason: "Physical check: weight gain and fatigue on sertraline.")
        try await service(2).accept(accepted, note: acknowledgement, role: nil, by: try await caller("dr.chen"))
        // A draft to an organisation's intake.
        let riverside = try await Organisation.query(on: db).filter(\.$name == "Riverside Community Mental Health").first()!.requireID()
        _ = try await refer("Oyelaran", from: "g.morales", to: nil, intake: riverside, daysAgo: 0, reason: "Case management review.", draft: true)

        // In care with a progress update.
        let inCare = try await refer("Vasquez", from: "dr.sato", to: "dr.feld", daysAgo: 30, reason: "Psychotherapy for treatment-resistant depression.")
        try await service(28).accept(inCare, note: acknowledgement, role: nil, by: try await caller("dr.feld"))
        try await service(20).startCare(inCare, by: try await caller("dr.feld"))
        try await service(3).progress(inCare, note: ["summary": "Engaged well; sleep improving. No change to medication needed."], by: try await caller("dr.feld"))
        // Cancelled by the referrer.
        let cancelled = try await refer("Vasquez", from: "dr.sato", to: "h.larsen", daysAgo: 20, reason: "Grief counselling.")
        try await service(19).cancel(cancelled, reason: "The patient chose a grief group instead.", by: try await caller("dr.sato"))
        // Sent long ago and never answered: the sweep expires it.
        _ = try await refer("Vasquez", from: "r.delgado", to: "dr.chen", daysAgo: 40, reason: "Physical health check; weight gain on medication.")
        try await Services.offline(database: database, clock: clock, label: "demo").sweep.run()
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
