import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
@testable import LiaisonServer

/// Builds people and organisations directly in the database, as an administrator would have.
extension TestWorld {
    @discardableResult
    func organisation(_ name: String = "Riverside Clinic", timeZone: String = "America/New_York") async throws -> Organisation {
        let organisation = Organisation(
            settings: OrganisationSettings(name: name, kind: .communityClinic, timeZone: TimeZone(identifier: timeZone)!, businessDays: Weekday.mondayToFriday),
            createdAt: clock.now())
        try await organisation.create(on: database.db())
        return organisation
    }

    /// A person; administrators (who must) sign in with two-factor codes from `authenticatorSecret`,
    /// others when `twoFactor` says so.
    @discardableResult
    func person(
        _ email: String, name: String = "Test Person", in organisation: Organisation? = nil, role: MembershipRole = .clinician,
        systemAdministrator: Bool = false, password: String = TestWorld.password, kind: String = UserAccount.clinicianKind,
        twoFactor: Bool? = nil
    ) async throws -> UserAccount {
        let hash = try await PasswordHasher(cost: 4).hash(password)
        let user = UserAccount(
            email: email, displayName: name, passwordHash: hash, isSystemAdministrator: systemAdministrator, kind: kind, createdAt: clock.now())
        try await user.create(on: database.db())
        if let organisation {
            try await Membership(userID: user.id!, organisationID: organisation.id!, role: role, createdAt: clock.now()).create(on: database.db())
        }
        if twoFactor ?? (systemAdministrator || role == .administrator) { try await enrolTwoFactor(user) }
        return user
    }

    static let authenticatorSecret = "TESTAUTHENTICATORKEY234567ABCDEF"

    /// Gives a person a confirmed authenticator key (`authenticatorSecret`), as set-up would.
    func enrolTwoFactor(_ user: UserAccount) async throws {
        let credential = TwoFactorCredential(userID: try user.requireID(), secret: Self.authenticatorSecret, createdAt: clock.now())
        credential.confirmedAt = clock.now()
        try await credential.create(on: database.db())
    }

    /// A new recovery code for the person with this email, good once: what tests type where a
    /// second factor is asked for (codes from the app repeat while the test clock stands still).
    func recoveryCode(for email: String) async throws -> String {
        let user = try await UserAccount.query(on: database.db()).filter(\.$email == email).first()!
        let code = TwoFactor.newRecoveryCode()
        try await RecoveryCode(userID: user.requireID(), codeHash: SecretToken.digest(code.replacing("-", with: ""))).create(on: database.db())
        return code
    }

    /// Saves a profile through the same service the profile page uses.
    func profile(for user: UserAccount, _ change: (inout ClinicianProfileDraft) -> Void = { _ in }) async throws {
        var draft = ClinicianProfileDraft(
            displayName: user.displayName, discipline: "psychologist", contactMethod: "secure-message",
            openings: ["psychotherapy": "2"], languages: "English", modality: "both", locations: "Riverside",
            acceptingNewPatients: true, transfers: "accepts", listedInDirectory: true)
        change(&draft)
        _ = try await services.directory.saveProfile(of: user.requireID(), draft)
    }

    /// Messages waiting in the outbox for `recipient`, oldest first.
    func outbox(to recipient: String) async throws -> [OutboxMessage] {
        try await OutboxMessage.query(on: database.db()).filter(\.$recipient == recipient).sort(\.$createdAt).all()
    }

    /// The first link in the newest email to `recipient`, as a path.
    func linkInLatestEmail(to recipient: String) async throws -> String? {
        guard let body = try await outbox(to: recipient).last?.body,
              let range = body.range(of: #"https://liaison\.test(/\S+)"#, options: .regularExpression)
        else { return nil }
        return String(body[range].dropFirst("https://liaison.test".count))
    }
}
