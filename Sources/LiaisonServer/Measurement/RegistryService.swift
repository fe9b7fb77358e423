import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// The measurement-based-care registry, the collaborative-care model's list: each patient in
/// measurement-based care with their latest score and band, change from baseline, weeks in
/// treatment, last contact, next follow-up and open alerts. A clinician sees their own caseload
/// (names); an organisation's administrator sees every patient its members treat, by reference
/// only, and only after stating why (the reason is audited).
struct RegistryService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let auditor: Auditor
    let organisations: OrganisationService

    struct Page: Sendable {
        let rows: [RegistryQueries.Row]
        let total: Int
        let totalIsCapped: Bool
        let hasMore: Bool
        let filter: RegistryFilter
        /// Names for a caseload; references for an organisation.
        let showsNames: Bool
        let now: Date
    }

    /// The clinician's own caseload.
    func caseload(_ filter: RegistryFilter, by caller: Caller, limit: Int = RegistryFilter.pageSize) async throws -> Page {
        let now = clock.now()
        let found = try await RegistryQueries.page(.caseload(caller.userID), filter, at: now, limit: limit, on: database.reader())
        try await auditor.recordRead(.registryRead, patient: nil, subject: "registry:caseload:\(filter.instrument.rawValue)", purpose: "treatment", by: caller, in: database)
        return Page(rows: found.rows, total: found.total, totalIsCapped: found.totalIsCapped, hasMore: found.hasMore, filter: filter, showsNames: true, now: now)
    }

    /// An organisation's registry, for its administrators, with the reason they give.
    func organisation(_ id: UUID, _ filter: RegistryFilter, reason rawReason: String?, by caller: Caller, limit: Int = RegistryFilter.pageSize) async throws -> Page {
        _ = try await organisations.organisationForAdministration(id, by: caller.identity.actor)
        var check = FieldChecker()
        let reason = check.text(rawReason, field: "reason", label: "Why you are looking", required: true, maxLength: 300)
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        let now = clock.now()
        let found = try await RegistryQueries.page(.organisation(id), filter, at: now, limit: limit, on: database.reader())
        try await auditor.recordRead(.registryRead, patient: nil, subject: "registry:organisation:\(id):\(filter.instrument.rawValue)", purpose: reason, by: caller, in: database)
        return Page(rows: found.rows, total: found.total, totalIsCapped: found.totalIsCapped, hasMore: found.hasMore, filter: filter, showsNames: false, now: now)
    }

    /// Weeks since the baseline.
    static func weeks(_ row: RegistryQueries.Row, now: Date) -> Int {
        max(0, Int(now.timeIntervalSince(row.baselineAt) / (7 * 86400)))
    }

    /// The open alerts' names.
    static func flags(_ row: RegistryQueries.Row) -> [FlagKind] {
        [(row.selfHarm, FlagKind.selfHarmItem), (row.notImproving, .notImproving), (row.mdqPositive, .mdqPositive)].filter(\.0).map(\.1)
    }

    /// How the patient is named: by name on a caseload, by reference for an organisation.
    static func who(_ row: RegistryQueries.Row, names: Bool) -> String {
        names ? "\(row.givenName) \(row.familyName)" : PatientReference.short(row.patientID)
    }

    /// The page as CSV (RFC 4180), one row per patient.
    /// One CSV field: quoted when it holds a comma, quote or line break; a leading = + - @ (a
    /// formula to a spreadsheet) is made text with a leading apostrophe, numbers apart.
    static func csvField(_ text: String) -> String {
        let safe = ["=", "+", "-", "@"].contains(where: text.hasPrefix) && Double(text) == nil ? "'" + text : text
        return safe.contains(where: { [",", "\"", "\n", "\r"].contains($0) }) ? "\"\(safe.replacingOccurrences(of: "\"", with: "\"\""))\"" : safe
    }

    static func csv(_ page: Page) -> String {
        var lines = [["patient", "instrument", "latest", "band", "baseline", "change_percent", "weeks_in_treatment", "last_contact", "next_follow_up", "alerts"].joined(separator: ",")]
        for row in page.rows {
            lines.append([
                who(row, names: page.showsNames), page.filter.instrument.rawValue, String(row.latestTotal), row.latestBand, String(row.baselineTotal),
                String(Int((row.change * 100).rounded())), String(weeks(row, now: page.now)), DateOnly.of(row.lastContact, in: .gmt).description,
                row.nextDue.map { DateOnly.of($0, in: .gmt).description } ?? "", flags(row).map(\.rawValue).joined(separator: " "),
            ].map(csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
