import Foundation

extension UUID {
    /// A time-ordered identifier (RFC 9562, version 7): the milliseconds since 1970, then 74
    /// random bits. Rows written in bulk and never looked up by time (audit entries, notices,
    /// queued messages, reminder claims) take these, so each new key lands beside the last one
    /// written instead of at a random place in an index of millions: the database touches a few
    /// pages per batch rather than one per row. The creation time they reveal is in the row anyway.
    public static func ordered(at moment: Date = Date()) -> UUID {
        var generator = SystemRandomNumberGenerator()
        return ordered(milliseconds: UInt64(max(0, moment.timeIntervalSince1970 * 1000)), random: generator.next(), generator.next())
    }

    static func ordered(milliseconds: UInt64, random high: UInt64, _ low: UInt64) -> UUID {
        let time = milliseconds & 0xFFFF_FFFF_FFFF
        let randomA = high & 0x0FFF, randomB = low & 0x3FFF_FFFF_FFFF_FFFF
        let first = time << 16 | 0x7000 | randomA
        let second = 0x8000_0000_0000_0000 | randomB
        func byte(_ word: UInt64, _ index: Int) -> UInt8 { UInt8(truncatingIfNeeded: word >> (56 - 8 * index)) }
        return UUID(uuid: (
            byte(first, 0), byte(first, 1), byte(first, 2), byte(first, 3), byte(first, 4), byte(first, 5), byte(first, 6), byte(first, 7),
            byte(second, 0), byte(second, 1), byte(second, 2), byte(second, 3), byte(second, 4), byte(second, 5), byte(second, 6), byte(second, 7)))
    }
}
