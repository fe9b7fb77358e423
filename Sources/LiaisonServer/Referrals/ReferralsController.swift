import FluentKit
import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// The referral pages: worklists, the new-referral form, a referral and its actions, letters, metrics.
struct ReferralsController: Sendable {
    let views: Views
    let referrals: ReferralService
    let worklists: ReferralWorklists
    let patients: PatientService
    let directory: DirectoryService
    let organisations: OrganisationService
    let clock: any Clock

    func register(on routes: RouteGroups) {
        routes.clinicians.get(SiteURL.referrals, use: worklistsPage)
        routes.clinicians.get(SiteURL.newReferral, use: newPage)
        routes.clinicians.post(SiteURL.referrals, use: create)
        routes.clinicians.get(SiteURL.referralReport, use: report)
        routes.clinicians.post(SiteURL.referralChase(.placeholder), use: chase)
        routes.clinicians.get(SiteURL.referral(.placeholder), use: show)
        routes.clinicians.get(SiteURL.referralLetter(referral: .placeholder, note: nil), use: letter)
        routes.clinicians.get(SiteURL.referralLetter(referral: .placeholder, note: .placeholder), use: letter)
        routes.clinicians.post(SiteURL.referralAction(.placeholder, .send), use: act)
    }

    @Sendable func worklistsPage(_ request: Request, context: ClinicianContext) async throws -> Response {
        let caller = context.caller
        let page = WorklistsPage(owed: WorklistSection(try await worklists.owed(by: caller)), waiting: WorklistSection(try await worklists.waiting(by: caller)))
        return views.page("referrals/referrals", title: "Referrals", page, request: request, context: context)
    }

    @Sendable func newPage(_ request: Request, context: ClinicianContext) async throws -> Response {
        let identity = context.identity
        let query = try request.queryForm.dictionary
        return try await renderNew(identity, query: query, form: FormState(values: query), status: .ok, request: request, context: context)
    }

    private func renderNew(_ identity: Identity, query: [String: String], form: FormState, status: HTTPResponse.Status, request: Request, context: ClinicianContext) async throws -> Response {
        let caller = context.caller
        let mine = try await patients.myPatients(by: caller)
        let patientChoices = mine.map { patient, _ in
            Choice(value: patient.id!.uuidString.lowercased(), label: "\(patient.familyName), \(patient.givenName) (\(patient.dateOfBirth))", selected: form.values["patientID"] == patient.id!.uuidString.lowercased())
        }
        var filter = (try? DirectoryFilter.parse(query.filter { ["q", "discipline", "service", "language", "openings"].contains($0.key) })) ?? DirectoryFilter()
        filter.page = 1
        var found = try await directory.search(filter).entries.filter { $0.userID != identity.userID }
        let selected = form.values["recipientID"]
        // Arriving from a clinician's profile ("Refer a patient"): that clinician comes first.
        if let chosen = selected.flatMap(UUID.init(uuidString:)), !found.contains(where: { $0.userID == chosen }),
           let entry = try await directory.entry(userID: chosen, viewer: identity.userID) {
            found.insert(entry, at: 0)
        }
        let candidates = found.map { entry in
            NewReferralPage.Candidate(
                id: entry.userID.uuidString.lowercased(), name: entry.displayName,
                detail: [entry.profile.discipline.label, entry.organisations.joined(separator: ", ")].filter { !$0.isEmpty }.joined(separator: " · "),
                openings: entry.profile.openings.isEmpty ? "No services listed" : ClinicalService.allCases.compactMap { service in
                    entry.profile.openings[service].map { "\(service.label): \(ClinicianCard.openings($0))" }
                }.joined(separator: "; "),
                policy: (entry.profile.intake.acceptingNewPatients ? "Accepting new patients" : "Not accepting new patients") + " · " + entry.profile.intake.transfers.label,
                selected: selected == entry.userID.uuidString.lowercased())
        }
        let intakes = try await organisations.all().map { organisation, _ in
            Choice(value: organisation.id!.uuidString.lowercased(), label: "\(organisation.name) intake", selected: form.values["recipientOrganisationID"] == organisation.id!.uuidString.lowercased())
        }
        let page = NewReferralPage(
            form: form, patients: patientChoices, candidates: candidates, intakes: intakes,
            urgencies: Choice.all(Urgency.self, selected: form.values["urgency"] ?? Urgency.routine.rawValue),
            sections: NoteField.fields(.referral, form: form), searchQuery: query,
            disciplines: Choice.all(Discipline.self, selected: query["discipline"]),
            services: Choice.all(ClinicalService.self, selected: query["service"]),
            matchPath: form.values["patientID"].flatMap(UUID.init(uuidString:)).map { SiteURL.patientMatches($0).path })
        return views.page("referrals/referral-new", title: "New referral", page, request: request, context: context, status: status)
    }

