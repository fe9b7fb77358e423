import Foundation
import Testing
@testable import LiaisonCore

@Suite struct WaitlistOrderTests {
    static let day: TimeInterval = 86400
    static func place(_ n: Int, _ urgency: Urgency = .routine, day: Double, psychiatrist: Bool = false) -> WaitlistOrder.Place {
        WaitlistOrder.Place(
            id: UUID(uuidString: String(format: "00000000-0000-0000-0000-%012d", n))!, urgency: urgency,
            addedAt: Date(timeIntervalSince1970: day * Self.day), patientHasPsychiatrist: psychiatrist)
    }

    @Test func urgencyThenTimeWaitingThenThePriorityRule() {
        let places = [
            Self.place(1, day: 1, psychiatrist: true), Self.place(2, .urgent, day: 5), Self.place(3, day: 1, psychiatrist: false),
            Self.place(4, .emergent, day: 9), Self.place(5, day: 0),
        ]
        #expect(WaitlistOrder.sorted(places, clinicianPrioritisesWithoutPsychiatrist: true).map(\.id.uuidString.last) == ["4", "2", "5", "3", "1"])
        // Without the rule, ties keep a stable order by id.
        #expect(WaitlistOrder.sorted(places, clinicianPrioritisesWithoutPsychiatrist: false).map(\.id.uuidString.last) == ["4", "2", "5", "1", "3"])
    }

    @Test func anUrgencyChangeMovesAnEntryAndReEntryKeepsTheOriginalDate() {
        var places = [Self.place(1, day: 3), Self.place(2, day: 1)]
        #expect(WaitlistOrder.sorted(places, clinicianPrioritisesWithoutPsychiatrist: false).first?.id == places[1].id)
        places[0] = Self.place(1, .urgent, day: 3)
        #expect(WaitlistOrder.sorted(places, clinicianPrioritisesWithoutPsychiatrist: false).first?.id == places[0].id)
        // Back after a declined offer with the date it first joined: still ahead of later arrivals.
        let back = Self.place(7, day: 0)
        #expect(WaitlistOrder.sorted([Self.place(8, day: 2), back], clinicianPrioritisesWithoutPsychiatrist: false).first == back)
    }

    @Test func positionsAndEstimatesInPlainWords() {
        #expect(WaitlistOrder.position(3, of: 7) == "3rd of 7")
        #expect(WaitlistOrder.position(11, of: 12) == "11th of 12")
        #expect(WaitlistOrder.position(22, of: 30) == "22nd of 30")
        #expect(WaitlistOrder.estimate(position: 3, acceptedInLast90Days: 9) == "about 4 weeks")
        #expect(WaitlistOrder.estimate(position: 1, acceptedInLast90Days: 90) == "about 1 day")
        #expect(WaitlistOrder.estimate(position: 10, acceptedInLast90Days: 3) == "about 10 months")
        #expect(WaitlistOrder.estimate(position: 2, acceptedInLast90Days: 0) == nil)
    }

    @Test func onlyTheStepsPeopleTake() {
        #expect(WaitlistStatus.allows(from: .waiting, to: .offered))
        #expect(WaitlistStatus.allows(from: .offered, to: .accepted))
        #expect(WaitlistStatus.allows(from: .declined, to: .waiting))
        #expect(!WaitlistStatus.allows(from: .waiting, to: .accepted))
        #expect(!WaitlistStatus.allows(from: .accepted, to: .waiting))
        #expect(!WaitlistStatus.allows(from: .removed, to: .waiting))
    }
}
