import Foundation
import Testing
@testable import LiaisonCore

@Suite struct ReferralStateMachineTests {
    /// The whole table: every (state, action) pair that is allowed, with its side and result.
    static let allowed: [ReferralState: [ReferralAction: (ReferralSide, ReferralState)]] = [
        .draft: [.send: (.referrer, .sent), .cancel: (.referrer, .cancelled)],
        .sent: [.receive: (.recipient, .received), .accept: (.recipient, .accepted), .decline: (.recipient, .declined),
                .cancel: (.referrer, .cancelled), .expire: (.system, .expired)],
        .received: [.accept: (.recipient, .accepted), .decline: (.recipient, .declined), .cancel: (.referrer, .cancelled), .expire: (.system, .expired)],
        .accepted: [.schedule: (.recipient, .scheduled), .startCare: (.recipient, .inCare), .progress: (.recipient, .accepted),
                    .close: (.recipient, .closed), .cancel: (.referrer, .cancelled)],
        .scheduled: [.startCare: (.recipient, .inCare), .progress: (.recipient, .scheduled), .close: (.recipient, .closed), .cancel: (.referrer, .cancelled)],
        .inCare: [.progress: (.recipient, .inCare), .discharge: (.recipient, .inCare), .close: (.recipient, .closed)],
        .declined: [:], .closed: [:], .cancelled: [:], .expired: [:],
    ]

    static let sides: [ReferralSide] = [.referrer, .recipient, .system]

    @Test(arguments: ReferralState.allCases)
    func everyActionFromEveryStateBySide(_ state: ReferralState) throws {
        for action in ReferralAction.allCases {
            for side in Self.sides {
                let expected = Self.allowed[state]?[action]
                let result = Result { () throws(ReferralTransitionError) in try ReferralStateMachine.apply(action, to: state, by: side) }
                if let (rightSide, next) = expected, rightSide == side {
                    #expect(try result.get() == next, "\(state) \(action) by \(side)")
                } else {
                    #expect(throws: ReferralTransitionError.self, "\(state) \(action) by \(side) should be refused") { try result.get() }
                }
            }
        }
    }

    @Test func finishedLoopsAllowNothing() {
        for state in ReferralState.allCases where state.isFinished {
            for side in Self.sides { #expect(ReferralStateMachine.allowedActions(in: state, for: side).isEmpty) }
        }
    }

    @Test func refusalNamesTheStateAndWhatIsAllowed() {
        #expect {
            try ReferralStateMachine.apply(.close, to: .sent, by: .recipient)
        } throws: { error in
            guard let error = error as? ReferralTransitionError else { return false }
            return error.reason == "A referral that is sent cannot be closed." && error.allowed == [.receive, .accept, .decline]
        }
    }

    @Test func wrongSideIsToldWhoMayAct() {
        #expect {
            try ReferralStateMachine.apply(.accept, to: .sent, by: .referrer)
        } throws: { ($0 as? ReferralTransitionError)?.reason == "Only the receiving clinician can accept with acknowledgement note." }
        #expect {
            try ReferralStateMachine.apply(.cancel, to: .sent, by: .recipient)
        } throws: { ($0 as? ReferralTransitionError)?.reason == "Only the referring clinician can cancel." }
    }
}

@Suite struct DueDateTests {
    let newYork = BusinessCalendar(timeZone: TimeZone(identifier: "America/New_York")!, businessDays: Weekday.mondayToFriday)

    func date(_ text: String, _ zone: String = "America/New_York") -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        formatter.timeZone = TimeZone(identifier: zone)
        return formatter.date(from: text)!
    }

    @Test func routineIsDueAtTheEndOfTheThirdBusinessDay() {
        // Wednesday 10:00 → end of Monday (Thu, Fri, Mon).
        let due = ServiceLevelTargets.standard.acknowledgementDue(sentAt: date("2026-11-18T10:00:00"), urgency: .routine, calendar: newYork)
        #expect(due == date("2026-11-23T23:59:59"))
    }

    @Test func urgentIsDueTheNextBusinessDay() {
        // Friday → Monday.
        let due = ServiceLevelTargets.standard.acknowledgementDue(sentAt: date("2026-11-20T16:30:00"), urgency: .urgent, calendar: newYork)
        #expect(due == date("2026-11-23T23:59:59"))
    }

    @Test func emergentIsDueTheSameBusinessDayOrTheNextOneAtWeekends() {
        #expect(ServiceLevelTargets.standard.acknowledgementDue(sentAt: date("2026-11-18T09:00:00"), urgency: .emergent, calendar: newYork) == date("2026-11-18T23:59:59"))
        #expect(ServiceLevelTargets.standard.acknowledgementDue(sentAt: date("2026-11-21T09:00:00"), urgency: .emergent, calendar: newYork) == date("2026-11-23T23:59:59"))
    }

    @Test func dayIsCountedInTheOrganisationsTimeZone() {
        // 03:00 UTC Thursday is still Wednesday evening in New York.
        let sent = date("2026-11-19T03:00:00", "UTC")
        #expect(ServiceLevelTargets.standard.acknowledgementDue(sentAt: sent, urgency: .urgent, calendar: newYork) == date("2026-11-19T23:59:59"))
    }

    @Test func daylightSavingChangeDoesNotShiftTheDeadline() {
        // Clocks go back on Sunday 2026-11-01 in New York.
        let due = ServiceLevelTargets.standard.acknowledgementDue(sentAt: date("2026-10-30T12:00:00"), urgency: .urgent, calendar: newYork)
        #expect(due == date("2026-11-02T23:59:59"))
    }

    @Test func customBusinessDaysAreHonoured() {
        let sundayToThursday = BusinessCalendar(timeZone: TimeZone(identifier: "Asia/Jerusalem")!, businessDays: [.sunday, .monday, .tuesday, .wednesday, .thursday])
        // Thursday → Sunday.
        let due = ServiceLevelTargets.standard.acknowledgementDue(sentAt: date("2026-11-19T10:00:00", "Asia/Jerusalem"), urgency: .urgent, calendar: sundayToThursday)
        #expect(due == date("2026-11-22T23:59:59", "Asia/Jerusalem"))
    }

    @Test func dueStatusMovesFromOnTrackToDueSoonToOverdue() {
        let due = date("2026-11-23T23:59:59")
        #expect(DueStatus.of(due: due, now: due.addingTimeInterval(-3 * 86400), lead: 86400) == .onTrack)
        #expect(DueStatus.of(due: due, now: due.addingTimeInterval(-3600), lead: 86400) == .dueSoon)
        #expect(DueStatus.of(due: due, now: due.addingTimeInterval(1), lead: 86400) == .overdue)
    }
}

