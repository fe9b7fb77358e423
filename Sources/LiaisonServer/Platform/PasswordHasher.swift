import HummingbirdBcrypt
import NIOPosix

/// bcrypt hashing, run off the event loops because it is deliberately slow.
public struct PasswordHasher: Sendable {
    public let cost: UInt8
    /// A hash of a secret nobody knows, checked when an email is unknown so that the response
    /// takes as long as for a real account and does not reveal which emails exist.
    private let decoyHash: String

    public init(cost: UInt8) {
        self.cost = cost
        decoyHash = Bcrypt.hash(SecretToken.generate(), cost: cost)
    }

    /// Spends the time of a real verification, and always fails.
    public func verifyDecoy(_ password: String) async throws {
        _ = try await verify(password, hash: decoyHash)
    }

    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
