import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// The daily summary for people who asked for one: at their chosen local hour, one email
/// counting the notices and unread messages that came in since the last, with links. It names
/// no patient: the notices themselves are read in Liaison. Several servers may run it at once;
/// each summary is claimed in one statement, so it goes once.
struct NoticeDigest: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let outbox: Outbox
    /// Where emailed links point.
    let baseURL: String

    /// Queues every summary due now; returns how many.
    @discardableResult
    func sendDue() async throws -> Int {
        let now = clock.now()
        var sent = 0
        for candidate in try await NoticePreferenceQueries.dailyCandidates(on: database.reader()) {
            guard let due = candidate.preferences.digestDue(at: now, last: candidate.lastDigestAt) else { continue }
            let queued = try await database.write { db -> Bool in
                guard try await NoticePreferenceQueries.claimDigest(for: candidate.userID, due: due, at: now, on: db) else { return false }
                let since = candidate.lastDigestAt ?? due.addingTimeInterval(-86400)
                let counts = try await NoticePreferenceQueries.digestCounts(for: candidate.userID, since: since, on: db)
                guard counts.notices + counts.messages > 0 else { return false }
                try await outbox.email(to: candidate.email, subject: "Your day in Liaison", body: Self.body(counts, baseURL: baseURL), on: db)
                return true
            }
            if queued { sent += 1 }
        }
        return sent
    }

    static func body(_ counts: (notices: Int, messages: Int), baseURL: String) -> String {
        func plural(_ count: Int, _ word: String) -> String { "\(count) \(word)\(count == 1 ? "" : "s")" }
        var lines = ["Since your last summary:"]
        if counts.notices > 0 { lines.append("- \(plural(counts.notices, "notice")): \(baseURL)\(SiteURL.notifications.path)") }
        if counts.messages > 0 { lines.append("- \(plural(counts.messages, "unread message")): \(baseURL)\(SiteURL.messages.path)") }
        lines.append("")
        lines.append("You chose one summary a day; change it at \(baseURL)\(SiteURL.noticeSettings.path)")
        return lines.joined(separator: "\n")
    }
}
