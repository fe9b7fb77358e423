import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// An organisation's public holidays: the page where its administrators add one, load a year's
/// from an ICS file, or remove one; and the same in the API.
struct HolidaysController: Sendable {
    let views: Views
    let organisations: OrganisationService
    let clock: any Clock

    func register(on routes: RouteGroups) {
        routes.clinicians.get(SiteURL.organisationHolidays(.placeholder), use: page)
        routes.clinicians.post(SiteURL.organisationHolidays(.placeholder), use: add)
        routes.clinicians.post(SiteURL.organisationHolidaysImport(.placeholder), use: importFile)
        routes.clinicians.post(SiteURL.organisationHoliday(.placeholder, day: ""), use: remove)
        routes.clinicians.get(APIURL.organisationHolidays(.placeholder), use: list)
        routes.clinicians.post(APIURL.organisationHolidays(.placeholder), use: apiAdd)
        routes.clinicians.delete(APIURL.organisationHoliday(.placeholder, day: ""), use: apiRemove)
    }

    struct HolidaysPage: Sendable {
        struct Line: Sendable {
            let day: String
            let date: String
            let name: String
            let removePath: String
        }

        let organisation: String
        let upcoming: [Line]
        let past: [Line]
        /// Stored, not computed: templates see stored properties only.
        let hasUpcoming: Bool
        let hasPast: Bool
        let canAdminister: Bool
        let form: FormState
        let action: String
        let importAction: String
        let backPath: String
    }

    @Sendable func page(_ request: Request, context: ClinicianContext) async throws -> Response {
        try await render(try context.uuid("id"), form: .empty, status: .ok, request: request, context: context)
    }

    private func render(_ id: UUID, form: FormState, status: HTTPResponse.Status, request: Request, context: ClinicianContext) async throws -> Response {
        let (organisation, holidays) = try await organisations.holidays(of: id, for: context.identity.actor)
        let today = DateOnly.of(clock.now(), in: organisation.calendar.timeZone)
        let lines = holidays.map {
            HolidaysPage.Line(
                day: $0.day.description, date: DisplayDate.day($0.day.start(in: .gmt, plusHours: 12)), name: $0.name,
                removePath: SiteURL.organisationHoliday(id, day: $0.day.description).path)
        }
        let upcoming = lines.filter { $0.day >= today.description }, past = Array(lines.filter { $0.day < today.description }.reversed())
        let page = HolidaysPage(
            organisation: organisation.name, upcoming: upcoming, past: past, hasUpcoming: !upcoming.isEmpty, hasPast: !past.isEmpty,
            canAdminister: context.identity.actor.mayAdminister(organisation: id), form: form,
            action: SiteURL.organisationHolidays(id).path, importAction: SiteURL.organisationHolidaysImport(id).path, backPath: SiteURL.organisation(id).path)
        return views.page("organisations/holidays", title: "Holidays: \(organisation.name)", page, request: request, context: context, status: status)
    }

    @Sendable func add(_ request: Request, context: ClinicianContext) async throws -> Response {
        let id = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        do {
            let holiday: Holiday
            do { holiday = try Holidays.validated(day: form["day"], name: form["name"]) } catch { throw AppError.invalid(error) }
            try await organisations.addHolidays([holiday], to: id, by: context.identity.actor)
            return views.redirect(to: .organisationHolidays(id), flash: "\(holiday.name) added: due dates from now on skip it.")
        } catch AppError.invalid(let errors) {
            return try await render(id, form: FormState(values: form.dictionary, errors: errors), status: .unprocessableContent, request: request, context: context)
        }
    }

    @Sendable func importFile(_ request: Request, context: ClinicianContext) async throws -> Response {
        let id = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        do {
            let holidays: [Holiday]
            do { holidays = try Holidays.parseICS(form["file"] ?? "") } catch { throw AppError.invalid(error) }
            let added = try await organisations.addHolidays(holidays, to: id, by: context.identity.actor)
            return views.redirect(
                to: .organisationHolidays(id), flash: "Loaded \(holidays.count) holiday\(holidays.count == 1 ? "" : "s") from the file (\(added) new). Due dates from now on skip them.")
        } catch AppError.invalid(let errors) {
            return try await render(id, form: FormState(values: [:], errors: errors), status: .unprocessableContent, request: request, context: context)
        }
    }

    @Sendable func remove(_ request: Request, context: ClinicianContext) async throws -> Response {
        let id = try context.uuid("id")
        guard let day = context.parameters.get("day").flatMap(DateOnly.init) else { throw AppError.notFound }
        try await organisations.removeHoliday(day, from: id, by: context.identity.actor)
        return views.redirect(to: .organisationHolidays(id), flash: "Removed: \(day) is a business day again.")
    }

    // MARK: API

    struct HolidayDTO: ResponseEncodable, Codable {
        let day: String
        let name: String
    }

    struct HolidayList: ResponseEncodable {
        let holidays: [HolidayDTO]
    }

    @Sendable func list(_ request: Request, context: ClinicianContext) async throws -> HolidayList {
        let (_, holidays) = try await organisations.holidays(of: try context.uuid("id"), for: context.identity.actor)
        return HolidayList(holidays: holidays.map { HolidayDTO(day: $0.day.description, name: $0.name) })
    }

    /// One holiday as JSON (`{"day": "2026-12-25", "name": "Christmas Day"}`), or an ICS file (`Content-Type: text/calendar`).
    @Sendable func apiAdd(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<HolidayList> {
        let id = try context.uuid("id")
        var request = request
        let holidays: [Holiday]
        if request.headers[.contentType]?.lowercased().hasPrefix("text/calendar") == true {
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            guard let text = body.getString(at: body.readerIndex, length: body.readableBytes) else { throw AppError.badRequest("The calendar is not text (UTF-8).") }
            do { holidays = try Holidays.parseICS(text) } catch { throw AppError.invalid(error) }
        } else {
            let input = try await request.input(HolidayDTO.self, context: context)
            do { holidays = [try Holidays.validated(day: input.day, name: input.name)] } catch { throw AppError.invalid(error) }
        }
        try await organisations.addHolidays(holidays, to: id, by: context.identity.actor)
        return EditedResponse(status: .created, response: try await list(request, context: context))
    }

    @Sendable func apiRemove(_ request: Request, context: ClinicianContext) async throws -> HolidayList {
        let id = try context.uuid("id")
        guard let day = context.parameters.get("day").flatMap(DateOnly.init) else { throw AppError.notFound }
        try await organisations.removeHoliday(day, from: id, by: context.identity.actor)
        return try await list(request, context: context)
    }
}
