import FluentKit
import Foundation
import LiaisonCore
import SQLKit

/// The measurement-based-care registry: one row per patient on one instrument, for a clinician's
/// caseload or an organisation's patients. The page of rows is chosen first (filter, sort,
/// limit) and only its rows are then joined to visits, cadences and alerts.
public enum RegistryQueries {
    /// Whose patients.
    public enum Scope: Sendable {
        /// The patients whose care team the clinician is on now.
        case caseload(UUID)
        /// The patients whose care team includes a member of the organisation now.
        case organisation(UUID)
    }

    public struct Row: Sendable, Decodable {
        public let patientID: UUID
        public let givenName: String
        public let familyName: String
        public let baselineTotal: Int
        public let baselineAt: Date
        public let latestTotal: Int
        public let latestBand: String
        public let latestAt: Date
        public let change: Double
        public let responses: Int
        public let lastVisit: Date?
        public let nextDue: Date?
        public let selfHarm: Bool
        public let notImproving: Bool
        public let mdqPositive: Bool

        /// The latest contact: a visit or a questionnaire, whichever is newer.
        public var lastContact: Date { max(lastVisit ?? latestAt, latestAt) }

        enum CodingKeys: String, CodingKey {
            case patientID = "patient_id", givenName = "given_name", familyName = "family_name", baselineTotal = "baseline_total", baselineAt = "baseline_at"
            case latestTotal = "latest_total", latestBand = "latest_band", latestAt = "latest_at", change, responses, lastVisit = "last_visit", nextDue = "next_due"
            case selfHarm = "self_harm", notImproving = "not_improving", mdqPositive = "mdq_positive"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            patientID = try c.decode(UUID.self, forKey: .patientID)
            givenName = try c.decode(String.self, forKey: .givenName)
            familyName = try c.decode(String.self, forKey: .familyName)
            baselineTotal = try c.decode(Int.self, forKey: .baselineTotal)
            baselineAt = try c.decode(Date.self, forKey: .baselineAt)
            latestTotal = try c.decode(Int.self, forKey: .latestTotal)
            latestBand = try c.decode(String.self, forKey: .latestBand)
            latestAt = try c.decode(Date.self, forKey: .latestAt)
            change = try c.decode(Double.self, forKey: .change)
            responses = try c.decode(Int.self, forKey: .responses)
            lastVisit = try c.decodeIfPresent(Date.self, forKey: .lastVisit)
            nextDue = try c.decodeIfPresent(Date.self, forKey: .nextDue).flatMap { $0 >= MeasurementSummary.noFollowUp ? nil : $0 }
            // SQLite answers EXISTS with an integer, PostgreSQL with a boolean.
            func flag(_ key: CodingKeys) throws -> Bool { if let value = try? c.decode(Bool.self, forKey: key) { return value }; return try c.decode(Int.self, forKey: key) != 0 }
            selfHarm = try flag(.selfHarm)
            notImproving = try flag(.notImproving)
            mdqPositive = try flag(.mdqPositive)
        }
    }

    private static func active(_ alias: String, at now: Date) -> SQLQueryString {
        "\(unsafeRaw: alias).started_at <= \(bind: now) AND (\(unsafeRaw: alias).ended_at IS NULL OR \(unsafeRaw: alias).ended_at > \(bind: now))"
    }

    private static func conditions(_ scope: Scope, _ filter: RegistryFilter, at now: Date) -> SQLQueryString {
        var parts: [SQLQueryString] = ["s.instrument = \(bind: filter.instrument.rawValue)"]
        switch scope {
        case .caseload(let userID):
            // The caseload as a set, built once from the person's memberships.
            parts.append("s.patient_id IN (SELECT m.patient_id FROM care_team_members m WHERE m.user_id = \(bind: userID) AND \(active("m", at: now)))")
        case .organisation(let organisationID):
            parts.append("""
                EXISTS (SELECT 1 FROM care_team_members m JOIN memberships o ON o.user_id = m.user_id
                        WHERE m.patient_id = s.patient_id AND o.organisation_id = \(bind: organisationID) AND \(active("m", at: now)))
                """)
        }
        if let band = filter.band { parts.append("s.latest_band = \(bind: band)") }
        if let flag = filter.flag {
            let kind: SQLQueryString = flag == .any ? "" : " AND f.kind = \(bind: flag.rawValue)"
            parts.append("EXISTS (SELECT 1 FROM measurement_flags f WHERE f.patient_id = s.patient_id AND f.acknowledged_at IS NULL\(kind))")
        }
        if filter.overdueOnly { parts.append("s.next_due_at < \(bind: now)") }
        var joined: SQLQueryString = parts[0]
        for part in parts.dropFirst() { joined = "\(joined) AND \(part)" }
        return joined
    }

