import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// A synthetic transfer of care awaiting its handoff summary: Jamie Calloway (the demo portal
/// account) asked two days ago to continue with another psychiatrist; the first one matching offers
/// (who accepts transfers: Dr. Sato, in the demo's directory) accepted yesterday, and
/// Dr. Brennan, still responsible until the first visit, owes the summary.
enum DemoTransfers {
    static func load(database: LiaisonDatabase, clock: any Clock, caller: (String) async throws -> Caller) async throws {
        func transfers(_ daysAgo: Double) -> TransferService {
            Services.offline(database: database, clock: DemoReferrals.ShiftedClock(base: clock, offset: -daysAgo * 86400), label: "demo").transfers
        }
        guard let patient = try await Patient.query(on: database.db()).filter(\.$familyName == "Calloway").first() else { return }
        let jamie = try await caller("jamie.calloway")
        let found = try await transfers(2).choices(for: try patient.requireID(), role: .prescriber, by: jamie)
        guard let incoming = found.choices.first else { throw OperatorError("no demo psychiatrist takes transfers") }
        let transfer = try await transfers(2).request(
            .init(role: TransferRole.prescriber.rawValue, incomingID: incoming.userID.uuidString,
                  reason: "I would like a psychiatrist I can see in the evenings, closer to work."),
            for: try patient.requireID(), by: jamie)
        try await transfers(1).act(.accept, on: transfer.id!, fields: [:], by: try await caller(try await handle(of: incoming.userID, on: database.db())))
    }

    /// The demo handle ("dr.example") of a demo clinician.
    private static func handle(of userID: UUID, on db: any Database) async throws -> String {
        let user = try await UserAccount.find(userID, on: db)
        return String(user?.email.split(separator: "@").first ?? "")
    }
}
