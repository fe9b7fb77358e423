import Foundation
import LiaisonCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Listens for hospitals' HL7 v2 messages over MLLP (`LIAISON_MLLP_PORT`) and answers each with
/// its acknowledgement. Thin on purpose: framing is `MLLPFramer`, reading and applying is
/// `HospitalFeedService`. Messages on one connection are answered in order, one at a time, as
/// MLLP senders expect. A frame over the size limit is answered AR at once and the rest of it
/// dropped unread; a connection silent for `idleTimeout` is closed; connections past
/// `maxConnections` are closed at once, so garbage cannot exhaust the server.
struct MLLPListener: Service {
    let host: String
    let port: Int
    let feeds: HospitalFeedService
    let logger: Logger
    /// How long a sender may stop half-way through a message (twenty times this between messages).
    var idleTimeout: TimeAmount = .seconds(30)
    var maxConnections = 64

    typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>
    typealias Server = NIOAsyncChannel<Connection, Never>

    func run() async throws {
        let server = try await bind()
        logger.notice("listening for HL7 over MLLP", metadata: ["host": .string(host), "port": .stringConvertible(server.channel.localAddress?.port ?? port)])
        try await cancelWhenGracefulShutdown { try await serve(server) }
    }

    /// Binds the port (0 for any free one; the bound port is `server.channel.localAddress?.port`).
    func bind() async throws -> Server {
        let idle = idleTimeout
        return try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
                    try channel.pipeline.syncOperations.addHandler(QuietSenderGuard(quietPeriodsBetweenFrames: 20))
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Accepts connections until the server channel closes or the task is cancelled.
    func serve(_ server: Server) async throws {
        let open = ConnectionCount()
        try await server.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in inbound {
                    guard open.enter(limit: maxConnections) else {
                        logger.warning("MLLP connection refused: too many open", metadata: ["limit": .stringConvertible(maxConnections)])
                        try? await connection.channel.close()
                        continue
                    }
                    group.addTask {
                        defer { open.leave() }
                        await handle(connection)
                    }
                }
            }
        }
    }

    private func handle(_ connection: Connection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var framer = MLLPFramer(maxPayload: HospitalFeedService.maxMessageBytes)
                for try await buffer in inbound {
                    framer.append(buffer.readableBytesView)
                    while true {
                        let frame: [UInt8]?
                        do { frame = try framer.nextFrame() } catch {
                            // Answered at once; the rest of the frame is dropped as it arrives (closing
                            // now could reset the connection before the sender reads the answer).
                            try await outbound.write(ByteBuffer(bytes: MLLPFramer.frame(Array(feeds.oversize().utf8))))
                            continue
                        }
                        guard let frame else { break }
                        let ack = await feeds.receive(frame)
                        try await outbound.write(ByteBuffer(bytes: MLLPFramer.frame(Array(ack.utf8))))
                    }
                }
            }
        } catch {
            logger.debug("MLLP connection ended", metadata: ["error": .string(String(describing: error))])
        }
    }
}

/// Closes a connection whose sender went quiet: at once when it stopped half-way through a frame
/// (the idle time), and after `quietPeriodsBetweenFrames` idle times when it is between messages,
/// since hospital interfaces keep a connection open and send when something happens.
private final class QuietSenderGuard: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let quietPeriodsBetweenFrames: Int
    private var insideFrame = false
    private var quietPeriods = 0

    init(quietPeriodsBetweenFrames: Int) {
        self.quietPeriodsBetweenFrames = quietPeriodsBetweenFrames
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data).readableBytesView
        if let last = bytes.lastIndex(where: { $0 == MLLPFramer.startBlock || $0 == MLLPFramer.endBlock }) {
            insideFrame = bytes[last] == MLLPFramer.startBlock
        }
        quietPeriods = 0
        context.fireChannelRead(data)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is IdleStateHandler.IdleStateEvent else { return context.fireUserInboundEventTriggered(event) }
        quietPeriods += 1
        if insideFrame || quietPeriods >= quietPeriodsBetweenFrames { context.close(promise: nil) }
    }
}

/// Open connections, counted across the tasks that serve them.
private final class ConnectionCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func enter(limit: Int) -> Bool {
        lock.withLock {
            guard count < limit else { return false }
            count += 1
            return true
        }
    }

    func leave() {
        lock.withLock { count -= 1 }
    }
}