    private static func order(_ sort: RegistryFilter.Sort, _ scope: Scope) -> SQLQueryString {
        switch sort {
        // Each order is one of the summary's indexes read forwards or backwards.
        case .change: "s.change DESC, s.latest_total DESC, s.patient_id DESC"
        case .latest: "s.latest_total DESC, s.patient_id DESC"
        case .weeks: "s.baseline_at, s.patient_id"
        case .contact: "s.latest_at, s.patient_id"
        case .due: "s.next_due_at, s.patient_id"
        case .patient:
            if case .organisation = scope { "s.patient_id" } else { "p.family_name, p.given_name, s.patient_id" }
        }
    }

    /// Rows are counted up to this many: past it the registry says "1,000 or more" rather than
    /// scan every row again for an exact number.
    public static let countCap = 1000

    /// One page of the registry.
    public struct Page: Sendable {
        public let rows: [Row]
        /// How many rows match, counted up to `countCap`.
        public let total: Int
        /// `total` stopped at the cap: there are at least that many.
        public let totalIsCapped: Bool
        /// Another page follows this one.
        public let hasMore: Bool
    }

    /// One page of the registry, and how many rows match (up to `countCap`).
    public static func page(_ scope: Scope, _ filter: RegistryFilter, at now: Date, limit: Int = RegistryFilter.pageSize, on db: any Database) async throws -> Page {
        let whereClause = conditions(scope, filter, at: now)
        let offset = (filter.page - 1) * limit
        let rows = try await db.sql.rows(Row.self, """
            SELECT s.patient_id, p.given_name, p.family_name, s.baseline_total, s.baseline_at, s.latest_total, s.latest_band, s.latest_at, s.change, s.responses,
                   (SELECT MAX(v.visited_at) FROM visits v WHERE v.patient_id = s.patient_id) AS last_visit,
                   s.next_due_at AS next_due,
                   EXISTS (SELECT 1 FROM measurement_flags f WHERE f.patient_id = s.patient_id AND f.acknowledged_at IS NULL AND f.kind = 'self-harm-item') AS self_harm,
                   EXISTS (SELECT 1 FROM measurement_flags f WHERE f.patient_id = s.patient_id AND f.acknowledged_at IS NULL AND f.kind = 'not-improving') AS not_improving,
                   EXISTS (SELECT 1 FROM measurement_flags f WHERE f.patient_id = s.patient_id AND f.acknowledged_at IS NULL AND f.kind = 'mdq-positive') AS mdq_positive
            FROM (SELECT s.* FROM measurement_summaries s JOIN patients p ON p.id = s.patient_id WHERE \(whereClause)
                  ORDER BY \(order(filter.sort, scope)) LIMIT \(bind: limit + 1) OFFSET \(bind: offset)) s
            JOIN patients p ON p.id = s.patient_id
            """)
        // The inner query's order survives the join on neither database by rule: sort again, the same way.
        let sorted = sortLike(rows, filter.sort, scope)
        let counted = try await db.sql.raw("""
            SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM measurement_summaries s WHERE \(whereClause) LIMIT \(bind: countCap + 1)) c
            """).first()?.decode(column: "n", as: Int.self) ?? 0
        return Page(rows: Array(sorted.prefix(limit)), total: min(counted, countCap), totalIsCapped: counted > countCap, hasMore: sorted.count > limit)
    }

    private static func sortLike(_ rows: [Row], _ sort: RegistryFilter.Sort, _ scope: Scope) -> [Row] {
        let tie: (Row, Row) -> Bool = { $0.patientID.uuidString < $1.patientID.uuidString }
        let tieDown: (Row, Row) -> Bool = { $0.patientID.uuidString > $1.patientID.uuidString }
        switch sort {
        case .change: return rows.sorted { $0.change != $1.change ? $0.change > $1.change : $0.latestTotal != $1.latestTotal ? $0.latestTotal > $1.latestTotal : tieDown($0, $1) }
        case .latest: return rows.sorted { $0.latestTotal != $1.latestTotal ? $0.latestTotal > $1.latestTotal : tieDown($0, $1) }
        case .weeks: return rows.sorted { $0.baselineAt != $1.baselineAt ? $0.baselineAt < $1.baselineAt : tie($0, $1) }
        case .contact: return rows.sorted { $0.latestAt != $1.latestAt ? $0.latestAt < $1.latestAt : tie($0, $1) }
        case .due: return rows.sorted { ($0.nextDue ?? .distantFuture) != ($1.nextDue ?? .distantFuture) ? ($0.nextDue ?? .distantFuture) < ($1.nextDue ?? .distantFuture) : tie($0, $1) }
        case .patient:
            if case .organisation = scope { return rows.sorted(by: tie) }
            return rows.sorted { ($0.familyName, $0.givenName, $0.patientID.uuidString) < ($1.familyName, $1.givenName, $1.patientID.uuidString) }
        }
    }
}
