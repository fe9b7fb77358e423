import Foundation

/// Where a patient stands on a clinician's waiting list for a service.
public enum WaitlistStatus: String, Sendable, Codable, CaseIterable, Labelled {
    case waiting
    /// An opening is held for the patient until the offer's deadline.
    case offered
    case accepted
    case declined
    case removed
    /// The offer lapsed unanswered.
    case expired

    public var label: String {
        switch self {
        case .waiting: "Waiting"
        case .offered: "Offered an opening"
        case .accepted: "Accepted"
        case .declined: "Declined the offer"
        case .removed: "Removed"
        case .expired: "Offer lapsed"
        }
    }

    /// Still on the list (waiting, or holding an offer).
    public var isOpen: Bool { self == .waiting || self == .offered }

    /// The steps people take; the sweep moves `offered` to `expired` and `waiting` to `offered`.
    public static func allows(from: WaitlistStatus, to: WaitlistStatus) -> Bool {
        switch (from, to) {
        case (.waiting, .offered), (.waiting, .removed): true
        case (.offered, .accepted), (.offered, .declined), (.offered, .expired), (.offered, .removed): true
        // Back on the list after a declined or lapsed offer, keeping the original date.
        case (.declined, .waiting), (.expired, .waiting): true
        default: false
        }
    }
}

/// The fair order of a waiting list, and what the team is told about their place in it.
public enum WaitlistOrder {
    /// One entry as ordering sees it.
    public struct Place: Sendable, Equatable {
        public let id: UUID
        public let urgency: Urgency
        /// When the patient joined the list; kept when they come back after a declined offer.
        public let addedAt: Date
        public let patientHasPsychiatrist: Bool

        public init(id: UUID, urgency: Urgency, addedAt: Date, patientHasPsychiatrist: Bool) {
            self.id = id
            self.urgency = urgency
            self.addedAt = addedAt
            self.patientHasPsychiatrist = patientHasPsychiatrist
        }
    }

    /// Urgency first (emergent, urgent, routine), then time waiting (longest first), then the
    /// clinician's priority rule (people without a psychiatrist first, where they give it), then
    /// the id, so the order never depends on how rows happened to come back.
    public static func sorted(_ places: [Place], clinicianPrioritisesWithoutPsychiatrist: Bool) -> [Place] {
        places.sorted { a, b in
            if a.urgency != b.urgency { return rank(a.urgency) < rank(b.urgency) }
            if a.addedAt != b.addedAt { return a.addedAt < b.addedAt }
            if clinicianPrioritisesWithoutPsychiatrist, a.patientHasPsychiatrist != b.patientHasPsychiatrist { return !a.patientHasPsychiatrist }
            return a.id.uuidString < b.id.uuidString
        }
    }

    static func rank(_ urgency: Urgency) -> Int {
        switch urgency {
        case .emergent: 0
        case .urgent: 1
        case .routine: 2
        }
    }

    /// "3rd of 7".
    public static func position(_ position: Int, of count: Int) -> String {
        "\(ordinal(position)) of \(count)"
    }

    /// How long until a place reaches the front at the rate people left the list for care over the
    /// last 90 days: "about 4 weeks". Nil when nobody did (no rate to go by).
    public static func estimate(position: Int, acceptedInLast90Days: Int) -> String? {
        guard acceptedInLast90Days > 0, position > 0 else { return nil }
        let days = Double(position) * 90 / Double(acceptedInLast90Days)
        if days < 10 { return "about \(max(1, Int(days.rounded()))) day\(Int(days.rounded()) <= 1 ? "" : "s")" }
        let weeks = Int((days / 7).rounded())
        return weeks < 9 ? "about \(weeks) weeks" : "about \(Int((days / 30).rounded())) months"
    }

    static func ordinal(_ number: Int) -> String {
        let suffix: String
        switch (number % 10, number % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return "\(number)\(suffix)"
    }

    /// How long people waited, from joining a list to accepting an opening: the median and the
    /// 90th percentile, in days.
    public static func waits(_ days: [Double]) -> (median: Double?, p90: Double?) {
        let sorted = days.sorted()
        return (LoopMetrics.percentile(sorted, 0.5), LoopMetrics.percentile(sorted, 0.9))
    }
}
