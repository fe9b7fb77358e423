import Crypto
import Foundation

/// The operator's secret for sealing audit entries (`LIAISON_AUDIT_KEY`). Each entry then also
/// carries an HMAC of its hash: someone who can write the database but does not hold the key can
/// rewrite entries and rebuild the hash chain, but not the seals, and `audit verify` with the key
/// finds the first entry whose seal does not match.
public struct AuditKey: Sendable {
    private let bytes: Data

    /// A key from the configured text (at least 32 characters).
    public init?(_ text: String) {
        guard text.count >= 32 else { return nil }
        bytes = Data(text.utf8)
    }

    /// The seal of an entry with this hash.
    public func seal(_ hash: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(hash.utf8), using: SymmetricKey(data: bytes)).map { String(format: "%02x", $0) }.joined()
    }
}