@Suite struct ReferralNoteTests {
    @Test func acknowledgementNeedsEverySection() {
        #expect {
            try Letter.validated(.acknowledgement, fields: ["presentingProblem": "Panic attacks.", "plan": " "])
        } throws: { error in
            let errors = error as? ValidationErrors
            return errors?.message(for: "plan") == "Focus and plan of treatment is required." && errors?.message(for: "contact") != nil
        }
    }

    @Test func sectionsKeepTemplateOrderAndSkipBlankOptionalOnes() throws {
        let note = try Letter.validated(.referral, fields: ["hopes": "Fewer panic attacks", "reason": "Panic disorder", "questions": ""])
        #expect(note.sections.map(\.key) == ["reason", "hopes"])
    }

    @Test func overlongSectionIsRefused() {
        #expect(throws: ValidationErrors.self) {
            try Letter.validated(.progress, fields: ["summary": String(repeating: "x", count: 1501)])
        }
    }
}

@Suite struct LoopMetricsTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func medianAndNinetiethPercentileOfHoursToAcknowledge() {
        let loops = (1...10).map { hours in
            LoopMetrics.Loop(sentAt: t0, acknowledgedAt: t0.addingTimeInterval(Double(hours) * 3600), acceptedAt: t0, closedAt: hours <= 4 ? t0 : nil, acknowledgementDue: nil, state: .accepted)
        }
        let metrics = LoopMetrics.compute(loops, now: t0)
        #expect(metrics.medianHoursToAcknowledge == 5)
        #expect(metrics.p90HoursToAcknowledge == 9)
        #expect(metrics.closedShare == 0.4)
    }

    @Test func overdueCountsOnlyUnacknowledgedPastDue() {
        let loops = [
            LoopMetrics.Loop(sentAt: t0, acknowledgedAt: nil, acceptedAt: nil, closedAt: nil, acknowledgementDue: t0.addingTimeInterval(-1), state: .sent),
            LoopMetrics.Loop(sentAt: t0, acknowledgedAt: nil, acceptedAt: nil, closedAt: nil, acknowledgementDue: t0.addingTimeInterval(60), state: .received),
            LoopMetrics.Loop(sentAt: t0, acknowledgedAt: t0, acceptedAt: t0, closedAt: nil, acknowledgementDue: t0.addingTimeInterval(-1), state: .accepted),
        ]
        #expect(LoopMetrics.compute(loops, now: t0).overdue == 1)
        #expect(LoopMetrics.compute([], now: t0).medianHoursToAcknowledge == nil)
    }
}

@Suite struct ServiceLevelTargetTests {
    @Test func standardTargetsRoundTripThroughTheForm() throws {
        #expect(try ServiceLevelTargets.parse(ServiceLevelTargets.standard.formValues) == .standard)
    }

    @Test(arguments: [("ackRoutineDays", "-1"), ("ackEmergentDays", "3"), ("expiryDays", "0"), ("closingNoteDays", "two weeks")])
    func outOfRangeTargetsAreNamed(key: String, value: String) {
        var values = ServiceLevelTargets.standard.formValues
        values[key] = value
        #expect { try ServiceLevelTargets.parse(values) } throws: { ($0 as? ValidationErrors)?.message(for: key) != nil }
    }
}

@Suite struct PatientReferralStatusTests {
    @Test func everyStateIsOneSentenceForThePatient() {
        for state in ReferralState.allCases {
            let words = PatientReferralStatus.words(state, recipient: "Dr. Feld", firstAppointment: "Mon, 1 Feb 2027")
            #expect(words.hasSuffix("."), "\(state)")
            #expect(!words.lowercased().contains("acknowledg"), "no loop vocabulary: \(state)")
        }
        #expect(PatientReferralStatus.words(.scheduled, recipient: "Dr. Feld", firstAppointment: "Mon, 1 Feb 2027")
            == "Dr. Feld has accepted; first appointment Mon, 1 Feb 2027.")
        #expect(PatientReferralStatus.words(.sent, recipient: "Dr. Feld", firstAppointment: nil).contains("waiting for their answer"))
    }
}
