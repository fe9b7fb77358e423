import Foundation
import LiaisonCore

/// A clinician as a directory card or profile page shows them.
///
/// Optional text is `nil` when empty: Mustache treats an empty string as present.
struct ClinicianCard: Sendable {
    struct ServiceLine: Sendable {
        let label: String
        let openings: String
    }

    let name: String
    let href: String
    let referHref: String
    let discipline: String
    let credentials: String?
    let about: String?
    let organisations: String?
    let services: [ServiceLine]
    let accepting: Bool
    let canTakeNow: Bool
    /// "Second opinions: 2 openings", for those who give them: not a place for a new patient.
    let secondOpinions: String?
    /// Where to write to them in Liaison, when a secure message is how they prefer to be reached.
    let writeHref: String?
    let languages: String?
    let insurance: String?
    let modality: String
    let locations: String?
    let transfers: String
    let prioritisesPatientsWithoutPsychiatrist: Bool
    let contactMethod: String
    let contactPhone: String?
    let contactEmail: String?
    let contactHours: String?

    init(_ entry: DirectoryEntry) {
        let profile = entry.profile
        name = entry.displayName
        href = SiteURL.clinician(entry.userID).path
        referHref = SiteURL.newReferral.path + "?recipientID=" + entry.userID.uuidString.lowercased()
        discipline = profile.discipline.label
        credentials = profile.credentials.nilIfEmpty
        about = profile.about.nilIfEmpty
        organisations = entry.organisations.joined(separator: ", ").nilIfEmpty
        services = ClinicalService.allCases.compactMap { service in
            profile.openings[service].map { ServiceLine(label: service.label, openings: Self.openings($0)) }
        }
        accepting = profile.intake.acceptingNewPatients
        canTakeNow = profile.takesNewPatientsNow
        secondOpinions = profile.secondOpinionOpenings.map { $0 > 0 ? "Second opinions: \(Self.openings($0))" : "Second opinions: none open now" }
        writeHref = profile.contactMethod == .secureMessage ? SiteURL.messages.path + "?to=" + (entry.email.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") + "#write" : nil
        languages = profile.languages.joined(separator: ", ").nilIfEmpty
        insurance = profile.insurance.joined(separator: ", ").nilIfEmpty
        modality = profile.modality.label
        locations = profile.locations.joined(separator: ", ").nilIfEmpty
        transfers = profile.intake.transfers.label
        prioritisesPatientsWithoutPsychiatrist = profile.intake.prioritisesPatientsWithoutPsychiatrist
        contactMethod = profile.contactMethod.label
        contactPhone = profile.contactPhone.nilIfEmpty
        contactEmail = profile.contactEmail.nilIfEmpty
        contactHours = profile.contactHours.nilIfEmpty
    }

    static func openings(_ count: Int) -> String {
        switch count {
        case 0: "no openings"
        case 1: "1 opening"
        default: "\(count) openings"
        }
    }
}

/// The directory search page.
struct DirectoryPage: Sendable {
    let query: [String: String]
    let disciplines: [Choice]
    let services: [Choice]
    let modalities: [Choice]
    let intakes: [Choice]
    let withOpenings: Bool
    let results: [ClinicianCard]
    let total: Int
    let summary: String
    let errors: [String]
    let previousPage: String?
    let nextPage: String?
    let action = SiteURL.directory.path

    init(query: [String: String], filter: DirectoryFilter, results: DirectoryService.Results?, errors: ValidationErrors?) {
        self.query = query
        disciplines = Choice.all(Discipline.self, selected: query["discipline"])
        services = Choice.all(ClinicalService.self, selected: query["service"])
        modalities = Choice.all(Modality.self, selected: query["modality"])
        intakes = Choice.all(IntakeFilter.self, selected: query["intake"])
        withOpenings = filter.withOpenings
        self.results = results?.entries.map(ClinicianCard.init) ?? []
        total = results?.total ?? 0
        self.errors = errors?.problems.map(\.message) ?? []
        let shownFrom = (filter.page - 1) * DirectoryFilter.pageSize
        summary = total == 0 ? "No clinicians match." : "\(total) clinician\(total == 1 ? "" : "s") match; showing \(shownFrom + 1)–\(shownFrom + self.results.count)."
        previousPage = filter.page > 1 ? Self.link(query, page: filter.page - 1) : nil
        nextPage = shownFrom + self.results.count < total ? Self.link(query, page: filter.page + 1) : nil
    }

    static func link(_ query: [String: String], page: Int) -> String {
        var components = URLComponents()
        components.path = SiteURL.directory.path
        var items = query.filter { $0.key != "page" && !$0.value.isEmpty }.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        items.append(URLQueryItem(name: "page", value: String(page)))
        components.queryItems = items
        return components.string ?? SiteURL.directory.path
    }
}

/// The form where a clinician keeps their profile.
struct ProfileEditPage: Sendable {
    struct ServiceRow: Sendable {
        let value: String
        let label: String
        let offered: Bool
        let openings: String
        let error: String?
    }

    let form: FormState
    let disciplines: [Choice]
    let contactMethods: [Choice]
    let modalities: [Choice]
    let transferPolicies: [Choice]
    let services: [ServiceRow]
    let acceptingNewPatients: Bool
    let prioritisesPatientsWithoutPsychiatrist: Bool
    let listedInDirectory: Bool
    let organisations: [String]
    let isNew: Bool
    let action = SiteURL.profile.path

    init(draft: ClinicianProfileDraft, errors: ValidationErrors = .init(), organisations: [String], isNew: Bool) {
        let values: [String: String] = [
            "displayName": draft.displayName ?? "", "credentials": draft.credentials ?? "", "about": draft.about ?? "",
            "contactPhone": draft.contactPhone ?? "", "contactEmail": draft.contactEmail ?? "",
            "contactHours": draft.contactHours ?? "", "languages": draft.languages ?? "",
            "insurance": draft.insurance ?? "", "locations": draft.locations ?? "",
        ]
        form = FormState(values: values, errors: errors)
        disciplines = Choice.all(Discipline.self, selected: draft.discipline)
        contactMethods = Choice.all(ContactMethod.self, selected: draft.contactMethod)
        modalities = Choice.all(Modality.self, selected: draft.modality)
        transferPolicies = Choice.all(TransferPolicy.self, selected: draft.transfers)
        services = ClinicalService.allCases.map { service in
            ServiceRow(
                value: service.rawValue, label: service.label, offered: draft.openings[service.rawValue] != nil,
                openings: draft.openings[service.rawValue] ?? "0", error: errors.message(for: "openings.\(service.rawValue)"))
        }
        acceptingNewPatients = draft.acceptingNewPatients
        prioritisesPatientsWithoutPsychiatrist = draft.prioritisesPatientsWithoutPsychiatrist
        listedInDirectory = draft.listedInDirectory
        self.organisations = organisations
        self.isNew = isNew
    }
}
