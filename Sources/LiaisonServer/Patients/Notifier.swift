import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// In-app notifications, written in the transaction of the change that causes them.
struct Notifier: Sendable {
    let clock: any Clock

    func notify(_ userIDs: [UUID], patient: UUID?, kind: String, message: String, link: String, on db: any Database) async throws {
        for userID in Set(userIDs) {
            try await Notification(userID: userID, patientID: patient, kind: kind, message: message, link: link, createdAt: clock.now()).create(on: db)
        }
    }
}
