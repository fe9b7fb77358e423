/// A QR code (ISO/IEC 18004) for a short text, such as the `otpauth://` address an authenticator
/// app scans when someone sets up two-factor sign-in. Byte mode, error correction level M,
/// versions 1 to 10 (up to 213 bytes): enough for any address Liaison shows, with no dependency.
public struct QRCode: Sendable, Equatable {
    /// Modules per side (21 for version 1, four more per version).
    public let size: Int
    public let version: Int
    /// The mask pattern chosen (0–7), the one with the lowest penalty.
    public let mask: Int
    private let dark: [Bool]

    /// Whether the module in column `x`, row `y` is dark.
    public func isDark(x: Int, y: Int) -> Bool { dark[y * size + x] }

    /// Nil when the text is longer than version 10 holds at level M.
    public init?(_ text: String) { self.init(text, versions: 1...10, masks: 0..<8) }

    /// With the versions and masks to choose among (tests compare with another encoder's result).
    init?(_ text: String, versions: ClosedRange<Int>, masks: Range<Int>) {
        let bytes = Array(text.utf8)
        guard let version = versions.first(where: { Self.dataCapacity(version: $0) >= Self.encodedLength(bytes.count, version: $0) }) else {
            return nil
        }
        var grid = Grid(version: version)
        grid.placeData(Self.codewords(for: bytes, version: version))
        var best: (mask: Int, grid: Grid, penalty: Int)?
        for mask in masks {
            var candidate = grid
            candidate.apply(mask: mask)
            let penalty = candidate.penalty()
            if best == nil || penalty < best!.penalty { best = (mask, candidate, penalty) }
        }
        self.version = version
        self.mask = best!.mask
        self.size = grid.size
        self.dark = best!.grid.dark
    }

