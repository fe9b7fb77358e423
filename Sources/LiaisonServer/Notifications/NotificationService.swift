import Foundation
import LiaisonCore
import LiaisonData

/// A person's in-app notifications: the newest, and marking them read.
struct NotificationService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock

    /// The newest notices for the caller, newest first.
    func recent(for caller: Caller, limit: Int = 100) async throws -> [NotificationRow] {
        try await NotificationQueries.recent(for: caller.userID, limit: limit, on: database.reader())
    }

    /// Opens one of the caller's notices: read from now on; where it leads, or nil if not theirs.
    func open(_ id: UUID, by caller: Caller) async throws -> String? {
        try await NotificationQueries.open(id, for: caller.userID, at: clock.now(), on: database.db())
    }

    /// Marks all the caller's notices read.
    func markAllRead(by caller: Caller) async throws {
        try await NotificationQueries.markAllRead(for: caller.userID, at: clock.now(), on: database.db())
    }
}
