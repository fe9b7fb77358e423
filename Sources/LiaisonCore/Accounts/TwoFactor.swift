import Foundation

/// Two-factor sign-in: after the password, a time-based one-time code (RFC 6238: HMAC-SHA1, six
/// digits, 30-second steps) from an authenticator app, or one of ten single-use recovery codes.
public enum TwoFactor {
    /// Seconds each code lasts.
    public static let stepLength: TimeInterval = 30
    /// Recovery codes issued at a time.
    public static let recoveryCodeCount = 10
    /// How long the step between the password and the code may take.
    public static let pendingSignInLifetime: TimeInterval = 10 * 60

    /// The 30-second step a moment falls in.
    public static func step(at moment: Date) -> Int64 {
        Int64((moment.timeIntervalSince1970 / stepLength).rounded(.down))
    }

    /// The steps a code typed now may come from: the current one and one either side, for a phone
    /// whose clock is a little off or a code typed as it changed.
    public static func acceptedSteps(at moment: Date) -> [Int64] {
        let now = step(at: moment)
        return [now, now - 1, now + 1]
    }

    /// Who must use two-factor sign-in: system administrators, organisation administrators, and
    /// every member of an organisation that switched it on. Emergency access asks everyone for a
    /// code (`EmergencyAccess` needs the person enrolled).
    public static func isRequired(isSystemAdministrator: Bool, roles: some Sequence<MembershipRole>, anOrganisationRequiresIt: Bool) -> Bool {
        isSystemAdministrator || anOrganisationRequiresIt || roles.contains(.administrator)
    }

    /// What a person typed, told apart by shape: six digits are a code from the app; anything
    /// else of the recovery codes' shape is a recovery code. Spaces and dashes are ignored.
    public enum EnteredCode: Sendable, Equatable {
        case timeBased(String)
        case recovery(String)

        public init?(_ typed: String?) {
            let compact = (typed ?? "").filter { !$0.isWhitespace && $0 != "-" }.lowercased()
            if compact.count == 6, compact.allSatisfy(\.isASCII), compact.allSatisfy(\.isNumber) {
                self = .timeBased(compact)
            } else if compact.count == TwoFactor.recoveryCodeLength, compact.allSatisfy({ TwoFactor.recoveryAlphabet.contains($0) }) {
                self = .recovery(compact)
            } else {
                return nil
            }
        }
    }

    /// Recovery codes: ten characters from an alphabet without look-alikes (no 0/o, 1/l/i),
    /// shown as two groups of five.
    static let recoveryAlphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")
    static let recoveryCodeLength = 10

    /// A new recovery code as shown, "abcde-fghjk" (about 50 bits).
    public static func newRecoveryCode() -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<recoveryCodeLength).map { _ in recoveryAlphabet.randomElement(using: &generator)! }
        return String(characters[0..<5]) + "-" + String(characters[5...])
    }

    /// A new authenticator key: 32 characters from the base-32 alphabet (160 random bits).
    public static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return String((0..<32).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// The key as people type it into an app: groups of four.
    public static func grouped(_ key: String) -> String {
        stride(from: 0, to: key.count, by: 4).map { start in
            let from = key.index(key.startIndex, offsetBy: start)
            return String(key[from..<(key.index(from, offsetBy: 4, limitedBy: key.endIndex) ?? key.endIndex)])
        }.joined(separator: " ")
    }
}
