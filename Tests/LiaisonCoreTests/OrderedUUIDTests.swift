import Foundation
import Testing
@testable import LiaisonCore

@Suite struct OrderedUUIDTests {
    @Test func carriesItsMillisecondsVersionSevenAndTheVariant() {
        let moment = Date(timeIntervalSince1970: 1_795_768_583.021)
        let id = UUID.ordered(at: moment)
        let bytes = withUnsafeBytes(of: id.uuid) { Array($0) }
        let milliseconds = bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(milliseconds == 1_795_768_583_021)
        #expect(bytes[6] >> 4 == 7)
        #expect(bytes[8] >> 6 == 0b10)
    }

    @Test func laterIdentifiersSortAfterEarlierOnesAsBytesAndAsText() {
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let ids = (0..<200).map { UUID.ordered(at: start.addingTimeInterval(Double($0) / 100)) }
        #expect(ids.map(\.uuidString) == ids.map(\.uuidString).sorted())
        #expect(Set(ids).count == 200)
        // Within one millisecond the random bits tell them apart.
        #expect(Set((0..<1000).map { _ in UUID.ordered(at: start) }).count == 1000)
    }

    @Test func theRandomPartFillsOnlyItsOwnBits() {
        let id = UUID.ordered(milliseconds: 0xFFFF_FFFF_FFFF, random: .max, .max)
        #expect(id.uuidString == "FFFFFFFF-FFFF-7FFF-BFFF-FFFFFFFFFFFF")
        #expect(UUID.ordered(milliseconds: 1, random: 0, 0).uuidString == "00000000-0001-7000-8000-000000000000")
    }
}
