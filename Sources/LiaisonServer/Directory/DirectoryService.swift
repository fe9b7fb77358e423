import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// One clinician as the directory lists them.
struct DirectoryEntry: Sendable {
    let userID: UUID
    let displayName: String
    let profile: ClinicianProfile
    let organisations: [String]
    /// Their sign-in address: where a message in Liaison goes.
    let email: String
}

/// Finding clinicians, and keeping one's own profile.
struct DirectoryService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock

    struct Results: Sendable {
        let entries: [DirectoryEntry]
        let total: Int
    }

    /// Listed clinicians matching `filter`: those who can take someone now first, then by name.
    func search(_ filter: DirectoryFilter) async throws -> Results {
        let db = database.reader()
        let found = try await DirectoryQueries.search(filter, on: db)
        return Results(entries: try await entries(profileIDs: found.profileIDs, on: db), total: found.total)
    }

    /// A listed clinician's entry, or the viewer's own even when unlisted.
    func entry(userID: UUID, viewer: UUID) async throws -> DirectoryEntry? {
        let db = database.reader()
        guard let profile = try await DirectoryQueries.profile(ofUser: userID, on: db), profile.listed || userID == viewer else { return nil }
        return try await entries(profileIDs: [profile.requireID()], on: db).first
    }

    /// The person's profile as stored, if they have written one.
    func profile(of userID: UUID) async throws -> ClinicianProfile? {
        let db = database.reader()
        guard let user = try await UserAccount.find(userID, on: db),
              let row = try await Profile.query(on: db).filter(\.$user.$id == userID).with(\.$openings).first()
        else { return nil }
        return row.clinicianProfile(displayName: user.displayName, openings: row.openings)
    }

    /// Validates the draft and saves it (name, profile and openings) in one transaction.
    func saveProfile(of userID: UUID, _ draft: ClinicianProfileDraft) async throws -> ClinicianProfile {
        let profile: ClinicianProfile
        do {
            profile = try draft.validated()
        } catch {
            throw AppError.invalid(error)
        }
        let now = clock.now()
        try await database.write { db in
            guard let user = try await UserAccount.find(userID, on: db) else { throw AppError.notFound }
            user.displayName = profile.displayName
            try await user.save(on: db)
            let row = try await Profile.query(on: db).filter(\.$user.$id == userID).first() ?? Profile(userID: userID)
            row.apply(profile, updatedAt: now)
            try await row.save(on: db)
            let profileID = try row.requireID()
            try await ServiceOpening.query(on: db).filter(\.$profile.$id == profileID).delete()
            for (service, openings) in profile.openings {
                try await ServiceOpening(profileID: profileID, service: service.rawValue, openings: openings).create(on: db)
            }
        }
        return profile
    }

    private func entries(profileIDs: [UUID], on db: any Database) async throws -> [DirectoryEntry] {
        try await DirectoryQueries.listing(profileIDs: profileIDs, on: db).map { listed in
            DirectoryEntry(
                userID: listed.user.id!, displayName: listed.user.displayName,
                profile: listed.profile.clinicianProfile(displayName: listed.user.displayName, openings: listed.openings),
                organisations: listed.organisations, email: listed.user.email)
        }
    }
}
