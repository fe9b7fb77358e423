import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Synthetic treatment plans: Jamie Calloway's (therapy with Dr. Lindqvist, escitalopram from
/// Dr. Brennan, a stable prescriber cadence and fortnightly therapy); Elena Vasquez's, whose
/// prescriber follow-up every four weeks is overdue for Dr. Sato.
enum DemoCarePlans {
    static func load(database: LiaisonDatabase, clock: any Clock, caller: (String) async throws -> Caller) async throws {
        func plans(_ daysAgo: Double) -> CarePlanService {
            Services.offline(database: database, clock: DemoReferrals.ShiftedClock(base: clock, offset: -daysAgo * 86400), label: "demo").carePlans
        }
        func patient(_ family: String) async throws -> UUID {
            try await Patient.query(on: database.db()).filter(\.$familyName == family).first()!.requireID()
        }
        func day(_ daysAgo: Double) -> String { DemoConsultations.day(daysAgo: daysAgo, clock: clock) }

        let calloway = try await patient("Calloway")
        let lindqvist = try await caller("m.lindqvist"), brennan = try await caller("dr.brennan")
        try await plans(80).savePlan([
            "problems": "F41.1 Generalised anxiety disorder\nF33.0 Recurrent depressive disorder, currently mild", "goals": "Sleep through most nights; back to evening classes.",
            "therapy": "Dr. Lindqvist: CBT every two weeks.", "medication": "Dr. Brennan: escitalopram; review every three months.", "nextReview": day(-10),
        ], for: calloway, by: lindqvist)
        _ = try await plans(80).addMedication(["name": "Escitalopram", "dose": "10 mg", "frequency": "once daily", "startedOn": day(80), "reason": "Anxiety and low mood"], for: calloway, by: brennan)
        try await plans(80).setCadence(role: "prescriber", level: "stable", days: nil, for: calloway, by: brennan)
        try await plans(80).setCadence(role: "therapist", level: "custom", days: "14", for: calloway, by: lindqvist)
        try await plans(30).recordVisit(kind: "in-person", day: day(30), for: calloway, by: brennan)
        try await plans(6).recordVisit(kind: "telehealth", day: day(6), for: calloway, by: lindqvist)

        let vasquez = try await patient("Vasquez")
        let sato = try await caller("dr.sato"), delgado = try await caller("r.delgado")
        try await plans(70).savePlan([
            "problems": "F33.1 Recurrent depressive disorder, currently moderate", "goals": "Fewer days in bed; walking daily.",
            "therapy": "Rosa Delgado: behavioural activation weekly.", "medication": "Dr. Sato: sertraline, titrate.",
        ], for: vasquez, by: sato)
        _ = try await plans(70).addMedication(["name": "Sertraline", "dose": "50 mg", "frequency": "once daily", "startedOn": day(70), "reason": "Depression"], for: vasquez, by: sato)
        try await plans(40).setCadence(role: "prescriber", level: "worsening", days: nil, for: vasquez, by: sato)
        try await plans(35).recordVisit(kind: "in-person", day: day(35), for: vasquez, by: sato)
        try await plans(7).recordVisit(kind: "in-person", day: day(7), for: vasquez, by: delgado)
    }
}
