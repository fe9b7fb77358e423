import Testing
@testable import LiaisonCore

@Suite struct MLLPFramerTests {
    static let first = Array("MSH|^~\\&|ADT1|GHH|||20240101||ADT^A01|1|P|2.5.1\rPID|1||42\r".utf8)
    static let second = Array("MSH|^~\\&|ADT1|GHH|||20240101||ADT^A03|2|P|2.5.1\r".utf8)

    /// Every frame waiting in `framer`, in order.
    static func drain(_ framer: inout MLLPFramer) throws -> [[UInt8]] {
        var frames: [[UInt8]] = []
        while let frame = try framer.nextFrame() { frames.append(frame) }
        return frames
    }

    @Test func framingWrapsThePayloadInStartAndEndBlocks() {
        #expect(MLLPFramer.frame([0x41, 0x42]) == [0x0B, 0x41, 0x42, 0x1C, 0x0D])
        #expect(MLLPFramer.frame([]) == [0x0B, 0x1C, 0x0D])
    }

    @Test func aFramedPayloadComesBackOut() throws {
        var framer = MLLPFramer(maxPayload: 1_000)
        #expect(try framer.nextFrame() == nil)
        framer.append(MLLPFramer.frame(Self.first))
        #expect(try framer.nextFrame() == Self.first)
        #expect(try framer.nextFrame() == nil)
        #expect(!framer.hasPartialFrame)
    }

    @Test func aFrameArrivingOneByteAtATimeIsWholeOnlyAtItsEnd() throws {
        var framer = MLLPFramer(maxPayload: 1_000)
        let bytes = MLLPFramer.frame(Self.first)
        for (index, byte) in bytes.enumerated() {
            framer.append([byte])
            let frame = try framer.nextFrame()
            if index < bytes.count - 2 {
                #expect(frame == nil, "complete after \(index + 1) bytes")
                #expect(framer.hasPartialFrame)
            } else if index == bytes.count - 2 {
                #expect(frame == Self.first)
            } else {
                #expect(frame == nil)
            }
        }
        #expect(!framer.hasPartialFrame)
    }

    @Test func twoFramesInOneReadComeOutInOrder() throws {
        var framer = MLLPFramer(maxPayload: 1_000)
        framer.append(MLLPFramer.frame(Self.first) + MLLPFramer.frame(Self.second))
        #expect(try Self.drain(&framer) == [Self.first, Self.second])
    }

    @Test func framesSplitAcrossReadsAtEveryPointAreReassembled() throws {
        let stream = MLLPFramer.frame(Self.first) + MLLPFramer.frame(Self.second)
        for cut in 0...stream.count {
            var framer = MLLPFramer(maxPayload: 1_000)
            framer.append(stream[..<cut])
            var frames = try Self.drain(&framer)
            framer.append(stream[cut...])
            frames += try Self.drain(&framer)
            #expect(frames == [Self.first, Self.second], "cut at \(cut)")
        }
    }

    @Test func noiseBetweenFramesIsDiscarded() throws {
        var framer = MLLPFramer(maxPayload: 1_000)
        framer.append(Array("GET / HTTP/1.1\r\n\r\n".utf8) + [0x1C, 0x0D, 0x00])
        #expect(try framer.nextFrame() == nil)
        #expect(!framer.hasPartialFrame)
        framer.append(MLLPFramer.frame(Self.first) + Array("\r\n junk".utf8) + MLLPFramer.frame(Self.second))
        #expect(try Self.drain(&framer) == [Self.first, Self.second])
    }

    @Test func aSenderThatLeavesOffTheFinalCarriageReturnIsStillUnderstood() throws {
        var framer = MLLPFramer(maxPayload: 1_000)
        framer.append([0x0B] + Self.first + [0x1C, 0x0B] + Self.second + [0x1C])
        #expect(try Self.drain(&framer) == [Self.first, Self.second])
    }

    @Test func aNewStartBlockAbandonsTheFrameBeforeIt() throws {
        var framer = MLLPFramer(maxPayload: 1_000)
        framer.append([0x0B] + Array("MSH|half a mess".utf8) + MLLPFramer.frame(Self.second))
        #expect(try Self.drain(&framer) == [Self.second])
    }

    @Test func aPayloadPastTheLimitThrowsAndTheStreamRecovers() throws {
        var framer = MLLPFramer(maxPayload: 10)
        framer.append(MLLPFramer.frame(Array(repeating: 0x41, count: 10)))
        #expect(try framer.nextFrame()?.count == 10)

        framer.append([0x0B] + Array(repeating: 0x41, count: 11))
        #expect(throws: MLLPError.oversize(limit: 10)) { try framer.nextFrame() }
        #expect(framer.hasPartialFrame)
        framer.append(Array(repeating: 0x41, count: 100_000))
        #expect(try framer.nextFrame() == nil)
        framer.append([0x1C, 0x0D] + MLLPFramer.frame([0x42]))
        #expect(try Self.drain(&framer) == [[0x42]])
        #expect(!MLLPError.oversize(limit: 10).reason.isEmpty)
    }

    @Test func anOversizeFrameIsReportedWhereItWasInTheStream() throws {
        var framer = MLLPFramer(maxPayload: 4)
        framer.append(MLLPFramer.frame([1]) + MLLPFramer.frame([1, 2, 3, 4, 5]) + MLLPFramer.frame([2]))
        #expect(try framer.nextFrame() == [1])
        #expect(throws: MLLPError.oversize(limit: 4)) { try framer.nextFrame() }
        #expect(try framer.nextFrame() == [2])
    }
}