    @Sendable func create(_ request: Request, context: ClinicianContext) async throws -> Response {
        let identity = context.identity
        var request = request
        let form = try await request.form(context: context)
        let draft = ReferralService.Draft(
            patientID: form["patientID"].flatMap(UUID.init(uuidString:)),
            recipientID: form["recipientID"].flatMap(UUID.init(uuidString:)),
            recipientOrganisationID: form["recipientOrganisationID"].flatMap(UUID.init(uuidString:)),
            urgency: form["urgency"], letter: form.dictionary.filter { !$0.key.hasPrefix("_") }, sendNow: form["save"] != "draft")
        do {
            let referral = try await referrals.create(draft, once: SubmissionKey.form(form), by: context.caller)
            return views.redirect(to: .referral(referral.id!), flash: draft.sendNow ? "Referral sent. You will see here when it is acknowledged." : "Draft saved.")
        } catch AppError.invalid(let errors) {
            return try await renderNew(identity, query: [:], form: FormState(values: form.dictionary, errors: errors), status: .unprocessableContent, request: request, context: context)
        }
    }

    @Sendable func show(_ request: Request, context: ClinicianContext) async throws -> Response {
        return try await render(try context.uuid("id"), form: .empty, status: .ok, request: request, context: context)
    }

    private func render(_ id: UUID, form: FormState, status: HTTPResponse.Status, request: Request, context: ClinicianContext) async throws -> Response {
        let caller = context.caller
        let loaded = try await referrals.load(id, by: caller)
        let page = ReferralPage(loaded, now: clock.now(), form: form)
        return views.page("referrals/referral", title: "Referral for \(page.patient)", page, request: request, context: context, status: status)
    }

    @Sendable func act(_ request: Request, context: ClinicianContext) async throws -> Response {
        let id = try context.uuid("id")
        guard let action = context.parameters.get("action").flatMap(ReferralAction.init(rawValue:)) else { throw AppError.notFound }
        var request = request
        let form = try await request.form(context: context)
        // Cancelling ends the loop for both sides: with a reason given, ask once before doing it.
        if action == .cancel, form["confirmed"] != "yes", !(form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let loaded = try await referrals.load(id, by: context.caller, audited: false)
            let page = CancelPage(
                recipient: loaded.referral.recipient?.displayName ?? "\(loaded.organisation?.name ?? "the organisation")'s intake",
                patient: "\(loaded.referral.patient.givenName) \(loaded.referral.patient.familyName)", reason: form["reason"] ?? "",
                action: SiteURL.referralAction(id, .cancel).path, backPath: SiteURL.referral(id).path)
            return views.page("referrals/cancel-confirm", title: "Cancel this referral?", page, request: request, context: context)
        }
        do {
            try await referrals.act(action, on: id, fields: form.dictionary, by: context.caller)
            // A decline ends the recipient's part in the loop: the referral is no longer theirs to open.
            return views.redirect(to: action == .decline ? .referrals : .referral(id), flash: Self.confirmation(action))
        } catch AppError.invalid(let errors) {
            // What was typed comes back into the form it was typed in.
            var values = form.dictionary
            values["_action"] = action.rawValue
            return try await render(id, form: FormState(values: values, errors: errors), status: .unprocessableContent, request: request, context: context)
        }
    }

    struct CancelPage: Sendable {
        let recipient: String
        let patient: String
        let reason: String
        let action: String
        let backPath: String
    }

    static func confirmation(_ action: ReferralAction) -> String {
        switch action {
        case .send: "Referral sent."
        case .accept: "Accepted. The referrer has your acknowledgement, and you are on the patient's care team."
        case .decline: "Declined. The referrer has been told why."
        case .schedule: "First appointment recorded."
        case .startCare: "Recorded: the patient is in care."
        case .progress: "Progress update sent."
        case .discharge: "Discharge recorded. The closing summary is now due."
        case .close: "Loop closed. The referrer has your closing summary."
        case .cancel: "Referral cancelled."
        case .receive, .expire: ""
        }
    }

