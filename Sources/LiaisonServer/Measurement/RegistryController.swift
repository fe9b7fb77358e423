import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// The registry pages (a clinician's caseload; an organisation's, for its administrators with a
/// stated reason), their CSV export, and the same in the JSON API.
struct RegistryController: Sendable {
    let views: Views
    let registry: RegistryService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(SiteURL.registry, use: caseload)
        routes.clinicians.get(SiteURL.organisationRegistry(.placeholder), use: organisation)
        routes.clinicians.get(APIURL.registry, use: caseloadAPI)
        routes.clinicians.get(APIURL.organisationRegistry(.placeholder), use: organisationAPI)
    }

    struct RegistryPage: Sendable {
        struct Row: Sendable {
            let who: String
            let href: String?
            let latest: Int
            let band: String
            let baseline: Int
            let change: String
            let weeks: Int
            let contact: String
            let due: String
            let overdue: Bool
            let flags: String?
        }

        let heading: String
        let intro: String
        let rows: [Row]
        let hasRows: Bool
        let total: String
        let instruments: [Choice]
        let bands: [Choice]
        let flags: [Choice]
        let sorts: [Choice]
        let overdue: Bool
        let needsReason: Bool
        let reason: String
        let action: String
        let csvPath: String?
        let previousPath: String?
        let nextPath: String?
        let form: FormState
    }

    private static func query(_ request: Request) -> [String: String] {
        var fields: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { fields[String(key)] = String(value) }
        return fields
    }

    private static func link(_ base: String, _ fields: [String: String], _ changes: [String: String?]) -> String {
        var merged = fields
        for (key, value) in changes { merged[key] = value }
        let query = merged.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? "")" }
            .joined(separator: "&")
        return query.isEmpty ? base : base + "?" + query
    }

    private func render(_ page: RegistryService.Page?, fields: [String: String], errors: ValidationErrors = .init(), organisation: Bool, base: String,
                        request: Request, context: ClinicianContext) -> Response {
        let filter = page?.filter ?? (try? RegistryFilter.parse(fields)) ?? RegistryFilter()
        let instrument = filter.instrument
        let bandNames = instrument == .mdq ? ["Positive screen", "Negative screen"] : instrument.instrument.bands.map(\.label)
        let rows = (page?.rows ?? []).map { row in
            RegistryPage.Row(
                who: RegistryService.who(row, names: page!.showsNames), href: page!.showsNames ? SiteURL.patientMeasures(row.patientID).path : nil,
                latest: row.latestTotal, band: row.latestBand, baseline: row.baselineTotal,
                change: row.baselineTotal > 0 ? "\(row.change <= 0 ? "" : "+")\(Int((row.change * 100).rounded()))%" : "–",
                weeks: RegistryService.weeks(row, now: page!.now), contact: DisplayDate.day(row.lastContact),
                due: row.nextDue.map { DisplayDate.day($0) } ?? "–", overdue: (row.nextDue ?? .distantFuture) < page!.now,
                flags: RegistryService.flags(row).map(\.label).joined(separator: "; ").nilIfEmpty)
        }
        let total = page?.total ?? 0
        let counted = page?.totalIsCapped == true ? "\(RegistryQueries.countCap) or more patients" : "\(total) patient\(total == 1 ? "" : "s")"
        let reason = fields["reason"] ?? ""
        let content = RegistryPage(
            heading: organisation ? "Registry: every patient our clinicians treat" : "My caseload in measurement-based care",
            intro: organisation
                ? "Patients are shown by reference, not by name: open a record through its care team. Each viewing is recorded with the reason you give."
                : "Patients whose care team you are on, with their latest score, change from baseline and open alerts.",
            rows: rows, hasRows: !rows.isEmpty, total: page == nil ? "" : "\(counted), page \(filter.page)",
            instruments: InstrumentKind.allCases.map { Choice(value: $0.rawValue, label: $0.instrument.title, selected: $0 == instrument) },
            bands: [Choice(value: "", label: "Any band", selected: filter.band == nil)] + bandNames.map { Choice(value: $0, label: $0, selected: $0 == filter.band) },
            flags: [Choice(value: "", label: "Any or none", selected: filter.flag == nil), Choice(value: "any", label: "Any open alert", selected: filter.flag == .any)]
                + FlagKind.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: filter.flag?.rawValue == $0.rawValue) },
            sorts: RegistryFilter.Sort.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == filter.sort) },
            overdue: filter.overdueOnly, needsReason: organisation, reason: reason, action: base,
            csvPath: page == nil ? nil : Self.link(base, fields, ["format": "csv", "page": nil]),
            previousPath: page != nil && filter.page > 1 ? Self.link(base, fields, ["page": String(filter.page - 1)]) : nil,
            nextPath: page?.hasMore == true ? Self.link(base, fields, ["page": String(filter.page + 1)]) : nil,
            form: FormState(values: fields, errors: Dictionary(errors.problems.map { ($0.field, $0.message) }, uniquingKeysWith: { a, _ in a }), problems: errors.problems))
        return views.page("measurement/registry", title: content.heading, content, request: request, context: context, status: errors.isEmpty ? .ok : .unprocessableContent)
    }

    private static func csvResponse(_ page: RegistryService.Page) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"registry-\(page.filter.instrument.rawValue).csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: RegistryService.csv(page))))
    }

    @Sendable func caseload(_ request: Request, context: ClinicianContext) async throws -> Response {
        let fields = Self.query(request)
        let filter: RegistryFilter
        do throws(ValidationErrors) { filter = try RegistryFilter.parse(fields) } catch {
            return render(nil, fields: fields, errors: error, organisation: false, base: SiteURL.registry.path, request: request, context: context)
        }
        if fields["format"] == "csv" {
            return Self.csvResponse(try await registry.caseload(filter, by: context.caller, limit: 50_000))
        }
        return render(try await registry.caseload(filter, by: context.caller), fields: fields, organisation: false, base: SiteURL.registry.path, request: request, context: context)
    }

    @Sendable func organisation(_ request: Request, context: ClinicianContext) async throws -> Response {
        let id = try context.uuid("id")
        let fields = Self.query(request)
        let base = SiteURL.organisationRegistry(id).path
        let filter: RegistryFilter
        do throws(ValidationErrors) { filter = try RegistryFilter.parse(fields) } catch {
            return render(nil, fields: fields, errors: error, organisation: true, base: base, request: request, context: context)
        }
        guard let reason = fields["reason"], !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            // Administrators only, before anything else; then the reason is asked for.
            _ = try await registry.organisations.organisationForAdministration(id, by: context.identity.actor)
            return render(nil, fields: fields, organisation: true, base: base, request: request, context: context)
        }
        do {
            let page = try await registry.organisation(id, filter, reason: reason, by: context.caller, limit: fields["format"] == "csv" ? 50_000 : RegistryFilter.pageSize)
            if fields["format"] == "csv" { return Self.csvResponse(page) }
            return render(page, fields: fields, organisation: true, base: base, request: request, context: context)
        } catch AppError.invalid(let errors) {
            return render(nil, fields: fields, errors: errors, organisation: true, base: base, request: request, context: context)
        }
    }

    // MARK: The API

    struct RowDTO: Codable {
        let patientID: UUID?
        let patientReference: String
        let name: String?
        let instrument: String
        let latest: Int
        let band: String
        let baseline: Int
        let changePercent: Int
        let weeksInTreatment: Int
        let lastContact: Date
        let nextFollowUp: Date?
        let alerts: [String]
    }

    struct RegistryDTO: ResponseEncodable {
        /// Matching patients, counted up to 1,000.
        let total: Int
        /// There are at least `total`.
        let totalIsCapped: Bool
        let hasMore: Bool
        let page: Int
        let pageSize: Int
        let rows: [RowDTO]

        init(_ page: RegistryService.Page) {
            total = page.total
            totalIsCapped = page.totalIsCapped
            hasMore = page.hasMore
            self.page = page.filter.page
            pageSize = RegistryFilter.pageSize
            rows = page.rows.map { row in
                RowDTO(
                    patientID: page.showsNames ? row.patientID : nil, patientReference: PatientReference.short(row.patientID),
                    name: page.showsNames ? "\(row.givenName) \(row.familyName)" : nil, instrument: page.filter.instrument.rawValue,
                    latest: row.latestTotal, band: row.latestBand, baseline: row.baselineTotal, changePercent: Int((row.change * 100).rounded()),
                    weeksInTreatment: RegistryService.weeks(row, now: page.now), lastContact: row.lastContact, nextFollowUp: row.nextDue,
                    alerts: RegistryService.flags(row).map(\.rawValue))
            }
        }
    }

    private static func filter(_ request: Request) throws -> RegistryFilter {
        do throws(ValidationErrors) { return try RegistryFilter.parse(query(request)) } catch { throw AppError.invalid(error) }
    }

    @Sendable func caseloadAPI(_ request: Request, context: ClinicianContext) async throws -> RegistryDTO {
        RegistryDTO(try await registry.caseload(try Self.filter(request), by: context.caller))
    }

    @Sendable func organisationAPI(_ request: Request, context: ClinicianContext) async throws -> RegistryDTO {
        let id = try context.uuid("id")
        let filter = try Self.filter(request)
        return RegistryDTO(try await registry.organisation(id, filter, reason: Self.query(request)["reason"], by: context.caller))
    }
}
