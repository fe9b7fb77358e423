import FluentKit
import Foundation
import LiaisonCore
import SQLKit

/// One listed clinician with everything the directory shows of them.
public struct ListedClinician: Sendable {
    public let profile: Profile
    public let user: UserAccount
    public let openings: [ServiceOpening]
    /// The names of their organisations, sorted.
    public let organisations: [String]
}

/// Every hand-written statement of the directory.
public enum DirectoryQueries {
    /// One page of listed profiles matching `filter` (those who can take someone now first, then by
    /// name), and how many match in all.
    public static func search(_ filter: DirectoryFilter, on db: any Database) async throws -> (profileIDs: [UUID], total: Int) {
        let sql = db.sql
        let predicates = predicates(for: filter)
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
            .orderBy(SQLQueryString("CASE WHEN \(takesNewPatients) THEN 0 ELSE 1 END"))
            .orderBy(SQLColumn("display_name", table: "u"))
            .limit(DirectoryFilter.pageSize)
            .offset((filter.page - 1) * DirectoryFilter.pageSize)
            .all()
        return (try rows.map { try $0.decode(column: "profile_id", as: UUID.self) }, total)
    }

    /// The profile a person has written, if any.
    public static func profile(ofUser userID: UUID, on db: any Database) async throws -> Profile? {
        try await db.sql.models(Profile.self, "SELECT * FROM profiles WHERE user_id = \(bind: userID)").first
    }

    /// The clinicians behind these profiles, in the order given, with four queries in all
    /// (profiles, people, openings, organisations).
    public static func listing(profileIDs: [UUID], on db: any Database) async throws -> [ListedClinician] {
        guard !profileIDs.isEmpty else { return [] }
        let sql = db.sql
        let profiles = try await sql.models(Profile.self, "SELECT * FROM profiles WHERE id IN (\(binds: profileIDs))")
        let users = try await sql.users(profiles.map(\.$user.id))
        guard !users.isEmpty else { return [] }
        let openings = Dictionary(
            grouping: try await sql.models(ServiceOpening.self, "SELECT * FROM service_openings WHERE profile_id IN (\(binds: profileIDs))"),
            by: \.$profile.id)
        var organisations: [UUID: [String]] = [:]
        for row in try await sql.rows(MemberOrganisationRow.self, """
            SELECT m.user_id, o.name FROM memberships m JOIN organisations o ON o.id = m.organisation_id WHERE m.user_id IN (\(binds: Array(users.keys)))
            """) {
            organisations[row.userID, default: []].append(row.name)
        }
        let byID = Dictionary(uniqueKeysWithValues: profiles.compactMap { profile in profile.id.map { ($0, profile) } })
        return profileIDs.compactMap { id in
            guard let profile = byID[id], let user = users[profile.$user.id] else { return nil }
            return ListedClinician(profile: profile, user: user, openings: openings[id] ?? [], organisations: (organisations[profile.$user.id] ?? []).sorted())
        }
    }

    private struct MemberOrganisationRow: Decodable {
        let userID: UUID
        let name: String

        private enum CodingKeys: String, CodingKey {
            case userID = "user_id", name
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
            // Openings for second opinions are not places for a new patient, unless a second opinion is what is sought.
            clauses.append(filter.service == .secondOpinion ? SQLQueryString("p.accepting_new_patients = \(bind: true)") : takesNewPatients)
        }
        switch filter.intake {
        case .acceptsTransfers: clauses.append(SQLQueryString("p.transfer_policy = \(bind: TransferPolicy.accepts.rawValue)"))
        case .secondOpinions:
            clauses.append(SQLQueryString("""
                (p.transfer_policy = \(bind: TransferPolicy.secondOpinionsOnly.rawValue) OR EXISTS (SELECT 1 FROM service_openings o
                WHERE o.profile_id = p.id AND o.service = \(bind: ClinicalService.secondOpinion.rawValue)))
                """))
        case .priorityWithoutPsychiatrist: clauses.append(SQLQueryString("p.prioritises_without_psychiatrist = \(bind: true)"))
        case nil: break
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

    /// `ClinicianProfile.takesNewPatientsNow` in SQL.
    static let takesNewPatients = SQLQueryString("""
        p.accepting_new_patients = \(bind: true) AND p.transfer_policy <> \(bind: TransferPolicy.secondOpinionsOnly.rawValue)
        AND EXISTS (SELECT 1 FROM service_openings o WHERE o.profile_id = p.id AND o.service <> \(bind: ClinicalService.secondOpinion.rawValue) AND o.openings > 0)
        """)

    /// Lower-cased, with LIKE's wildcards removed so a search term matches literally.
    static func likeTerm(_ text: String) -> String {
        text.lowercased().filter { $0 != "%" && $0 != "_" && $0 != "|" && $0 != "\\" }
    }
}
