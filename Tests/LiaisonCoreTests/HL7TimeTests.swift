import Foundation
import Testing
@testable import LiaisonCore

@Suite struct HL7TimeTests {
    static let utc = TimeZone(secondsFromGMT: 0)!

    static func instant(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }

    @Test func aMinutePrecisionTimeKeepsItsPartsAndPrecision() throws {
        let time = try #require(HL7Time("198808181126"))
        let parts: [Int] = [time.year, time.month, time.day, time.hour, time.minute, time.second]
        #expect(parts == [1988, 8, 18, 11, 26, 0])
        #expect(time.precision == .minute)
        #expect(time.utcOffset == nil)
        #expect(time.date(in: Self.utc) == Self.instant("1988-08-18T11:26:00Z"))
    }

    @Test(arguments: [
        ("2024", HL7Time.Precision.year), ("202403", .month), ("20240315", .day), ("2024031514", .hour),
        ("202403151430", .minute), ("20240315143059", .second), ("20240315143059.5", .fraction), ("20240315143059.1234", .fraction),
    ])
    func everyPrecisionTheStandardAllowsIsRead(text: String, precision: HL7Time.Precision) throws {
        #expect(try #require(HL7Time(text)).precision == precision)
    }

    @Test func missingPartsReadAsTheirFirstValue() throws {
        #expect(try #require(HL7Time("2024")).date(in: Self.utc) == Self.instant("2024-01-01T00:00:00Z"))
        #expect(try #require(HL7Time("202403")).date(in: Self.utc) == Self.instant("2024-03-01T00:00:00Z"))
    }

    @Test func anOffsetAndFractionGiveTheExactInstantWhateverTheZone() throws {
        let time = try #require(HL7Time("20240315143000.1234-0500"))
        #expect(time.utcOffset == -18_000)
        #expect(time.nanosecond == 123_400_000)
        let expected = Self.instant("2024-03-15T19:30:00Z").timeIntervalSince1970 + 0.1234
        let tokyo = try #require(TimeZone(identifier: "Asia/Tokyo"))
        #expect(abs(time.date(in: tokyo).timeIntervalSince1970 - expected) < 0.000_01)
        #expect(try #require(HL7Time("20240315143000+0530")).date(in: tokyo) == Self.instant("2024-03-15T09:00:00Z"))
        #expect(try #require(HL7Time("20240315+0000")).utcOffset == 0)
    }

    @Test func aTimeWithoutOffsetIsTheSendingHospitalsLocalTimeAcrossDaylightSaving() throws {
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        #expect(try #require(HL7Time("20240115143000")).date(in: newYork) == Self.instant("2024-01-15T19:30:00Z"))
        #expect(try #require(HL7Time("20240715143000")).date(in: newYork) == Self.instant("2024-07-15T18:30:00Z"))
    }

    @Test func leapDaysFollowTheGregorianRules() {
        #expect(HL7Time("20240229") != nil)
        #expect(HL7Time("20000229") != nil)
        #expect(HL7Time("20230229") == nil)
        #expect(HL7Time("19000229") == nil)
    }

    @Test(arguments: [
        "", "abc", "198", "2024031", "202403151", "20241301", "20240001", "20240431", "20240100", "2024031524",
        "202403151260", "20240315143060", "0000", "20240315143000.", "20240315143000.12345", "202403151430.5",
        "20240315+05", "20240315+1500", "20240315+0560", "20240315-", "+0500", "2024-03-15", "20240315 1430",
        " 20240315", "20240315 ", "２０２４", "2024031５", "20240315143000.12a4", "20240315T1430",
    ])
    func anythingElseIsNotATime(text: String) {
        #expect(HL7Time(text) == nil)
    }

    @Test func formattingWritesUTCToTheSecond() {
        #expect(HL7Time.format(Date(timeIntervalSince1970: 0)) == "19700101000000+0000")
        #expect(HL7Time.format(Self.instant("2024-03-05T07:08:09Z") + 0.9) == "20240305070809+0000")
    }

    @Test func aFormattedTimeReadsBackAsTheSameInstant() throws {
        for seconds in [0.0, 951_782_400, 1_709_251_199, 4_102_444_800] {
            let date = Date(timeIntervalSince1970: seconds)
            let time = try #require(HL7Time(HL7Time.format(date)))
            #expect(time.utcOffset == 0)
            #expect(time.date(in: try #require(TimeZone(identifier: "Pacific/Auckland"))) == date)
        }
    }
}
