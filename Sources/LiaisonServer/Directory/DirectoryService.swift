import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import SQLKit

/// One clinician as the directory lists them.
struct DirectoryEntry: Sendable {
    let userID: UUID
    let displayName: String
    let profile: ClinicianProfile
    let organisations: [String]
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
        let sql = database.reader() as! any SQLDatabase
        let predicates = Self.predicates(for: filter)
        var count = sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "total")
            .from(SQLAlias(SQLIdentifier(Profile.schema), as: SQLIdentifier("p")))
            .join(SQLAlias(SQLIdentifier(UserAccount.schema), as: SQLIdentifier("u")), on: SQLQueryString("u.id = p.user_id"))
        var page = sql.select().column(SQLColumn("id", table: "p"), as: "profile_id")
            .column(SQLColumn("display_name", table: "u"))
            .from(SQLAlias(SQLIdentifier(Profile.schema), as: SQLIdentifier("p")))
            .join(SQLAlias(SQLIdentifier(UserAccount.schema), as: SQLIdentifier("u")), on: SQLQueryString("u.id = p.user_id"))
        for predicate in predicates {
            count = count.where(predicate)
            page = page.where(predicate)
        }
        let total = try await count.first()?.decode(column: "total", as: Int.self) ?? 0
        let rows = try await page
            .orderBy(SQLQueryString("CASE WHEN p.accepting_new_patients = \(bind: true) AND p.total_openings > 0 THEN 0 ELSE 1 END"))
            .orderBy(SQLColumn("display_name", table: "u"))
            .limit(DirectoryFilter.pageSize)
            .offset((filter.page - 1) * DirectoryFilter.pageSize)
            .all()
        let ids = try rows.map { try $0.decode(column: "profile_id", as: UUID.self) }
        return Results(entries: try await entries(profileIDs: ids), total: total)
    }

    /// A listed clinician's entry, or the viewer's own even when unlisted.
    func entry(userID: UUID, viewer: UUID) async throws -> DirectoryEntry? {
        guard let profile = try await Profile.query(on: database.reader()).filter(\.$user.$id == userID).first(),
              profile.listed || userID == viewer
        else { return nil }
        return try await entries(profileIDs: [profile.requireID()]).first
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
        try await database.db().transaction { db in
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

    /// Loads entries in the given order with two further queries (openings, organisations).
    private func entries(profileIDs: [UUID]) async throws -> [DirectoryEntry] {
        guard !profileIDs.isEmpty else { return [] }
        let sql = database.reader() as! any SQLDatabase
        let profiles = try await sql.models(Profile.self, "SELECT * FROM profiles WHERE id IN (\(binds: profileIDs))")
        let users = try await sql.users(profiles.map(\.$user.id))
        guard !users.isEmpty else { return [] }
        let openings = Dictionary(
            grouping: try await sql.models(ServiceOpening.self, "SELECT * FROM service_openings WHERE profile_id IN (\(binds: profileIDs))"),
            by: \.$profile.id)
        var organisations: [UUID: [String]] = [:]
        for row in try await sql.raw("""
            SELECT m.user_id, o.name FROM memberships m JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id IN (\(binds: Array(users.keys)))
            """).all() {
            organisations[try row.decode(column: "user_id", as: UUID.self), default: []].append(try row.decode(column: "name", as: String.self))
        }
        let byID = Dictionary(uniqueKeysWithValues: profiles.map { ($0.id!, $0) })
        return profileIDs.compactMap { id in
            guard let row = byID[id], let user = users[row.$user.id] else { return nil }
            return DirectoryEntry(
                userID: row.$user.id, displayName: user.displayName,
                profile: row.clinicianProfile(displayName: user.displayName, openings: openings[id] ?? []),
                organisations: (organisations[row.$user.id] ?? []).sorted())
        }
    }

    /// The WHERE clauses for a filter; every value is a bound parameter.
    static func predicates(for filter: DirectoryFilter) -> [any SQLExpression] {
        var clauses: [any SQLExpression] = [SQLQueryString("p.listed = \(bind: true)")]
        if let discipline = filter.discipline {
            clauses.append(SQLQueryString("p.discipline = \(bind: discipline.rawValue)"))
        }
        if let text = filter.text.map(likeTerm), !text.isEmpty {
            clauses.append(SQLQueryString("p.search_text LIKE \(bind: "%" + text + "%")"))
        }
        if let service = filter.service {
            let minimum = filter.withOpenings ? 1 : 0
            clauses.append(SQLQueryString(
                "EXISTS (SELECT 1 FROM service_openings o WHERE o.profile_id = p.id AND o.service = \(bind: service.rawValue) AND o.openings >= \(bind: minimum))"))
        }
        if filter.withOpenings {
            clauses.append(SQLQueryString("p.accepting_new_patients = \(bind: true) AND p.total_openings > 0"))
        }
        if let language = filter.language.map(likeTerm), !language.isEmpty {
            clauses.append(SQLQueryString("LOWER(p.languages) LIKE \(bind: "%|" + language + "|%")"))
        }
        if let insurance = filter.insurance.map(likeTerm), !insurance.isEmpty {
            clauses.append(SQLQueryString("LOWER(p.insurance) LIKE \(bind: "%|" + insurance + "|%")"))
        }
        if let location = filter.location.map(likeTerm), !location.isEmpty {
            clauses.append(SQLQueryString("LOWER(p.locations) LIKE \(bind: "%" + location + "%")"))
        }
        if let modality = filter.modality, modality != .both {
            clauses.append(SQLQueryString("p.modality IN (\(bind: modality.rawValue), \(bind: Modality.both.rawValue))"))
        }
        return clauses
    }

    /// Lower-cased, with LIKE's wildcards removed so a search term matches literally.
    static func likeTerm(_ text: String) -> String {
        text.lowercased().filter { $0 != "%" && $0 != "_" && $0 != "|" && $0 != "\\" }
    }
}
