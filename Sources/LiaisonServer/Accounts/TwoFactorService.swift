import FluentKit
import Foundation
import HummingbirdOTP
import LiaisonCore
import LiaisonData

/// Setting up, checking and turning off two-factor sign-in (`TwoFactor` holds the rules).
///
/// Every code typed counts against the same limit as passwords (`SignInQueries.claimTry`), in a
/// transaction of its own, so guessing codes locks the account as guessing passwords does and a
/// failed request cannot roll the count back.
struct TwoFactorService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let auditor: Auditor
    let lockout = LockoutPolicy()
    static let issuer = "Liaison"

    /// What an authenticator app needs: the address its camera reads, and the same key to type.
    struct Setup: Sendable {
        /// The `otpauth://` address the QR code holds.
        let address: String
        /// The key in base 32, in groups of four.
        let key: String
        let qrCode: String
    }

    struct Status: Sendable {
        let enabled: Bool
        let required: Bool
        /// A set-up begun and not yet confirmed with a code.
        let setup: Setup?
        let recoveryCodesLeft: Int
    }

    enum Check: Equatable {
        case accepted(usedRecoveryCode: Bool)
        case wrong
        case locked
        case notEnrolled
    }

    func status(of identity: Identity) async throws -> Status {
        let db = database.reader()
        let credential = try await TwoFactorQueries.credential(of: identity.userID, on: db)
        let enabled = credential?.confirmedAt != nil
        return Status(
            enabled: enabled, required: identity.twoFactorRequired,
            setup: credential.flatMap { $0.confirmedAt == nil ? Self.setup(secret: $0.secret, for: identity.email) : nil },
            recoveryCodesLeft: enabled ? try await TwoFactorQueries.unusedRecoveryCodes(of: identity.userID, on: db) : 0)
    }

    /// Starts setting up with a new key (replacing a set-up left unfinished).
    func begin(by caller: Caller) async throws -> Setup {
        let secret = TwoFactor.newSecret()
        let started = try await database.write { db in
            try await TwoFactorQueries.begin(for: caller.userID, secret: secret, at: clock.now(), on: db)
        }
        guard started != nil else { throw AppError.conflict("Two-factor sign-in is already on. Turn it off first to move it to another device.") }
        return Self.setup(secret: secret, for: caller.identity.email)
    }

    /// Finishes setting up once the person types a code the new key produces; returns their
    /// recovery codes, shown this once.
    func confirm(code typed: String?, by caller: Caller) async throws -> [String] {
        let now = clock.now()
        guard let credential = try await TwoFactorQueries.credential(of: caller.userID, on: database.db()),
              credential.confirmedAt == nil
        else { throw AppError.conflict("There is no set-up waiting for a code. Start again from the two-factor page.") }
        guard case .timeBased(let code) = TwoFactor.EnteredCode(typed),
              let step = TwoFactor.acceptedSteps(at: now).first(where: { Self.code(secret: credential.secret, step: $0) == code })
        else { throw Self.wrongCode("That code does not match. Type the six digits your app shows now.") }
        return try await database.write { db in
            guard try await TwoFactorQueries.confirm(try credential.requireID(), step: step, at: now, on: db) else {
                throw AppError.conflict("Two-factor sign-in was set up in another window already.")
            }
            let codes = try await replaceRecoveryCodes(of: caller.userID, on: db)
            try await auditor.record(.twoFactorEnable, patient: nil, subject: "user:\(caller.userID)", purpose: "account", by: caller, on: db)
            return codes
        }
    }

    /// New recovery codes in place of the old ones, after a current code.
    func renewRecoveryCodes(code typed: String?, by caller: Caller) async throws -> [String] {
        try await requireCode(typed, by: caller)
        return try await database.write { db in
            let codes = try await replaceRecoveryCodes(of: caller.userID, on: db)
            try await auditor.record(.recoveryCodesRenew, patient: nil, subject: "user:\(caller.userID)", purpose: "account", by: caller, on: db)
            return codes
        }
    }

    /// Turns two-factor sign-in off, after a current code, unless the person's role requires it.
    func turnOff(code typed: String?, by caller: Caller) async throws {
        guard !caller.identity.twoFactorRequired else {
            throw AppError.refused("Your role requires two-factor sign-in, so it cannot be turned off. To move it to a new phone, use a recovery code to sign in, then ask an operator to reset it.")
        }
        try await requireCode(typed, by: caller)
        try await database.write { db in
            try await TwoFactorQueries.remove(for: caller.userID, on: db)
            try await auditor.record(.twoFactorDisable, patient: nil, subject: "user:\(caller.userID)", purpose: "account", by: caller, on: db)
        }
    }

    /// Checks a code (from the app, or a recovery code) and counts the try, in a transaction of its own.
    func check(_ typed: String?, of userID: UUID, requestID: String) async throws -> Check {
        let now = clock.now()
        return try await database.write { db in
            guard let credential = try await TwoFactorQueries.credential(of: userID, on: db), credential.confirmedAt != nil else { return .notEnrolled }
            guard try await SignInQueries.claimTry(
                for: userID, limit: lockout.maximumFailures, lockUntil: lockout.lockedUntil(from: now), at: now, on: db) != nil
            else { return .locked }
            let outcome: Check
            switch TwoFactor.EnteredCode(typed) {
            case .timeBased(let code):
                let step = TwoFactor.acceptedSteps(at: now).first { Self.code(secret: credential.secret, step: $0) == code }
                outcome = if let step, try await TwoFactorQueries.claim(step: step, of: userID, on: db) { .accepted(usedRecoveryCode: false) } else { .wrong }
            case .recovery(let code):
                outcome = try await TwoFactorQueries.useRecoveryCode(digest: SecretToken.digest(code), of: userID, at: now, on: db)
                    ? .accepted(usedRecoveryCode: true) : .wrong
            case nil:
                outcome = .wrong
            }
            guard case .accepted(let usedRecoveryCode) = outcome else { return outcome }
            try await SignInQueries.clearTries(for: userID, on: db)
            if usedRecoveryCode {
                try await auditor.recordAccount(.recoveryCodeUse, userID: userID, by: userID, requestID: requestID, on: db)
            }
            return outcome
        }
    }

    /// Checks a code a step asks for (emergency access, turning off, new recovery codes), and
    /// answers a missing, wrong or locked one as a problem with the `code` field.
    func requireCode(_ typed: String?, by caller: Caller) async throws {
        switch try await check(typed, of: caller.userID, requestID: caller.requestID) {
        case .accepted: return
        case .notEnrolled:
            throw AppError.refused("This needs two-factor sign-in. Set it up on your account's two-factor page first.")
        case .locked:
            throw Self.wrongCode("Too many wrong codes or passwords: the account is locked for 15 minutes.")
        case .wrong:
            throw Self.wrongCode(typed?.isEmpty ?? true
                ? "Enter the six-digit code from your authenticator app, or a recovery code."
                : "That code is not right, or was already used. Type the code your app shows now, or a recovery code.")
        }
    }

    private static func wrongCode(_ message: String) -> AppError {
        var errors = ValidationErrors()
        errors.add("code", message)
        return .invalid(errors)
    }

    private func replaceRecoveryCodes(of userID: UUID, on db: any Database) async throws -> [String] {
        let codes = (0..<TwoFactor.recoveryCodeCount).map { _ in TwoFactor.newRecoveryCode() }
        // Stored as typed without the dash (`TwoFactor.EnteredCode`), hashed.
        let digests = codes.map { SecretToken.digest($0.replacing("-", with: "")) }
        try await TwoFactorQueries.replaceRecoveryCodes(of: userID, digests: digests, on: db)
        return codes
    }

    /// The six digits a key gives for a step, as the app shows them.
    static func code(secret: String, step: Int64) -> String {
        let value = TOTP(secret: secret).compute(date: Date(timeIntervalSince1970: Double(step) * TwoFactor.stepLength))
        return String(format: "%06d", value)
    }

    static func setup(secret: String, for email: String) -> Setup {
        let address = TOTP(secret: secret).createAuthenticatorURL(label: "\(issuer):\(email)", issuer: issuer)
        let key = URLComponents(string: address)?.queryItems?.first { $0.name == "secret" }?.value ?? ""
        let svg = QRCode(address)?.svg(title: "QR code for your authenticator app") ?? ""
        return Setup(address: address, key: TwoFactor.grouped(key), qrCode: svg)
    }
}
