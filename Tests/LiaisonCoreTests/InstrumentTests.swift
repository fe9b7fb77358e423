import Foundation
import Testing
@testable import LiaisonCore

@Suite struct InstrumentTests {
    /// Answers that make `total` on `kind`'s scored items, filling from the first item.
    static func answers(_ kind: InstrumentKind, total: Int) -> [String: String] {
        let instrument = kind.instrument
        var left = total
        var raw: [String: String] = [:]
        for item in instrument.items where item.scored {
            let top = item.options.map(\.value).max()!
            let value = min(top, left)
            raw[item.key] = String(value)
            left -= value
        }
        precondition(left == 0)
        return raw
    }

    /// Every band boundary, from the publications: the last score of each band and the first of the next.
    static let boundaries: [(InstrumentKind, Int, String)] = [
        (.phq9, 0, "Minimal"), (.phq9, 4, "Minimal"), (.phq9, 5, "Mild"), (.phq9, 9, "Mild"), (.phq9, 10, "Moderate"), (.phq9, 14, "Moderate"),
        (.phq9, 15, "Moderately severe"), (.phq9, 19, "Moderately severe"), (.phq9, 20, "Severe"), (.phq9, 27, "Severe"),
        (.gad7, 0, "Minimal"), (.gad7, 4, "Minimal"), (.gad7, 5, "Mild"), (.gad7, 9, "Mild"), (.gad7, 10, "Moderate"), (.gad7, 14, "Moderate"),
        (.gad7, 15, "Severe"), (.gad7, 21, "Severe"),
        (.pcl5, 0, "Below the provisional cut-point"), (.pcl5, 32, "Below the provisional cut-point"),
        (.pcl5, 33, "At or above the provisional cut-point (probable PTSD)"), (.pcl5, 80, "At or above the provisional cut-point (probable PTSD)"),
    ]

    @Test(arguments: boundaries)
    func everyBandBoundary(kind: InstrumentKind, total: Int, band: String) throws {
        let score = try kind.instrument.score(Self.answers(kind, total: total))
        #expect(score.total == total)
        #expect(score.band == band)
    }

    @Test func theRangesAreThePublishedOnes() {
        #expect(InstrumentKind.phq9.instrument.maximum == 27)
        #expect(InstrumentKind.gad7.instrument.maximum == 21)
        #expect(InstrumentKind.pcl5.instrument.maximum == 80)
        #expect(InstrumentKind.mdq.instrument.maximum == 13)
        #expect(InstrumentKind.phq9.instrument.items.filter(\.scored).count == 9)
        #expect(InstrumentKind.pcl5.instrument.items.count == 20)
        for kind in [InstrumentKind.phq9, .gad7, .pcl5] {
            // The bands cover every possible total exactly once.
            let instrument = kind.instrument
            for total in 0...instrument.maximum { #expect(instrument.bands.filter { $0.range.contains(total) }.count == 1, "\(kind) \(total)") }
        }
    }

    @Test func theLOINCCodesAreThePublishedOnes() {
        let codes = InstrumentKind.allCases.map { ($0.instrument.panelLOINC, $0.instrument.totalLOINC) }
        #expect(codes.map(\.0) == ["44249-1", "69737-5", "101697-1", "85102-2"])
        #expect(codes.map(\.1) == ["44261-6", "70274-6", "101698-9", "84773-1"])
        #expect(InstrumentKind.phq9.instrument.item("9")?.loinc == "44260-8")
    }

    @Test func thePHQ9DifficultyQuestionIsStoredButNotScored() throws {
        var raw = Self.answers(.phq9, total: 12)
        raw["difficulty"] = "3"
        let score = try InstrumentKind.phq9.instrument.score(raw)
        #expect(score.total == 12)
        #expect(score.answers["difficulty"] == 3)
        raw["difficulty"] = nil
        #expect(try InstrumentKind.phq9.instrument.score(raw).total == 12, "and may be left out")
    }

    @Test func missingItemsOutOfRangeValuesAndUnknownQuestionsAreRefused() {
        for kind in InstrumentKind.allCases {
            let instrument = kind.instrument
            var missing = Self.answers(kind, total: 0)
            missing["1"] = nil
            #expect(throws: ValidationErrors.self, "\(kind) missing item 1") { try instrument.score(missing) }
            let top = instrument.items[0].options.map(\.value).max()!
            for bad in ["\(top + 1)", "-1", "two", "1.5"] {
                var raw = Self.answers(kind, total: 0)
                raw["1"] = bad
                #expect(throws: ValidationErrors.self, "\(kind) item 1 = \(bad)") { try instrument.score(raw) }
            }
            var extra = Self.answers(kind, total: 0)
            extra["99"] = "1"
            #expect(throws: ValidationErrors.self, "\(kind) question 99") { try instrument.score(extra) }
            #expect(throws: ValidationErrors.self) { try instrument.score([:]) }
        }
        do {
            var raw = Self.answers(.phq9, total: 0)
            raw["3"] = nil
            raw["5"] = "4"
            _ = try InstrumentKind.phq9.instrument.score(raw)
            Issue.record("should have been refused")
        } catch {
            #expect(error.message(for: "3") != nil)
            #expect(error.message(for: "5")?.contains("0, 1, 2, 3") == true)
        }
    }

    @Test func item9AboveZeroIsASignalAndZeroIsNotShownAsSafe() throws {
        var raw = Self.answers(.phq9, total: 0)
        #expect(!(try InstrumentKind.phq9.instrument.score(raw).selfHarmItemEndorsed))
        for value in ["1", "2", "3"] {
            raw["9"] = value
            #expect(try InstrumentKind.phq9.instrument.score(raw).selfHarmItemEndorsed)
        }
        // GAD-7 has no such item, whatever its question 9 would be.
        #expect(!(try InstrumentKind.gad7.instrument.score(Self.answers(.gad7, total: 21)).selfHarmItemEndorsed))
    }

    /// The MDQ is positive only when all three criteria hold.
    @Test(arguments: [
        (7, "1", "2", true), (13, "1", "3", true), (6, "1", "3", false), (7, "0", "3", false), (7, "1", "1", false), (12, "1", "0", false),
    ])
    func theMDQNeedsAllThreeCriteria(yes: Int, sameTime: String, problem: String, positive: Bool) throws {
        var raw = Self.answers(.mdq, total: yes)
        raw[MDQ.sameTimeKey] = sameTime
        raw[MDQ.problemKey] = problem
        let score = try InstrumentKind.mdq.instrument.score(raw)
        #expect(score.total == yes)
        #expect(score.positive == positive)
        #expect(score.band == (positive ? "Positive screen" : "Negative screen"))
    }

    @Test func theMDQAsksPartsTwoAndThreeOnlyAfterMoreThanOneYes() throws {
        let none = try InstrumentKind.mdq.instrument.score(Self.answers(.mdq, total: 1))
        #expect(none.positive == false)
        #expect(throws: ValidationErrors.self) { try InstrumentKind.mdq.instrument.score(Self.answers(.mdq, total: 2)) }
    }

    @Test func responseAndRemission() {
        #expect(Outcome.isResponse(baseline: 20, latest: 10))
        #expect(!Outcome.isResponse(baseline: 20, latest: 11))
        #expect(!Outcome.isResponse(baseline: 0, latest: 0))
        #expect(Outcome.isRemission(.phq9, latest: 4))
        #expect(!Outcome.isRemission(.phq9, latest: 5))
        #expect(Outcome.isRemission(.gad7, latest: 4))
        #expect(!Outcome.isRemission(.pcl5, latest: 0))
        #expect(Outcome.change(baseline: 20, latest: 15) == -0.25)
        #expect(Outcome.change(baseline: 0, latest: 3) == nil)
    }
}

@Suite struct FlagRulesTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func score(_ kind: InstrumentKind, _ total: Int, item9: Int = 0) throws -> InstrumentScore {
        var raw = InstrumentTests.answers(kind, total: total - item9)
        if kind == .phq9 { raw["9"] = String(item9) }
        return try kind.instrument.score(raw)
    }

