import Foundation
import Testing
@testable import LiaisonCore

@Suite struct LockoutPolicyTests {
    let policy = LockoutPolicy(maximumFailures: 5, lockDuration: 900)
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func fourWrongTriesDoNotLockAndTheFifthDoes() {
        #expect((1...4).map { policy.outcome(ofTry: $0, passwordMatches: false) } == Array(repeating: .wrongPassword, count: 4))
        #expect(policy.outcome(ofTry: 5, passwordMatches: false) == .nowLocked)
        #expect(policy.outcome(ofTry: 7, passwordMatches: false) == .nowLocked)
    }

    @Test func theRightPasswordSignsInOnAnyClaimedTry() {
        #expect(policy.outcome(ofTry: 1, passwordMatches: true) == .signedIn)
        #expect(policy.outcome(ofTry: 5, passwordMatches: true) == .signedIn)
    }

    @Test func aLockLastsFifteenMinutes() {
        #expect(policy.lockedUntil(from: start) == start.addingTimeInterval(900))
    }
}

@Suite struct TokenLifetimeTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: [
        (TimeInterval(60), false, TokenLifetime.State.usable),
        (TimeInterval(0), false, .expired),
        (TimeInterval(-60), false, .expired),
        (TimeInterval(60), true, .alreadyUsed),
    ])
    func stateOfALink(expiresIn: TimeInterval, used: Bool, expected: TokenLifetime.State) {
        let state = TokenLifetime.state(expiresAt: now.addingTimeInterval(expiresIn), usedAt: used ? now : nil, now: now)
        #expect(state == expected)
    }
}

@Suite struct EmailAndPasswordTests {
    @Test(arguments: ["a@b.org", "  Dr.Who@Clinic.Example.ORG "])
    func acceptsAddresses(_ raw: String) {
        #expect(EmailAddress(raw) != nil)
    }

    @Test func normalisesCaseAndSpace() {
        #expect(EmailAddress("  Dr.Who@Clinic.Example.ORG ")?.value == "dr.who@clinic.example.org")
    }

    @Test(arguments: ["", "plain", "a@b", "@b.org", "a@.org", "a b@c.org", "a@b.org.", "a@@b.org", "<a@b.org>", String(repeating: "a", count: 250) + "@b.org"])
    func refusesNonAddresses(_ raw: String) {
        #expect(EmailAddress(raw) == nil)
    }

    @Test func shortPasswordsAndMismatchesAreRefused() {
        var errors = ValidationErrors()
        PasswordPolicy.check("short", confirmation: "other", field: "password", into: &errors)
        #expect(errors.message(for: "password")?.contains("at least 10") == true)
        #expect(errors.message(for: "passwordConfirmation") != nil)
    }

    @Test func longEnoughMatchingPasswordPasses() {
        var errors = ValidationErrors()
        PasswordPolicy.check("correct horse battery", confirmation: "correct horse battery", field: "password", into: &errors)
        #expect(errors.isEmpty)
    }
}

@Suite struct ActorTests {
    let organisation = UUID()
    let other = UUID()

    @Test func clinicianMayViewButNotAdministerTheirOrganisation() {
        let actor = Actor(userID: UUID(), isSystemAdministrator: false, memberships: [organisation: .clinician])
        #expect(actor.mayViewMembers(of: organisation))
        #expect(!actor.mayAdminister(organisation: organisation))
        #expect(!actor.mayOperateInstallation)
    }

    @Test func administratorOfOneOrganisationHasNoPowerOverAnother() {
        let actor = Actor(userID: UUID(), isSystemAdministrator: false, memberships: [organisation: .administrator])
        #expect(actor.mayAdminister(organisation: organisation))
        #expect(!actor.mayAdminister(organisation: other))
        #expect(!actor.mayViewMembers(of: other))
    }

    @Test func systemAdministratorMayAdministerAnyOrganisation() {
        let actor = Actor(userID: UUID(), isSystemAdministrator: true, memberships: [:])
        #expect(actor.mayAdminister(organisation: other))
        #expect(actor.mayOperateInstallation)
    }
}
