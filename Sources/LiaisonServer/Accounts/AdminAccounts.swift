import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Operator tasks run from the command line: the first administrator, tokens for integrations.
public struct AdminAccounts: Sendable {
    let database: LiaisonDatabase
    let hasher: PasswordHasher
    let clock: any Clock
    let auditor: Auditor

    public init(database: LiaisonDatabase, bcryptCost: UInt8, clock: any Clock = SystemClock(), auditKey: AuditKey? = nil) {
        self.database = database
        self.hasher = PasswordHasher(cost: bcryptCost)
        self.clock = clock
        self.auditor = Auditor(clock: clock, key: auditKey)
    }

    /// Creates a system administrator, or promotes the existing account with that email.
    public func createSystemAdministrator(email rawEmail: String, name: String, password: String) async throws {
        guard let email = EmailAddress(rawEmail) else { throw OperatorError("\"\(rawEmail)\" is not an email address.") }
        var errors = ValidationErrors()
        PasswordPolicy.check(password, confirmation: nil, field: "password", into: &errors)
        if let problem = errors.problems.first { throw OperatorError(problem.message) }
        let hash = try await hasher.hash(password)
        let db = database.db()
        if let existing = try await UserAccount.query(on: db).filter(\.$email == email.value).first() {
            existing.isSystemAdministrator = true
            existing.passwordHash = hash
            try await existing.save(on: db)
        } else {
            try await UserAccount(email: email.value, displayName: name, passwordHash: hash, isSystemAdministrator: true, createdAt: clock.now()).create(on: db)
        }
    }

    /// Removes a person's two-factor key and recovery codes, for someone who lost both phone and
    /// codes and has proved who they are to the operator. They set it up again at next sign-in if
    /// their role requires it. Recorded in the audit trail.
    public func resetTwoFactor(email rawEmail: String) async throws {
        guard let email = EmailAddress(rawEmail),
              let user = try await UserAccount.query(on: database.db()).filter(\.$email == email.value).first()
        else { throw OperatorError("No account has the email \(rawEmail).") }
        let userID = try user.requireID()
        try await database.write { db in
            try await TwoFactorQueries.remove(for: userID, on: db)
            try await auditor.recordAccount(.twoFactorReset, userID: userID, by: nil, requestID: "operator", on: db)
        }
    }

    /// Creates an API token for the person with `email`; returns the secret, shown once.
    public func createToken(email rawEmail: String, name: String) async throws -> String {
        guard let email = EmailAddress(rawEmail),
              let user = try await UserAccount.query(on: database.db()).filter(\.$email == email.value).first()
        else { throw OperatorError("No account has the email \(rawEmail).") }
        do {
            return try await TokenService(database: database, clock: clock).create(for: user.requireID(), name: name).secret
        } catch let errors as ValidationErrors {
            throw OperatorError(errors.problems.map(\.message).joined(separator: " "))
        }
    }
}

/// A message for the operator at the terminal.
public struct OperatorError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