    @Test func item9AndAPositiveMDQRaiseTheirFlagsWhateverTheBaseline() throws {
        #expect(FlagRules.flags(for: try score(.phq9, 3, item9: 1), baseline: nil, at: start, reviewWeeks: 10, notImprovingOpen: false) == [.selfHarmItem])
        var mdq = InstrumentTests.answers(.mdq, total: 9)
        mdq[MDQ.sameTimeKey] = "1"
        mdq[MDQ.problemKey] = "3"
        #expect(FlagRules.flags(for: try InstrumentKind.mdq.instrument.score(mdq), baseline: nil, at: start, reviewWeeks: 10, notImprovingOpen: false) == [.mdqPositive])
    }

    @Test func notImprovingOnlyAfterTheReviewWeeksWithoutAResponseOrRemission() throws {
        let baseline = (total: 20, at: start)
        let tenWeeks = start.addingTimeInterval(10 * 7 * 86400)
        func flags(_ total: Int, at moment: Date, weeks: Int = 10, open: Bool = false) throws -> [FlagKind] {
            FlagRules.flags(for: try score(.phq9, total), baseline: baseline, at: moment, reviewWeeks: weeks, notImprovingOpen: open)
        }
        #expect(try flags(15, at: tenWeeks.addingTimeInterval(-1)) == [])
        #expect(try flags(15, at: tenWeeks) == [.notImproving])
        #expect(try flags(11, at: tenWeeks) == [.notImproving], "45% down is not a response")
        #expect(try flags(10, at: tenWeeks) == [], "50% down is a response")
        #expect(try flags(15, at: tenWeeks, open: true) == [], "once while a review is open")
        #expect(try flags(15, at: start.addingTimeInterval(8 * 7 * 86400), weeks: 8) == [.notImproving], "the organisation's setting")
        #expect(FlagRules.flags(for: try score(.pcl5, 60), baseline: (70, start), at: tenWeeks, reviewWeeks: 10, notImprovingOpen: false) == [],
                "PCL-5 and MDQ have no response rule here")
    }

    @Test func onlyItem9HasAClockOfHours() {
        #expect(FlagKind.selfHarmItem.acknowledgeWithin == TimeInterval(4 * 3600))
        #expect(FlagKind.notImproving.acknowledgeWithin == nil)
        #expect(FlagKind.selfHarmItem.meaning.contains("not a risk assessment"))
        #expect(FlagKind.selfHarmItem.meaning.contains("never means safe"))
    }
}
