import Foundation
import LiaisonCore
import NIOCore
import NIOPosix
import NIOSSL

/// Why a message was not accepted: `transient` ones are tried again later (4xx replies, a server
/// that is down or slow), `permanent` ones are set aside (5xx replies, e.g. an unknown mailbox).
enum DeliveryFailure: Error, Equatable {
    case transient(String)
    case permanent(String)

    var isPermanent: Bool { if case .permanent = self { true } else { false } }

    var description: String {
        switch self {
        case .transient(let text), .permanent(let text): text
        }
    }

    /// The failure an unexpected reply stands for.
    init(_ reply: SMTPReply, during step: String) {
        let text = "\(step): \(reply.code) \(reply.text)"
        self = reply.isTransient ? .transient(text) : .permanent(text)
    }
}

/// Sends email over SMTP (RFC 5321) on SwiftNIO: one connection for a batch of messages, EHLO,
/// STARTTLS (or TLS from the start), AUTH PLAIN or LOGIN, then MAIL/RCPT/DATA per message.
/// Every wait for the server is bounded, so a server that hangs costs a timeout, not a worker.
struct SMTPClient: Sendable {
    let settings: SMTPSettings
    /// The From address every message carries.
    let from: String
    /// The name this host gives in EHLO.
    var heloName = "liaison.localhost"
    var timeout: Duration = .seconds(30)

    /// Sends each message and reports, in order, what became of it. A failure of the connection
    /// itself is every remaining message's (transient) failure.
    func send(_ messages: [MailMessage]) async -> [Result<Void, DeliveryFailure>] {
        guard !messages.isEmpty else { return [] }
        var results: [Result<Void, DeliveryFailure>] = []
        do {
            try await withSession { session in
                for message in messages {
                    do {
                        try await session.deliver(message, from: envelopeAddress(from))
                        results.append(.success(()))
                    } catch let failure as DeliveryFailure {
                        results.append(.failure(failure))
                        // After a refused message the session is still usable; start it afresh.
                        try await session.command("RSET", expecting: 250, during: "RSET")
                    }
                }
            }
        } catch {
            let failure = (error as? DeliveryFailure) ?? .transient("connection to \(settings.host):\(settings.port): \(Self.describe(error))")
            results += Array(repeating: .failure(failure), count: messages.count - results.count)
        }
        return results
    }

