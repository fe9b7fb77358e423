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

    @discardableResult
    func person(
        _ email: String, name: String = "Test Person", in organisation: Organisation? = nil, role: MembershipRole = .clinician,
        systemAdministrator: Bool = false, password: String = TestWorld.password, kind: String = UserAccount.clinicianKind
    ) async throws -> UserAccount {
        let hash = try await PasswordHasher(cost: 4).hash(password)
        let user = UserAccount(
            email: email, displayName: name, passwordHash: hash, isSystemAdministrator: systemAdministrator, kind: kind, createdAt: clock.now())
        try await user.create(on: database.db())
        if let organisation {
            try await Membership(userID: user.id!, organisationID: organisation.id!, role: role, createdAt: clock.now()).create(on: database.db())
        }
        return user
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