    /// The code as an SVG image: one path of dark runs on a white square with the four-module quiet
    /// zone readers need. `title` names it for screen readers.
    public func svg(pixelsPerModule: Int = 5, title: String) -> String {
        let side = size + 8
        var path = ""
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                let start = x
                while x < size, isDark(x: x, y: y) { x += 1 }
                path += "M\(start + 4) \(y + 4)h\(x - start)v1h-\(x - start)z"
            }
        }
        let escapedTitle = title.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
        return """
            <svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 \(side) \(side)" width="\(side * pixelsPerModule)" \
            height="\(side * pixelsPerModule)" shape-rendering="crispEdges"><title>\(escapedTitle)</title>\
            <rect width="\(side)" height="\(side)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }

    // MARK: - Capacity and error correction (level M)

    /// For each version 1–10: error-correction codewords per block, and the data codewords of each block.
    private static let blocks: [(ecPerBlock: Int, dataPerBlock: [Int])] = [
        (10, [16]), (16, [28]), (26, [44]), (18, [32, 32]), (24, [43, 43]),
        (16, [27, 27, 27, 27]), (18, [31, 31, 31, 31]), (22, [38, 38, 39, 39]),
        (22, [36, 36, 36, 37, 37]), (26, [43, 43, 43, 43, 44]),
    ]

    static func dataCapacity(version: Int) -> Int { blocks[version - 1].dataPerBlock.reduce(0, +) }

    /// All codewords of a version, data and error correction.
    static func totalCodewords(version: Int) -> Int {
        let layout = blocks[version - 1]
        return dataCapacity(version: version) + layout.ecPerBlock * layout.dataPerBlock.count
    }

    /// Bytes the data takes in byte mode: 4-bit mode, 8- or 16-bit count, the bytes themselves.
    private static func encodedLength(_ count: Int, version: Int) -> Int {
        (4 + (version < 10 ? 8 : 16) + 8 * count + 7) / 8
    }

    /// The data, padded to the version's capacity, split into blocks, each followed by its
    /// Reed–Solomon codewords, interleaved as the standard lays them out.
    static func codewords(for bytes: [UInt8], version: Int) -> [UInt8] {
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(bytes.count, count: version < 10 ? 8 : 16)
        for byte in bytes { bits.append(Int(byte), count: 8) }
        let capacity = dataCapacity(version: version)
        bits.append(0, count: min(4, capacity * 8 - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var data = bits.bytes
        var padding: UInt8 = 0xEC
        while data.count < capacity {
            data.append(padding)
            padding = padding == 0xEC ? 0x11 : 0xEC
        }
        let layout = blocks[version - 1]
        let generator = GaloisField.generator(degree: layout.ecPerBlock)
        var dataBlocks: [[UInt8]] = [], ecBlocks: [[UInt8]] = []
        var offset = 0
        for length in layout.dataPerBlock {
            let block = Array(data[offset..<offset + length])
            offset += length
            dataBlocks.append(block)
            ecBlocks.append(GaloisField.remainder(of: block, dividedBy: generator))
        }
        return interleave(dataBlocks) + interleave(ecBlocks)
    }

    /// The first codeword of every block, then the second of every block, and so on.
    private static func interleave(_ blocks: [[UInt8]]) -> [UInt8] {
        let longest = blocks.map(\.count).max() ?? 0
        return (0..<longest).flatMap { index in blocks.compactMap { index < $0.count ? $0[index] : nil } }
    }

    /// The 15 format bits: level M (00) and the mask, with their BCH check bits, XOR-masked.
    static func formatBits(mask: Int) -> Int {
        let data = mask // level M's two bits are 00
        var remainder = data
        for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
        return ((data << 10) | remainder) ^ 0x5412
    }

    /// The 18 version bits (versions 7 and up): the version and its BCH check bits.
    static func versionBits(_ version: Int) -> Int {
        var remainder = version
        for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
        return (version << 12) | remainder
    }

    /// Centres of the alignment patterns along each axis, versions 2–10.
    static func alignmentCentres(version: Int) -> [Int] {
        guard version > 1 else { return [] }
        let last = 4 * version + 10
        let middle: [Int] = version >= 7 ? [[22, 24, 26, 28][version - 7]] : []
        return [6] + middle + [last]
    }

    // MARK: - The grid

    private struct Grid {
        let size: Int
        let version: Int
        var dark: [Bool]
        /// Modules that belong to fixed patterns, which data and masks leave alone.
        var reserved: [Bool]

        init(version: Int) {
            self.version = version
            size = 4 * version + 17
            dark = Array(repeating: false, count: size * size)
            reserved = dark
            placeFixedPatterns()
        }

        subscript(x: Int, y: Int) -> Bool {
            get { dark[y * size + x] }
            set { dark[y * size + x] = newValue }
        }

        private mutating func setFixed(_ x: Int, _ y: Int, _ value: Bool) {
            self[x, y] = value
            reserved[y * size + x] = true
        }

        private mutating func placeFixedPatterns() {
            for i in 0..<size {
                setFixed(6, i, i % 2 == 0)
                setFixed(i, 6, i % 2 == 0)
            }
            for (cx, cy) in [(3, 3), (size - 4, 3), (3, size - 4)] {
                // A finder: 7×7 rings around a 3×3 core, with a light separator around it.
                for dy in -4...4 {
                    for dx in -4...4 {
                        let x = cx + dx, y = cy + dy
                        guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                        let ring = max(abs(dx), abs(dy))
                        setFixed(x, y, ring != 2 && ring != 4)
                    }
                }
            }
            let centres = QRCode.alignmentCentres(version: version)
            for cy in centres {
                for cx in centres where !(cx == 6 && cy == 6) && !(cx == 6 && cy == centres.last!) && !(cx == centres.last! && cy == 6) {
                    for dy in -2...2 {
                        for dx in -2...2 { setFixed(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) }
                    }
                }
            }
            // Format areas are reserved now and written once the mask is known.
            writeFormat(0)
            if version >= 7 {
                let bits = QRCode.versionBits(version)
                for i in 0..<18 {
                    let bit = (bits >> i) & 1 == 1
                    let a = size - 11 + i % 3, b = i / 3
                    setFixed(a, b, bit)
                    setFixed(b, a, bit)
                }
            }
        }

        /// Both copies of the format bits, and the module that is always dark.
        mutating func writeFormat(_ mask: Int) {
            let bits = QRCode.formatBits(mask: mask)
            func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
            for i in 0...5 { setFixed(8, i, bit(i)) }
            setFixed(8, 7, bit(6))
            setFixed(8, 8, bit(7))
            setFixed(7, 8, bit(8))
            for i in 9..<15 { setFixed(14 - i, 8, bit(i)) }
            for i in 0..<8 { setFixed(size - 1 - i, 8, bit(i)) }
            for i in 8..<15 { setFixed(8, size - 15 + i, bit(i)) }
            setFixed(8, size - 8, true)
        }

        /// Codeword bits in two-column strips, right to left, alternately upward and downward,
        /// stepping over the vertical timing column.
        mutating func placeData(_ codewords: [UInt8]) {
            var index = 0
            var right = size - 1
            while right >= 1 {
                if right == 6 { right = 5 }
                let upward = ((right + 1) & 2) == 0
                for step in 0..<size {
                    let y = upward ? size - 1 - step : step
                    for x in [right, right - 1] where !reserved[y * size + x] {
                        if index < codewords.count * 8 {
                            self[x, y] = (codewords[index >> 3] >> (7 - (index & 7))) & 1 == 1
                            index += 1
                        }
                    }
                }
                right -= 2
            }
        }

        mutating func apply(mask: Int) {
            for y in 0..<size {
                for x in 0..<size where !reserved[y * size + x] {
                    let flip = switch mask {
                    case 0: (x + y) % 2 == 0
                    case 1: y % 2 == 0
                    case 2: x % 3 == 0
                    case 3: (x + y) % 3 == 0
                    case 4: (x / 3 + y / 2) % 2 == 0
                    case 5: (x * y) % 2 + (x * y) % 3 == 0
                    case 6: ((x * y) % 2 + (x * y) % 3) % 2 == 0
                    default: ((x + y) % 2 + (x * y) % 3) % 2 == 0
                    }
                    if flip { self[x, y].toggle() }
                }
            }
            writeFormat(mask)
        }

        /// The standard's four penalties: runs of one colour, 2×2 blocks, finder-like sequences,
        /// and imbalance between dark and light.
        func penalty() -> Int {
            var total = 0
            for line in 0..<size {
                let row = (0..<size).map { self[$0, line] }
                let column = (0..<size).map { self[line, $0] }
                total += Self.runPenalty(row) + Self.finderLikePenalty(row)
                total += Self.runPenalty(column) + Self.finderLikePenalty(column)
            }
            for y in 0..<size - 1 {
                for x in 0..<size - 1 {
                    let colour = self[x, y]
                    if self[x + 1, y] == colour, self[x, y + 1] == colour, self[x + 1, y + 1] == colour { total += 3 }
                }
            }
            let darkCount = dark.filter { $0 }.count
            let percent = darkCount * 100 / dark.count
            total += (abs(percent - 50) / 5) * 10
            return total
        }

        private static func runPenalty(_ line: [Bool]) -> Int {
            var total = 0, run = 1
            for i in 1...line.count {
                if i < line.count, line[i] == line[i - 1] { run += 1; continue }
                if run >= 5 { total += run - 2 }
                run = 1
            }
            return total
        }

        private static func finderLikePenalty(_ line: [Bool]) -> Int {
            let pattern: [Bool] = [true, false, true, true, true, false, true]
            var total = 0
            for start in 0...(line.count - 7) where Array(line[start..<start + 7]) == pattern {
                let lightBefore = start >= 4 && line[(start - 4)..<start].allSatisfy { !$0 }
                let lightAfter = start + 11 <= line.count && line[(start + 7)..<(start + 11)].allSatisfy { !$0 }
                if lightBefore || lightAfter { total += 40 }
            }
            return total
        }
    }
}

/// Bits appended most significant first, read out as bytes.
private struct BitBuffer {
    private(set) var bits: [Bool] = []
    var count: Int { bits.count }

    mutating func append(_ value: Int, count: Int) {
        for shift in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> shift) & 1 == 1) }
    }

    var bytes: [UInt8] {
        stride(from: 0, to: bits.count, by: 8).map { start in
            bits[start..<min(start + 8, bits.count)].enumerated().reduce(UInt8(0)) { byte, bit in bit.element ? byte | (0x80 >> bit.offset) : byte }
        }
    }
}

/// Arithmetic in GF(2⁸) with the QR code polynomial x⁸+x⁴+x³+x²+1, for Reed–Solomon codewords.
enum GaloisField {
    private static let tables: (exp: [UInt8], log: [Int]) = {
        var exp = [UInt8](repeating: 0, count: 512), log = [Int](repeating: 0, count: 256)
        var value = 1
        for power in 0..<255 {
            exp[power] = UInt8(value)
            log[value] = power
            value <<= 1
            if value & 0x100 != 0 { value ^= 0x11D }
        }
        for power in 255..<512 { exp[power] = exp[power - 255] }
        return (exp, log)
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        return tables.exp[tables.log[Int(a)] + tables.log[Int(b)]]
    }

    /// (x − α⁰)(x − α¹)…(x − αⁿ⁻¹), highest power first.
    static func generator(degree: Int) -> [UInt8] {
        var polynomial: [UInt8] = [1]
        for power in 0..<degree {
            var next = [UInt8](repeating: 0, count: polynomial.count + 1)
            for (index, coefficient) in polynomial.enumerated() {
                next[index] ^= coefficient
                next[index + 1] ^= multiply(coefficient, tables.exp[power])
            }
            polynomial = next
        }
        return polynomial
    }

    /// The remainder of message·xⁿ divided by the generator: the error-correction codewords.
    static func remainder(of message: [UInt8], dividedBy generator: [UInt8]) -> [UInt8] {
        let degree = generator.count - 1
        var buffer = message + [UInt8](repeating: 0, count: degree)
        for index in 0..<message.count {
            let coefficient = buffer[index]
            guard coefficient != 0 else { continue }
            for offset in 1...degree { buffer[index + offset] ^= multiply(generator[offset], coefficient) }
        }
        return Array(buffer[message.count...])
    }
}