    private func withSession(_ body: (Session) async throws -> Void) async throws {
        let tls = try makeTLSContext()
        let host = settings.host
        // A name is checked against the certificate by name; an address (which may not be sent
        // as a server name) against the address connected to.
        let serverName: String? = Self.isAddress(host) ? nil : host
        let implicitTLS = settings.security == .implicitTLS
        let idle = TimeAmount.nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    // A server that stops answering is given up on: the connection closes, the wait ends.
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: idle))
                    try channel.pipeline.syncOperations.addHandler(CloseWhenIdle())
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineDecoder()))
                    return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            let session = Session(lines: inbound.makeAsyncIterator(), outbound: outbound)
            try await session.expect(220, during: "greeting")
            var hello = try await session.hello(heloName)
            if settings.security != .implicitTLS {
                if hello.extensionParameters("STARTTLS") != nil {
                    try await session.command("STARTTLS", expecting: 220, during: "STARTTLS")
                    try await channel.channel.eventLoop.submit {
                        try channel.channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls, serverHostname: serverName), position: .first)
                    }.get()
                    hello = try await session.hello(heloName)
                } else if settings.security == .startTLSRequired {
                    throw DeliveryFailure.transient("\(host) does not offer STARTTLS, and the SMTP URL requires it")
                }
            }
            if let username = settings.username, let password = settings.password {
                try await session.authenticate(username: username, password: password, offered: hello.extensionParameters("AUTH") ?? [])
            }
            try await body(session)
            _ = try? await session.command("QUIT", expecting: 221, during: "QUIT")
        }
    }

    private func makeTLSContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let file = settings.certificateAuthorityFile {
            configuration.additionalTrustRoots = [.file(file)]
        }
        return try NIOSSLContext(configuration: configuration)
    }

    /// The bare address of a From such as "Liaison <noreply@clinic.example>".
    func envelopeAddress(_ from: String) -> String {
        if let open = from.lastIndex(of: "<"), let close = from.lastIndex(of: ">"), open < close {
            return String(from[from.index(after: open)..<close])
        }
        return from.trimmingCharacters(in: .whitespaces)
    }

    static func isAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }

    static func describe(_ error: any Error) -> String {
        if let failure = error as? DeliveryFailure { return failure.description }
        return String(describing: error).prefix(200).description
    }

    /// One conversation with the server: commands written, replies read in order.
    final class Session {
        private var lines: NIOAsyncChannelInboundStream<String>.AsyncIterator
        private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

        init(lines: NIOAsyncChannelInboundStream<String>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
            self.lines = lines
            self.outbound = outbound
        }

        func reply() async throws -> SMTPReply {
            var parser = SMTPReply.Parser()
            while let line = try await lines.next() {
                do {
                    if let reply = try parser.feed(line) { return reply }
                } catch {
                    throw DeliveryFailure.transient("the server's reply could not be read: \(line.prefix(80))")
                }
            }
            throw DeliveryFailure.transient("the server closed the connection")
        }

        @discardableResult
        func expect(_ code: Int, during step: String) async throws -> SMTPReply {
            let reply = try await reply()
            guard reply.code == code else { throw DeliveryFailure(reply, during: step) }
            return reply
        }

        @discardableResult
        func command(_ line: String, expecting code: Int, during step: String) async throws -> SMTPReply {
            try await outbound.write(ByteBuffer(string: line + "\r\n"))
            return try await expect(code, during: step)
        }

        func hello(_ name: String) async throws -> SMTPReply {
            try await command("EHLO \(name)", expecting: 250, during: "EHLO")
        }

        func authenticate(username: String, password: String, offered: [String]) async throws {
            if offered.contains("PLAIN") || !offered.contains("LOGIN") {
                let token = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
                try await command("AUTH PLAIN \(token)", expecting: 235, during: "AUTH PLAIN")
            } else {
                try await command("AUTH LOGIN", expecting: 334, during: "AUTH LOGIN")
                try await command(Data(username.utf8).base64EncodedString(), expecting: 334, during: "AUTH LOGIN")
                try await command(Data(password.utf8).base64EncodedString(), expecting: 235, during: "AUTH LOGIN")
            }
        }

        func deliver(_ message: MailMessage, from envelope: String) async throws {
            // An address that could end the command early is not an address.
            guard !message.to.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == ">" || $0 == "<" }) else {
                throw DeliveryFailure.permanent("the recipient address is not valid")
            }
            try await command("MAIL FROM:<\(envelope)>", expecting: 250, during: "MAIL FROM")
            let recipient = try await { () async throws -> SMTPReply in
                try await outbound.write(ByteBuffer(string: "RCPT TO:<\(message.to)>\r\n"))
                return try await reply()
            }()
            guard recipient.code == 250 || recipient.code == 251 else { throw DeliveryFailure(recipient, during: "RCPT TO") }
            try await command("DATA", expecting: 354, during: "DATA")
            try await outbound.write(ByteBuffer(string: MailMessage.dotStuffed(message.rendered()) + ".\r\n"))
            try await expect(250, during: "end of DATA")
        }
    }
}

/// Closes the connection when `IdleStateHandler` says nothing has come for too long.
final class CloseWhenIdle: ChannelInboundHandler, Sendable {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent { context.close(promise: nil) } else { context.fireUserInboundEventTriggered(event) }
    }
}

/// Splits what the server sends into lines, without their CRLF.
struct LineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let end = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            // A reply line is at most 512 octets (RFC 5321 §4.5.3.1.5); far longer is not SMTP.
            if buffer.readableBytes > 64 * 1024 { throw DeliveryFailure.transient("the server sent an endless line") }
            return .needMoreData
        }
        let length = end - buffer.readerIndex
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}
