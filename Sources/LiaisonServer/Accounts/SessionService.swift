import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import SQLKit

/// Signing in and out, and recognising who a session cookie or API token belongs to.
struct SessionService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let hasher: PasswordHasher
    let lockout = LockoutPolicy()

    enum SignInOutcome {
        case signedIn(token: String)
        case wrongCredentials
        case locked(minutes: Int)
    }

    /// Checks the password, counting failures toward a temporary lock, and opens a session.
    func signIn(email rawEmail: String, password: String) async throws -> SignInOutcome {
        let now = clock.now()
        guard let email = EmailAddress(rawEmail),
              let user = try await UserAccount.query(on: database.db()).filter(\.$email == email.value).first()
        else {
            try await hasher.verifyDecoy(password)
            return .wrongCredentials
        }
        let attempts = LockoutPolicy.Attempts(consecutiveFailures: user.failedSignIns, lockedUntil: user.lockedUntil)
        if lockout.isLocked(attempts, at: now) {
            return .locked(minutes: Self.minutes(until: user.lockedUntil!, from: now))
        }
        guard try await hasher.verify(password, hash: user.passwordHash) else {
            let after = lockout.afterFailure(attempts, at: now)
            user.failedSignIns = after.consecutiveFailures
            user.lockedUntil = after.lockedUntil
            try await user.save(on: database.db())
            if let until = after.lockedUntil { return .locked(minutes: Self.minutes(until: until, from: now)) }
            return .wrongCredentials
        }
        let token = SecretToken.generate()
        let session = SessionRecord(
            tokenHash: SecretToken.digest(token), userID: try user.requireID(), createdAt: now,
            expiresAt: now.addingTimeInterval(TokenLifetime.session))
        try await database.db().transaction { db in
            user.failedSignIns = 0
            user.lockedUntil = nil
            try await user.save(on: db)
            // Expired sessions are useless; sweeping a person's own at sign-in keeps the table small.
            try await SessionRecord.query(on: db).filter(\.$user.$id == user.requireID()).filter(\.$expiresAt <= now).delete()
            try await session.create(on: db)
        }
        return .signedIn(token: token)
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
        let sql = database.reader() as! any SQLDatabase
        guard let row = try await sql.raw("""
            SELECT c.id AS credential_id, \(Self.personColumns) FROM sessions c JOIN users u ON u.id = c.user_id
            WHERE c.token_hash = \(bind: SecretToken.digest(sessionToken)) AND c.expires_at > \(bind: clock.now())
            """).first()
        else { return nil }
        return try await Self.identity(row, credential: .session(try row.decode(column: "credential_id", as: UUID.self)), on: sql)
    }

    /// The person an API token acts for, if the token has not been revoked.
    func identity(apiToken: String) async throws -> Identity? {
        let sql = database.reader() as! any SQLDatabase
        guard let row = try await sql.raw("""
            SELECT c.id AS credential_id, c.last_used_at, \(Self.personColumns) FROM api_tokens c JOIN users u ON u.id = c.user_id
            WHERE c.token_hash = \(bind: SecretToken.digest(apiToken)) AND c.revoked_at IS NULL
            """).first()
        else { return nil }
        let tokenID = try row.decode(column: "credential_id", as: UUID.self)
        let now = clock.now()
        // Recording every use would turn each read into a write; a minute's precision is enough.
        if try row.decode(column: "last_used_at", as: Date?.self).map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try await APIToken.query(on: database.db()).filter(\.$id == tokenID).set(\.$lastUsedAt, to: now).update()
        }
        return try await Self.identity(row, credential: .apiToken(tokenID), on: sql)
    }

    /// What a request needs of the person (alias `u`), with their unread notifications counted alongside.
    private static let personColumns: SQLQueryString = """
        u.id AS user_id, u.email, u.display_name, u.is_system_admin, u.kind,
        (SELECT COUNT(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL) AS unread
        """

    /// Everything a request needs to know about a person: roles, organisations, unread notifications.
    static func identity(of user: UserAccount, credential: Identity.Credential, on db: any Database) async throws -> Identity {
        let sql = db as! any SQLDatabase
        guard let row = try await sql.raw("SELECT \(personColumns) FROM users u WHERE u.id = \(bind: try user.requireID())").first() else {
            throw AppError.notFound
        }
        return try await identity(row, credential: credential, on: sql)
    }

    private static func identity(_ row: any SQLRow, credential: Identity.Credential, on sql: any SQLDatabase) async throws -> Identity {
        let userID = try row.decode(column: "user_id", as: UUID.self)
        let links = try await sql.raw("""
            SELECT m.organisation_id, m.role, o.name FROM memberships m JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id = \(bind: userID)
            """).all().map { row in
            Identity.OrganisationLink(
                id: try row.decode(column: "organisation_id", as: UUID.self), name: try row.decode(column: "name", as: String.self),
                role: MembershipRole(rawValue: try row.decode(column: "role", as: String.self)) ?? .clinician)
        }.sorted { $0.name < $1.name }
        let isSystemAdministrator = try row.decode(column: "is_system_admin", as: Bool.self)
        return Identity(
            userID: userID, email: try row.decode(column: "email", as: String.self), displayName: try row.decode(column: "display_name", as: String.self),
            actor: Actor(
                userID: userID, isSystemAdministrator: isSystemAdministrator,
                memberships: Dictionary(links.map { ($0.id, $0.role) }, uniquingKeysWith: { first, _ in first })),
            credential: credential, organisations: links, isPatient: try row.decode(column: "kind", as: String.self) == UserAccount.patientKind,
            unreadNotifications: try row.decode(column: "unread", as: Int.self))
    }

    private static func minutes(until: Date, from now: Date) -> Int {
        max(1, Int((until.timeIntervalSince(now) / 60).rounded(.up)))
    }
}
