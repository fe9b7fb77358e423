import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// The directory pages, one's own profile, and the same through the JSON API.
struct DirectoryController: Sendable {
    let views: Views
    let directory: DirectoryService
    /// New openings go at once to whoever waits for them.
    let waitlists: WaitlistService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(SiteURL.directory, use: directoryPage)
        routes.clinicians.get(SiteURL.clinician(.placeholder), use: clinicianPage)
        routes.clinicians.get(SiteURL.profile, use: profilePage)
        routes.clinicians.post(SiteURL.profile, use: saveProfile)
        routes.clinicians.get(APIURL.clinicians, use: apiSearch)
        routes.clinicians.get(APIURL.clinician(.placeholder), use: apiClinician)
        routes.clinicians.get(APIURL.myProfile, use: apiMyProfile)
        routes.clinicians.put(APIURL.myProfile, use: apiSaveProfile)
    }

    @Sendable func directoryPage(_ request: Request, context: ClinicianContext) async throws -> Response {
        let query = try request.queryForm.dictionary
        let page: DirectoryPage
        do {
            let filter = try DirectoryFilter.parse(query)
            page = DirectoryPage(query: query, filter: filter, results: try await directory.search(filter), errors: nil)
        } catch let errors as ValidationErrors {
            page = DirectoryPage(query: query, filter: DirectoryFilter(), results: nil, errors: errors)
        }
        return views.page("directory/directory", title: "Directory", page, request: request, context: context, status: page.errors.isEmpty ? .ok : .badRequest)
    }

    @Sendable func clinicianPage(_ request: Request, context: ClinicianContext) async throws -> Response {
        let identity = context.identity
        guard let entry = try await directory.entry(userID: try context.uuid("id"), viewer: identity.userID) else { throw AppError.notFound }
        return views.page("directory/clinician", title: entry.displayName, ClinicianCard(entry), request: request, context: context)
    }

    @Sendable func profilePage(_ request: Request, context: ClinicianContext) async throws -> Response {
        let identity = context.identity
        let existing = try await directory.profile(of: identity.userID)
        let draft = existing.map(ClinicianProfileDraft.init) ?? ClinicianProfileDraft(
            displayName: identity.displayName, contactMethod: ContactMethod.secureMessage.rawValue, languages: "English",
            modality: Modality.both.rawValue, transfers: TransferPolicy.accepts.rawValue, listedInDirectory: true)
        let page = ProfileEditPage(draft: draft, organisations: identity.organisations.map(\.name), isNew: existing == nil)
        return views.page("directory/profile-edit", title: "Your profile", page, request: request, context: context)
    }

    @Sendable func saveProfile(_ request: Request, context: ClinicianContext) async throws -> Response {
        let identity = context.identity
        var request = request
        let form = try await request.form(context: context)
        let draft = Self.draft(from: form)
        do {
            _ = try await directory.saveProfile(of: identity.userID, draft)
            let offered = try await waitlists.offerOpenings(of: identity.userID)
            return views.redirect(
                to: .clinician(identity.userID),
                flash: offered > 0 ? "Profile saved. \(offered) opening\(offered == 1 ? " was" : "s were") offered to the first on your waiting list." : "Profile saved.")
        } catch AppError.invalid(let errors) {
            let page = ProfileEditPage(draft: draft, errors: errors, organisations: identity.organisations.map(\.name), isNew: false)
            return views.page("directory/profile-edit", title: "Your profile", page, request: request, context: context, status: .unprocessableContent)
        }
    }

    static func draft(from form: FormData) -> ClinicianProfileDraft {
        var openings: [String: String] = [:]
        for (service, value) in form.group("offer.") where !["", "off", "false", "0"].contains(value.lowercased()) {
            openings[service] = form["openings.\(service)"] ?? "0"
        }
        return ClinicianProfileDraft(
            displayName: form["displayName"], discipline: form["discipline"], credentials: form["credentials"],
            about: form["about"], contactMethod: form["contactMethod"], contactPhone: form["contactPhone"],
            contactEmail: form["contactEmail"], contactHours: form["contactHours"], openings: openings,
            languages: form["languages"], insurance: form["insurance"], modality: form["modality"],
            locations: form["locations"], acceptingNewPatients: form.flag("acceptingNewPatients"),
            transfers: form["transfers"], prioritisesPatientsWithoutPsychiatrist: form.flag("prioritisesPatientsWithoutPsychiatrist"),
            listedInDirectory: form.flag("listedInDirectory"))
    }

    // MARK: JSON API

    @Sendable func apiSearch(_ request: Request, context: ClinicianContext) async throws -> ClinicianList {
        let filter: DirectoryFilter
        do {
            filter = try DirectoryFilter.parse(try request.queryForm.dictionary)
        } catch let errors as ValidationErrors {
            throw AppError.invalid(errors)
        }
        let results = try await directory.search(filter)
        return ClinicianList(
            total: results.total, page: filter.page, pageSize: DirectoryFilter.pageSize,
            clinicians: results.entries.map(ClinicianDTO.init))
    }

    @Sendable func apiClinician(_ request: Request, context: ClinicianContext) async throws -> ClinicianDTO {
        let identity = context.identity
        guard let entry = try await directory.entry(userID: try context.uuid("id"), viewer: identity.userID) else { throw AppError.notFound }
        return ClinicianDTO(entry)
    }

    @Sendable func apiMyProfile(_ request: Request, context: ClinicianContext) async throws -> ClinicianDTO {
        let identity = context.identity
        guard let entry = try await directory.entry(userID: identity.userID, viewer: identity.userID) else { throw AppError.notFound }
        return ClinicianDTO(entry)
    }

    @Sendable func apiSaveProfile(_ request: Request, context: ClinicianContext) async throws -> ClinicianDTO {
        let identity = context.identity
        var request = request

        let input = try await request.input(ProfileInput.self, context: context)
        _ = try await directory.saveProfile(of: identity.userID, input.draft)
        try await waitlists.offerOpenings(of: identity.userID)
        guard let entry = try await directory.entry(userID: identity.userID, viewer: identity.userID) else { throw AppError.notFound }
        return ClinicianDTO(entry)
    }
}
