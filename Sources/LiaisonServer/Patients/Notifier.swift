import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import SQLKit

/// In-app notifications, written in the transaction of the change that causes them.
struct Notifier: Sendable {
    let clock: any Clock

    /// One message for one person.
    struct Notice: Sendable {
        let userID: UUID
        let patientID: UUID?
        let kind: String
        let message: String
        let link: String
    }

    /// Tells each of `userIDs` (once each) the same thing.
    func notify(_ userIDs: [UUID], patient: UUID?, kind: String, message: String, link: String, on db: any Database) async throws {
        var seen = Set<UUID>()
        let notices = userIDs.filter { seen.insert($0).inserted }.map { Notice(userID: $0, patientID: patient, kind: kind, message: message, link: link) }
        try await notify(notices, on: db)
    }

    /// Writes many notices with a few statements.
    func notify(_ notices: [Notice], on db: any Database) async throws {
        guard !notices.isEmpty else { return }
        let now = clock.now()
        try await (db as! any SQLDatabase).insertRows(
            into: Notification.schema, columns: ["id", "user_id", "patient_id", "kind", "message", "link", "created_at"],
            notices.map { [SQLBind(UUID()), SQLBind($0.userID), SQLBind($0.patientID), SQLBind($0.kind), SQLBind($0.message), SQLBind($0.link), SQLBind(now)] })
    }
}
