import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Signing in and out, and recognising who a session cookie or API token belongs to.
struct SessionService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let hasher: PasswordHasher
    let twoFactor: TwoFactorService
    let lockout = LockoutPolicy()

    enum SignInOutcome {
        case signedIn(token: String)
        /// The password is right and the person uses two-factor sign-in: `pendingToken` stands for
        /// the sign-in until `finishSignIn` gets the code.
        case needsCode(pendingToken: String)
        /// A wrong password, an unknown address or a locked account: told apart to nobody, so the
        /// answer does not reveal which addresses have accounts.
        case refused
    }

    /// Checks the password, counting failures toward a temporary lock, and opens a session.
    func signIn(email rawEmail: String, password: String) async throws -> SignInOutcome {
        let now = clock.now()
        guard let email = EmailAddress(rawEmail),
              let user = try await UserAccount.query(on: database.db()).filter(\.$email == email.value).first()
        else {
            try await hasher.verifyDecoy(password)
            return .refused
        }
        let userID = try user.requireID()
        // The try is claimed before the password is checked, so tries at once cannot outrun the limit.
        guard let number = try await SignInQueries.claimTry(
            for: userID, limit: lockout.maximumFailures, lockUntil: lockout.lockedUntil(from: now), at: now, on: database.db())
        else {
            // As long as a real check takes, so a locked account answers like an unknown address.
            try await hasher.verifyDecoy(password)
            return .refused
        }
        switch lockout.outcome(ofTry: number, passwordMatches: try await hasher.verify(password, hash: user.passwordHash)) {
        case .wrongPassword, .nowLocked: return .refused
        case .signedIn: break
        }
        if try await TwoFactorQueries.credential(of: userID, on: database.db())?.confirmedAt != nil {
            // The try stays counted until the code is right too, so codes cannot be guessed by
            // signing in again and again with a known password.
            let pending = SecretToken.generate()
            try await SessionRecord(
                tokenHash: SecretToken.digest(pending), userID: userID, createdAt: now,
                expiresAt: now.addingTimeInterval(TwoFactor.pendingSignInLifetime), awaitingCode: true
            ).create(on: database.db())
            return .needsCode(pendingToken: pending)
        }
        let token = SecretToken.generate()
        try await database.write { db in
            try await SignInQueries.clearTries(for: userID, on: db)
            // Expired sessions are useless; sweeping a person's own at sign-in keeps the table small.
            try await SessionRecord.query(on: db).filter(\.$user.$id == userID).filter(\.$expiresAt <= now).delete()
            try await SessionRecord(
                tokenHash: SecretToken.digest(token), userID: userID, createdAt: now, expiresAt: now.addingTimeInterval(TokenLifetime.session)
            ).create(on: db)
        }
        return .signedIn(token: token)
    }

    enum CodeOutcome {
        case signedIn(token: String)
        case wrongCode
        /// Too many wrong passwords and codes: the account is locked for a while.
        case locked
        /// The sign-in waited too long, or was finished elsewhere: start again with the password.
        case startAgain
    }

    /// The second step of signing in: the code for a sign-in whose password was right.
    func finishSignIn(pendingToken: String, code: String?, requestID: String) async throws -> CodeOutcome {
        let digest = SecretToken.digest(pendingToken)
        guard let userID = try await TwoFactorQueries.pendingSignIn(digest: digest, at: clock.now(), on: database.db()) else { return .startAgain }
        switch try await twoFactor.check(code, of: userID, requestID: requestID) {
        case .accepted:
            let token: String? = try await database.write { db in
                guard try await TwoFactorQueries.finishSignIn(digest: digest, at: clock.now(), on: db) == userID else { return nil }
                return try await openSession(for: userID, on: db)
            }
            return token.map { .signedIn(token: $0) } ?? .startAgain
        case .wrong: return .wrongCode
        case .locked: return .locked
        case .notEnrolled: return .startAgain
        }
    }

    /// Opens a session for a person who has just proved who they are another way (invitation, reset).
    func openSession(for userID: UUID, on db: any Database) async throws -> String {
        let now = clock.now()
        let token = SecretToken.generate()
        try await SessionRecord(
            tokenHash: SecretToken.digest(token), userID: userID, createdAt: now,
            expiresAt: now.addingTimeInterval(TokenLifetime.session)
        ).create(on: db)
        return token
    }

    func signOut(sessionID: UUID) async throws {
        try await SessionRecord.query(on: database.db()).filter(\.$id == sessionID).delete()
    }

    /// The person a session cookie belongs to, if the session is still open.
    func identity(sessionToken: String) async throws -> Identity? {
        let db = database.reader()
        guard let row = try await AccountQueries.person(sessionDigest: SecretToken.digest(sessionToken), at: clock.now(), on: db),
              let sessionID = row.credentialID
        else { return nil }
        return try await Self.identity(row, credential: .session(sessionID), on: db)
    }

    /// The person an API token acts for, if the token has not been revoked.
    func identity(apiToken: String) async throws -> Identity? {
        let db = database.reader()
        guard let row = try await AccountQueries.person(apiTokenDigest: SecretToken.digest(apiToken), at: clock.now(), on: db),
              let tokenID = row.credentialID
        else { return nil }
        let now = clock.now()
        // Recording every use would turn each read into a write; a minute's precision is enough.
        if row.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try await AccountQueries.touch(apiToken: tokenID, at: now, on: database.db())
        }
        return try await Self.identity(row, credential: .apiToken(tokenID), on: db)
    }

    /// Everything a request needs to know about a person: roles, organisations, unread notifications.
    static func identity(of user: UserAccount, credential: Identity.Credential, on db: any Database) async throws -> Identity {
        guard let row = try await AccountQueries.person(id: try user.requireID(), on: db) else { throw AppError.notFound }
        return try await identity(row, credential: credential, on: db)
    }

    private static func identity(_ row: PersonRow, credential: Identity.Credential, on db: any Database) async throws -> Identity {
        let rows = try await AccountQueries.organisations(of: row.userID, on: db).sorted { $0.name < $1.name }
        let links = rows.map { link in
            Identity.OrganisationLink(id: link.organisationID, name: link.name, role: MembershipRole(rawValue: link.role) ?? .clinician)
        }
        // Times are shown in the zone the person chose, else their (first) organisation's.
        let zone = row.timeZone.flatMap(TimeZone.init(identifier:)) ?? rows.first.flatMap { TimeZone(identifier: $0.timeZone) } ?? .gmt
        return Identity(
            userID: row.userID, email: row.email, displayName: row.displayName,
            actor: Actor(
                userID: row.userID, isSystemAdministrator: row.isSystemAdmin,
                memberships: Dictionary(links.map { ($0.id, $0.role) }, uniquingKeysWith: { first, _ in first })),
            credential: credential, organisations: links, isPatient: row.kind == UserAccount.patientKind,
            unreadNotifications: row.unread, unreadMessages: row.unreadMessages, overdueFollowUps: row.overdueFollowUps,
            eventsToAcknowledge: row.eventsToAcknowledge, timeZone: zone, twoFactorEnabled: row.twoFactorEnabled,
            twoFactorRequired: TwoFactor.isRequired(
                isSystemAdministrator: row.isSystemAdmin, roles: links.map(\.role), anOrganisationRequiresIt: row.inOrganisationRequiringTwoFactor))
    }
}
