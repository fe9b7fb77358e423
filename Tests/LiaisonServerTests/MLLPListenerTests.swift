import Foundation
import LiaisonCore
import LiaisonData
import Logging
import NIOCore
import NIOPosix
import Testing
@testable import LiaisonServer

/// The MLLP listener over real sockets: a framed message gets its framed acknowledgement; garbage,
/// half frames and oversize frames are answered or dropped without stopping it.
@Suite struct MLLPListenerTests {
    typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    /// Runs `body` with a listener on a free loopback port.
    static func withListener(_ world: TestWorld, idle: TimeAmount = .seconds(30), _ body: @Sendable (Int) async throws -> Void) async throws {
        var configured = MLLPListener(host: "127.0.0.1", port: 0, feeds: world.services.feeds, logger: Logger(label: "test.mllp"))
        configured.idleTimeout = idle
        let listener = configured
        let server = try await listener.bind()
        let port = try #require(server.channel.localAddress?.port)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await listener.serve(server) }
            defer { group.cancelAll() }
            try await body(port)
            try await server.channel.close()
        }
    }

    static func connect(_ port: Int) async throws -> Connection {
        try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture { try Connection(wrappingChannelSynchronously: channel) }
        }
    }

    /// Sends `bytes` and reads until a whole frame comes back (nil when the server closes first).
    static func exchange(_ port: Int, _ bytes: [UInt8]) async throws -> String? {
        do {
            return try await connect(port).executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(bytes: bytes))
                var framer = MLLPFramer(maxPayload: 1_000_000)
                for try await buffer in inbound {
                    framer.append(buffer.readableBytesView)
                    if let frame = try framer.nextFrame() { return String(decoding: frame, as: UTF8.self) }
                }
                return nil
            }
        } catch let error as IOError where error.errnoCode == ECONNRESET {
            // Closed by the listener: as a sender sees it, no answer.
            return nil
        }
    }

    @Test func aFramedMessageIsAnsweredAndGarbageDoesNotStopTheListener() async throws {
        try await withApp { world in
            _ = try await HospitalFeedTests.setUp(world)
            try await Self.withListener(world) { port in
                let ack = try #require(try await Self.exchange(port, MLLPFramer.frame(HospitalFeedTests.adt("A04", control: "NET-1"))))
                #expect(try HospitalFeedTests.answer(ack).code == "AA")
                // A thousand connections of noise in a row, some opening a frame and closing.
                for index in 0..<1000 {
                    let connection = try await Self.connect(port)
                    try await connection.executeThenClose { _, outbound in
                        try await outbound.write(ByteBuffer(bytes: index % 2 == 0 ? Array("GET / HTTP/1.1\r\n\r\n".utf8) : [0x0B, 0x41, 0x42, 0x43]))
                    }
                }
                let unparseable = try #require(try await Self.exchange(port, MLLPFramer.frame(Array("not hl7 at all".utf8))))
                #expect(try HospitalFeedTests.answer(unparseable).code == "AR")
                let after = try #require(try await Self.exchange(port, MLLPFramer.frame(HospitalFeedTests.adt("A01", control: "NET-2", patientClass: "I"))))
                #expect(try HospitalFeedTests.answer(after).code == "AA")
                // Two messages in one write are answered in order on the same connection.
                let both = try await Self.connect(port).executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(bytes: MLLPFramer.frame(HospitalFeedTests.adt("A08", control: "NET-3")) + MLLPFramer.frame(HospitalFeedTests.adt("A08", control: "NET-4"))))
                    var framer = MLLPFramer(maxPayload: 1_000_000)
                    var answers: [String] = []
                    for try await buffer in inbound {
                        framer.append(buffer.readableBytesView)
                        while let frame = try framer.nextFrame() { answers.append(String(decoding: frame, as: UTF8.self)) }
                        if answers.count == 2 { break }
                    }
                    return answers
                }
                #expect(try both.map { try HospitalFeedTests.answer($0).code } == ["AA", "AA"])
            }
            #expect(try await CareEvent.query(on: world.database.db()).count() == 2)
        }
    }

    @Test func aHalfFrameIsClosedWhenTheSenderGoesQuietAndAnOversizeFrameIsRejected() async throws {
        try await withApp { world in
            _ = try await HospitalFeedTests.setUp(world)
            try await Self.withListener(world, idle: .seconds(5)) { port in
                let half = Array(MLLPFramer.frame(HospitalFeedTests.adt("A04", control: "HALF-1")).dropLast(2))
                #expect(try await Self.exchange(port, half) == nil, "closed without an answer, and nothing applied")
                var big = [MLLPFramer.startBlock] + Array("MSH|^~\\&|ADT|STBRENDANS|||20261127||ADT^A04|BIG-1|P|2.5.1\r".utf8)
                big += [UInt8](repeating: 0x41, count: HospitalFeedService.maxMessageBytes + 10)
                let answer = try #require(try await Self.exchange(port, big))
                #expect(try HospitalFeedTests.answer(answer).code == "AR")
                let fine = try #require(try await Self.exchange(port, MLLPFramer.frame(HospitalFeedTests.adt("A04", control: "OK-1"))))
                #expect(try HospitalFeedTests.answer(fine).code == "AA")
            }
            #expect(try await FeedMessage.query(on: world.database.db()).all().map(\.controlID) == ["OK-1"])
        }
    }
}