    @Sendable func letter(_ request: Request, context: ClinicianContext) async throws -> Response {
        let id = try context.uuid("id")
        let loaded = try await referrals.load(id, by: context.caller)
        let referral = loaded.referral
        let recipientName = referral.recipient?.displayName ?? "\(loaded.organisation?.name ?? "Organisation") intake"
        let page: LetterPage
        if let noteParameter = context.parameters.get("note") {
            guard let noteID = UUID(uuidString: noteParameter), let record = loaded.notes.first(where: { $0.id == noteID }),
                  let note = record.note
            else { throw AppError.notFound }
            page = LetterPage(
                note, kind: note.kind, from: record.author.displayName, to: referral.referrer.displayName, date: record.createdAt,
                patient: referral.patient, backPath: SiteURL.referral(id).path, backLabel: "Back to the referral")
        } else {
            page = LetterPage(
                referral.letterNote, kind: .referral, from: referral.referrer.displayName, to: recipientName, date: referral.sentAt ?? referral.createdAt,
                patient: referral.patient, backPath: SiteURL.referral(id).path, backLabel: "Back to the referral")
        }
        return views.page("letters/letter", title: page.title, page, request: request, context: context)
    }

    /// An administrator chases an overdue referral from the report; back to the same report.
    @Sendable func chase(_ request: Request, context: ClinicianContext) async throws -> Response {
        let id = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        let back = SiteURL.referralReport.path + (form["organisation"].flatMap(UUID.init(uuidString:)).map { "?organisation=\($0.uuidString.lowercased())" } ?? "")
        do {
            let asked = try await referrals.chase(id, by: context.caller)
            return views.redirect(
                to: back, flash: "Referral \(ReferralReference.short(id)): \(asked == 1 ? "its recipient has" : "its \(asked) recipients have") been asked to answer it.")
        } catch AppError.conflict(let message) {
            return views.redirect(to: back, flash: message)
        }
    }

    @Sendable func report(_ request: Request, context: ClinicianContext) async throws -> Response {
        let identity = context.identity
        let query = try request.queryForm.dictionary
        let administered = try await organisations.all().map(\.0).filter { identity.actor.mayAdminister(organisation: $0.id!) }
        guard let first = administered.first else { throw AppError.forbidden }
        let chosen = query["organisation"].flatMap(UUID.init(uuidString:)) ?? first.id!
        guard let organisation = administered.first(where: { $0.id == chosen }) else { throw AppError.forbidden }
        let zone = organisation.calendar.timeZone
        let today = DateOnly.of(clock.now(), in: zone)
        let defaultFrom = DateOnly.of(clock.now().addingTimeInterval(-90 * 86400), in: zone)
        var errors: [String] = []
        let from = query["from"].map { DateOnly($0) } ?? defaultFrom
        let to = query["to"].map { DateOnly($0) } ?? today
        if from == nil || to == nil { errors.append("Dates must be written YYYY-MM-DD.") }
        let start = (from ?? defaultFrom).start(in: zone), end = (to ?? today).start(in: zone).addingTimeInterval(86400)
        if start >= end { errors.append("The period must start before it ends.") }
        let caller = context.caller
        let report = try await worklists.report(for: chosen, from: start, to: max(end, start), by: identity.actor)
        let overdue = WorklistSection(try await worklists.overdue(for: chosen, by: caller))
        let overdueLines = ReferralReportPage.overdue(overdue, organisation: chosen)
        let chart = BarChart.svg(
            title: "Median hours to acknowledge, per clinician",
            bars: report.byClinician.map { ($0.name, $0.metrics.medianHoursToAcknowledge ?? 0, ReferralReportPage.hours($0.metrics.medianHoursToAcknowledge)) })
        let page = ReferralReportPage(
            organisation: organisation.name,
            organisations: administered.map { Choice(value: $0.id!.uuidString.lowercased(), label: $0.name, selected: $0.id == chosen) },
            from: (from ?? defaultFrom).description, to: (to ?? today).description,
            total: ReferralReportPage.row("All referrals", report.organisation),
            rows: report.byClinician.map { ReferralReportPage.row($0.name, $0.metrics) }, chart: chart, overdue: overdueLines,
            hiddenOverdue: overdue.hidden, errors: errors)
        return views.page("referrals/referral-report", title: "Referral loops", page, request: request, context: context, status: errors.isEmpty ? .ok : .badRequest)
    }
}
