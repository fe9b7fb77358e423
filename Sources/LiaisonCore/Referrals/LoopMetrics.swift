import Foundation

/// How well loops close: the figures a clinic watches.
public struct LoopMetrics: Sendable, Equatable {
    public let referrals: Int
    public let acknowledged: Int
    public let medianHoursToAcknowledge: Double?
    public let p90HoursToAcknowledge: Double?
    /// Loops that were accepted, and of those, loops closed with a closing note.
    public let accepted: Int
    public let closed: Int
    /// `closed` of `accepted`; nil when none was accepted (not 0%: nothing was owed).
    public let closedShare: Double?
    public let overdue: Int

    /// One referral's facts for the figures.
    public struct Loop: Sendable {
        public let sentAt: Date
        public let acknowledgedAt: Date?
        public let acceptedAt: Date?
        public let closedAt: Date?
        public let acknowledgementDue: Date?
        public let state: ReferralState

        public init(sentAt: Date, acknowledgedAt: Date?, acceptedAt: Date?, closedAt: Date?, acknowledgementDue: Date?, state: ReferralState) {
            self.sentAt = sentAt
            self.acknowledgedAt = acknowledgedAt
            self.acceptedAt = acceptedAt
            self.closedAt = closedAt
            self.acknowledgementDue = acknowledgementDue
            self.state = state
        }
    }

    public static func compute(_ loops: [Loop], now: Date) -> LoopMetrics {
        let hours = loops.compactMap { loop in loop.acknowledgedAt.map { $0.timeIntervalSince(loop.sentAt) / 3600 } }.sorted()
        let accepted = loops.filter { $0.acceptedAt != nil }
        let overdue = loops.filter { loop in
            loop.state.awaitsAcknowledgement && (loop.acknowledgementDue.map { now > $0 } ?? false)
        }.count
        return LoopMetrics(
            referrals: loops.count, acknowledged: hours.count,
            medianHoursToAcknowledge: percentile(hours, 0.5), p90HoursToAcknowledge: percentile(hours, 0.9),
            accepted: accepted.count, closed: accepted.filter { $0.closedAt != nil }.count,
            closedShare: accepted.isEmpty ? nil : Double(accepted.filter { $0.closedAt != nil }.count) / Double(accepted.count),
            overdue: overdue)
    }

    /// Nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }
}
