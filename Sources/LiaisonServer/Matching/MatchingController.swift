import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// The match page of a patient's record: the need asked about, then the clinicians who fit, each
/// with why, and those left out with the reason; choosing one starts a referral filled in.
struct MatchingController: Sendable {
    let views: Views
    let matching: MatchingService
    let organisations: OrganisationService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(SiteURL.patientMatches(.placeholder), use: page)
    }

    struct Page: Sendable {
        struct Line: Sendable {
            let name: String
            let href: String
            let discipline: String
            let reasons: String
            let referPath: String
            let clinicianID: String
        }

        struct LeftOut: Sendable {
            let name: String
            let href: String
            let reason: String
            let clinicianID: String
            /// Full for now (no opening, or not taking new patients): the patient can wait for one.
            let canWait: Bool
        }

        let patientName: String
        let patientPath: String
        let action: String
        let form: FormState
        let services: [Choice]
        let urgencies: [Choice]
        let modalities: [Choice]
        let transfer: Bool
        let asked: Bool
        let summary: String
        let matches: [Line]
        let excluded: [LeftOut]
        let excludedCount: Int
        let waitlistPath: String
        let service: String
        let urgency: String
        /// Organisations whose intake list the patient can join instead.
        var intakes: [Choice] = []
    }

    @Sendable func page(_ request: Request, context: ClinicianContext) async throws -> Response {
        let patientID = try context.uuid("id")
        let query = try request.queryForm.dictionary
        var form = FormState(values: query)
        var answer: MatchingService.Answer?
        var status: HTTPResponse.Status = .ok
        try await matching.authorize(patientID, by: context.caller)
        if query["service"] != nil {
            do {
                answer = try await matching.matches(for: patientID, try MatchRequest.parse(query), by: context.caller)
            } catch let errors as ValidationErrors {
                form = FormState(values: query, errors: errors)
                status = .unprocessableContent
            }
        }
        let patient: Patient
        if let answer { patient = answer.patient } else { patient = try await matching.patient(patientID, by: context.caller) }
        var page = Self.page(patient: patient, answer: answer, form: form, patientID: patientID)
        if answer != nil {
            page.intakes = try await organisations.all().map { Choice(value: $0.0.id!.uuidString.lowercased(), label: $0.0.name, selected: false) }
        }
        return views.page("matching/matches", title: "Find a clinician", page, request: request, context: context, status: status)
    }

    static func page(patient: Patient, answer: MatchingService.Answer?, form: FormState, patientID: UUID) -> Page {
        let values = form.values
        let matches = answer?.result.matches ?? []
        let excluded = answer?.result.excluded ?? []
        let summary = answer.map { answer in
            let service = answer.request.service.label.lowercased()
            return matches.isEmpty
                ? "Nobody can take \(patient.givenName) for \(service) now."
                : "\(matches.count) clinician\(matches.count == 1 ? "" : "s") can take \(patient.givenName) for \(service), best fit first."
        } ?? ""
        return Page(
            patientName: "\(patient.givenName) \(patient.familyName)", patientPath: SiteURL.patient(patientID).path,
            action: SiteURL.patientMatches(patientID).path, form: form,
            services: Choice.all(ClinicalService.self, selected: values["service"] ?? ClinicalService.medicationManagement.rawValue),
            urgencies: Choice.all(Urgency.self, selected: values["urgency"] ?? Urgency.routine.rawValue),
            modalities: Choice.all(Modality.self, selected: values["modality"] ?? Modality.both.rawValue),
            transfer: ["on", "true", "1", "yes"].contains(values["transfer"]?.lowercased() ?? ""),
            asked: answer != nil, summary: summary,
            matches: matches.map { match in
                Page.Line(
                    name: match.candidate.name, href: SiteURL.clinician(match.candidate.userID).path, discipline: match.candidate.discipline.label,
                    reasons: match.reasons.joined(separator: "; "),
                    referPath: referralPath(patientID: patientID, recipient: match.candidate.userID, request: answer!.request),
                    clinicianID: match.candidate.userID.uuidString.lowercased())
            },
            excluded: excluded.map {
                .init(
                    name: $0.candidate.name, href: SiteURL.clinician($0.candidate.userID).path, reason: $0.reason,
                    clinicianID: $0.candidate.userID.uuidString.lowercased(), canWait: $0.reason.hasPrefix("no opening") || $0.reason == "not accepting new patients")
            },
            excludedCount: excluded.count, waitlistPath: SiteURL.patientWaitlist(patientID).path,
            service: answer?.request.service.rawValue ?? "", urgency: answer?.request.urgency.rawValue ?? "")
    }

    /// A new referral to this clinician, with the patient, urgency and service filled in.
    static func referralPath(patientID: UUID, recipient: UUID, request: MatchRequest) -> String {
        var components = URLComponents()
        components.queryItems = [
            .init(name: "patientID", value: patientID.uuidString.lowercased()), .init(name: "recipientID", value: recipient.uuidString.lowercased()),
            .init(name: "urgency", value: request.urgency.rawValue), .init(name: "service", value: request.service.rawValue),
        ]
        return SiteURL.newReferral.path + "?" + (components.percentEncodedQuery ?? "")
    }
}
