/// Why an MLLP byte stream cannot go on being read.
public enum MLLPError: Error, Sendable, Equatable {
    /// A frame's payload grew past the limit; its bytes up to the next end block are discarded.
    case oversize(limit: Int)

    public var reason: String {
        switch self {
        case .oversize(let limit): "The message is larger than the \(limit)-byte limit."
        }
    }
}

/// Splits a TCP byte stream into MLLP frames: <VT 0x0B> payload <FS 0x1C><CR 0x0D>. Bytes before a
/// start block are discarded (noise between frames). A payload growing past `maxPayload` throws
/// `.oversize`.
///
/// A frame ends at its FS; the CR after it is treated as the noise before the next frame, so a
/// sender that leaves the CR off is still understood. A start block inside a frame starts the
/// frame again, since it means the sender abandoned the one before. The framer never holds more
/// than `maxPayload` bytes of an unfinished frame, whatever the sender does.
public struct MLLPFramer: Sendable {
    public static let startBlock: UInt8 = 0x0B
    public static let endBlock: UInt8 = 0x1C
    public static let carriageReturn: UInt8 = 0x0D

    private enum State: Sendable {
        /// Between frames: waiting for a start block.
        case idle
        case reading
        /// In a frame already reported as oversize: dropping bytes until it ends.
        case discarding
    }

    private enum Outcome: Sendable {
        case frame([UInt8])
        case oversize
    }

    public let maxPayload: Int
    private var state = State.idle
    private var payload: [UInt8] = []
    private var outcomes: [Outcome] = []
    private var nextOutcome = 0

    public init(maxPayload: Int) {
        self.maxPayload = maxPayload
    }

    /// Feeds bytes as they arrive from the socket, in any chunks.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            switch (state, byte) {
            case (_, Self.startBlock):
                state = .reading
                payload.removeAll(keepingCapacity: true)
            case (.idle, _), (.discarding, Self.endBlock):
                state = .idle
            case (.discarding, _):
                break
            case (.reading, Self.endBlock):
                outcomes.append(.frame(payload))
                payload = []
                state = .idle
            case (.reading, _) where payload.count >= maxPayload:
                outcomes.append(.oversize)
                payload = []
                state = .discarding
            case (.reading, _):
                payload.append(byte)
            }
        }
    }

    /// The next complete frame's payload, in the order frames arrived; nil when no complete frame
    /// is waiting. Throws `.oversize` at the point in the stream where a frame overflowed, after
    /// which the stream can still be read, though a listener will usually close the connection.
    public mutating func nextFrame() throws(MLLPError) -> [UInt8]? {
        guard nextOutcome < outcomes.count else { return nil }
        let outcome = outcomes[nextOutcome]
        nextOutcome += 1
        if nextOutcome == outcomes.count {
            outcomes.removeAll(keepingCapacity: true)
            nextOutcome = 0
        }
        switch outcome {
        case .frame(let payload): return payload
        case .oversize: throw .oversize(limit: maxPayload)
        }
    }

    /// True while a frame has started and not ended: a connection closing now cut a message short.
    public var hasPartialFrame: Bool { state != .idle }

    /// `payload` wrapped in a start block and an end block with its carriage return, ready to send.
    public static func frame(_ payload: [UInt8]) -> [UInt8] {
        [startBlock] + payload + [endBlock, carriageReturn]
    }
}
