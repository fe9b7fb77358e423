import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Joining Liaison: an administrator invites someone by email; the link lets them set a password
/// (or, if they already have an account, join the organisation).
struct InvitationService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let hasher: PasswordHasher
    let outbox: Outbox
    let sessions: SessionService
    let baseURL: String

    struct Draft: Sendable {
        var email: String?
        var displayName: String?
        var role: String?
    }

    /// Invites a person to `organisationID`; only its administrators (or a system administrator) may.
    func invite(_ draft: Draft, to organisationID: UUID, by actor: Actor) async throws -> Invitation {
        guard actor.mayAdminister(organisation: organisationID) else { throw AppError.forbidden }
        let db = database.db()
        guard let organisation = try await Organisation.find(organisationID, on: db) else { throw AppError.notFound }
        var check = FieldChecker()
        let rawEmail = check.text(draft.email, field: "email", label: "Email", required: true, maxLength: 254)
        let email = EmailAddress(rawEmail)
        if !rawEmail.isEmpty, email == nil { check.errors.add("email", "\"\(rawEmail.prefix(60))\" is not an email address.") }
        let name = check.text(draft.displayName, field: "displayName", label: "Name", required: true, maxLength: 120)
        let role = check.choice(draft.role, field: "role", label: "Role", as: MembershipRole.self)
        if let email, let existing = try await UserAccount.query(on: db).filter(\.$email == email.value).first(),
           try await Membership.query(on: db).filter(\.$user.$id == existing.requireID()).filter(\.$organisation.$id == organisationID).first() != nil {
            check.errors.add("email", "\(email) is already a member of \(organisation.name).")
        }
        try check.errors.throwIfAny()

        let now = clock.now()
        let token = SecretToken.generate()
        let address = email!.value, invitedRole = role!.rawValue
        return try await database.write { db in
            let invitation = Invitation(
                email: address, displayName: name, organisationID: organisationID, role: invitedRole,
                tokenHash: SecretToken.digest(token), invitedBy: actor.userID, createdAt: now,
                expiresAt: now.addingTimeInterval(TokenLifetime.invitation))
            try await invitation.create(on: db)
            try await outbox.email(
                to: email!.value, subject: "You are invited to join \(organisation.name) on Liaison",
                body: """
                Hello \(name),
                You have been invited to join \(organisation.name) on Liaison as \(role!.label.lowercased()).
                Accept within 7 days: \(baseURL)\(SiteURL.invitation(token: token).path)
                """, secret: true, on: db)
            return invitation
        }
    }

    /// What the invitation link shows.
    enum Lookup {
        case newAccount(Invitation, organisationName: String)
        case existingAccount(Invitation, organisationName: String)
        case unusable(TokenLifetime.State)
    }

    func lookup(token: String) async throws -> Lookup {
        let db = database.db()
        guard let invitation = try await Invitation.query(on: db).filter(\.$tokenHash == SecretToken.digest(token)).with(\.$organisation).first() else {
            return .unusable(.expired)
        }
        let state = TokenLifetime.state(expiresAt: invitation.expiresAt, usedAt: invitation.acceptedAt, now: clock.now())
        guard state == .usable else { return .unusable(state) }
        let exists = try await UserAccount.query(on: db).filter(\.$email == invitation.email).first() != nil
        return exists
            ? .existingAccount(invitation, organisationName: invitation.organisation.name)
            : .newAccount(invitation, organisationName: invitation.organisation.name)
    }

    /// Creates the account (name and password), the membership and a session, all at once.
    /// Returns the new session token.
    func acceptCreatingAccount(token: String, displayName: String?, password: String, confirmation: String) async throws -> String {
        guard case .newAccount(let invitation, _) = try await lookup(token: token) else { throw AppError.notFound }
        var check = FieldChecker()
        let name = check.text(displayName, field: "displayName", label: "Name", required: true, maxLength: 120)
        PasswordPolicy.check(password, confirmation: confirmation, field: "password", into: &check.errors)
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        let hash = try await hasher.hash(password)
        let now = clock.now()
        return try await database.write { db in
            let user = UserAccount(email: invitation.email, displayName: name, passwordHash: hash, createdAt: now)
            try await user.create(on: db)
            try await join(invitation, userID: try user.requireID(), on: db)
            return try await sessions.openSession(for: try user.requireID(), on: db)
        }
    }

    /// Adds the signed-in person to the organisation; the invitation must be addressed to them.
    func acceptAsExistingUser(token: String, identity: Identity) async throws {
        guard case .existingAccount(let invitation, _) = try await lookup(token: token) else { throw AppError.notFound }
        guard invitation.email == identity.email else {
            throw AppError.conflict("This invitation is for \(invitation.email). Sign out and sign in as that person to accept it.")
        }
        try await database.write { db in
            try await join(invitation, userID: identity.userID, on: db)
        }
    }

    private func join(_ invitation: Invitation, userID: UUID, on db: any Database) async throws {
        // Used up in one statement, so the invitation works once even when accepted twice at once.
        guard try await SignInQueries.consumeInvitation(try invitation.requireID(), at: clock.now(), on: db) else {
            throw AppError.conflict("This invitation has already been accepted.")
        }
        try await Membership(
            userID: userID, organisationID: invitation.$organisation.id,
            role: MembershipRole(rawValue: invitation.role) ?? .clinician, createdAt: clock.now()
        ).create(on: db)
    }
}
