import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Measurement pages: the patient's scores, charts, alerts and questionnaire requests for the
/// team; a questionnaire entered by a clinician; a questionnaire completed by the patient in the
/// portal (one question per screen at phone width), with crisis resources straight after an
/// answer above 0 on PHQ-9 item 9; and acknowledging an alert.
struct MeasurementController: Sendable {
    let views: Views
    let measurement: MeasurementService
    let patients: PatientService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(SiteURL.patientMeasures(.placeholder), use: measuresPage)
        routes.clinicians.post(SiteURL.patientMeasures(.placeholder), use: requestQuestionnaire)
        routes.clinicians.get(SiteURL.newMeasure(.placeholder), use: enterPage)
        routes.clinicians.post(SiteURL.newMeasure(.placeholder), use: enter)
        routes.signedIn.get(SiteURL.portalQuestionnaire(.placeholder), use: portalQuestionnaire)
        routes.signedIn.post(SiteURL.portalQuestionnaire(.placeholder), use: portalSubmit)
        routes.clinicians.post(SiteURL.flagAcknowledge(.placeholder), use: acknowledge)
    }

    struct MeasuresPage: Sendable {
        struct ResponseLine: Sendable {
            let date: String
            let instrument: String
            let total: Int
            let band: String
            let by: String
        }

        struct FlagLine: Sendable {
            let label: String
            let meaning: String
            let raised: String
            let open: Bool
            let acknowledged: String?
            let note: String?
            let path: String
        }

        struct RequestLine: Sendable {
            let instrument: String
            let due: String
            let repeats: String?
            let enterPath: String
        }

        let heading: String
        let backPath: String
        let charts: [ScoreChart]
        let hasCharts: Bool
        let responses: [ResponseLine]
        let hasResponses: Bool
        let flags: [FlagLine]
        let hasFlags: Bool
        let requests: [RequestLine]
        let hasRequests: Bool
        let mayWrite: Bool
        let instruments: [Choice]
        let action: String
        let enterPath: String
        let form: FormState
        let secondOpinionPath: String
        let referPath: String
    }

    private func measuresPage(_ patientID: UUID, form: FormState = .empty, status: HTTPResponse.Status = .ok, request: Request, context: ClinicianContext) async throws -> Response {
        let found = try await measurement.measures(of: patientID, by: context.caller)
        let patient = found.patient
        let charts = InstrumentKind.allCases.compactMap { kind -> ScoreChart? in
            let responses = found.responses.filter { $0.kind == kind }
            return responses.isEmpty ? nil : ScoreChart(kind, responses: responses)
        }
        let page = MeasuresPage(
            heading: "Measures for \(patient.givenName) \(patient.familyName)", backPath: SiteURL.patient(patientID).path,
            charts: charts, hasCharts: !charts.isEmpty,
            responses: found.responses.reversed().map {
                .init(date: DisplayDate.dateTime($0.completedAt), instrument: $0.kind.instrument.title, total: $0.total, band: $0.band,
                      by: $0.onBehalf ? "Entered by \($0.enteredBy.displayName)" : "The patient")
            },
            hasResponses: !found.responses.isEmpty,
            flags: found.flags.map { flag in
                .init(label: flag.flagKind.label, meaning: flag.flagKind.meaning, raised: DisplayDate.dateTime(flag.createdAt), open: flag.acknowledgedAt == nil,
                      acknowledged: flag.acknowledgedAt.map { "Acknowledged by \(flag.acknowledgedBy?.displayName ?? "a colleague") on \(DisplayDate.dateTime($0))" },
                      note: flag.note, path: SiteURL.flagAcknowledge(flag.id!).path)
            },
            hasFlags: !found.flags.isEmpty,
            requests: found.requests.map {
                .init(instrument: $0.kind.instrument.title, due: DisplayDate.day($0.dueAt), repeats: $0.repeatDays.map { "every \($0) days" },
                      enterPath: SiteURL.newMeasure(patientID).path + "?request=\($0.id!.uuidString.lowercased())")
            },
            hasRequests: !found.requests.isEmpty, mayWrite: found.mayWrite,
            instruments: InstrumentKind.allCases.map { Choice(value: $0.rawValue, label: $0.instrument.title, selected: form.values["instrument"] == $0.rawValue) },
            action: SiteURL.patientMeasures(patientID).path, enterPath: SiteURL.newMeasure(patientID).path, form: form,
            secondOpinionPath: SiteURL.patientConsultations(patientID).path, referPath: SiteURL.newReferral.path + "?patient=\(patientID.uuidString.lowercased())")
        return views.page("measurement/measures", title: page.heading, page, request: request, context: context, status: status)
    }

    @Sendable func measuresPage(_ request: Request, context: ClinicianContext) async throws -> Response {
        try await measuresPage(try context.uuid("id"), request: request, context: context)
    }

    @Sendable func requestQuestionnaire(_ request: Request, context: ClinicianContext) async throws -> Response {
        let patientID = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        do {
            let asked = try await measurement.request(
                .init(instrument: form["instrument"], dueInDays: form["dueInDays"], repeatDays: form["repeatDays"]), for: patientID, by: context.caller)
            return views.redirect(to: .patientMeasures(patientID), flash: "Asked for the \(asked.kind.instrument.title), due \(DisplayDate.day(asked.dueAt)).")
        } catch AppError.invalid(let errors) {
            return try await measuresPage(patientID, form: FormState(values: form.dictionary, errors: errors), status: .unprocessableContent, request: request, context: context)
        }
    }

    /// A questionnaire form: for the patient in the portal, or for a clinician entering answers.
    struct QuestionnairePage: Sendable {
        struct Question: Sendable {
            struct Option: Sendable {
                let id: String
                let value: Int
                let label: String
                let checked: Bool
            }

            let key: String
            let number: String
            let text: String
            let options: [Option]
            let optional: Bool
            let error: String?
        }

        let heading: String
        let intro: String?
        let stem: String
        let questions: [Question]
        let action: String
        let requestID: String?
        let instrument: String
        let form: FormState
        let backPath: String
        let chooser: [Choice]
        let hasChooser: Bool
    }

    static func questionnaire(
        _ kind: InstrumentKind, heading: String, intro: String?, action: String, requestID: UUID?, form: FormState, backPath: String, chooser: [Choice] = []
    ) -> QuestionnairePage {
        let instrument = kind.instrument
        let count = instrument.items.count
        return QuestionnairePage(
            heading: heading, intro: intro, stem: instrument.stem,
            questions: instrument.items.enumerated().map { index, item in
                .init(
                    key: item.key, number: "Question \(index + 1) of \(count)", text: item.text,
                    options: item.options.map { .init(id: "q\(item.key)-\($0.value)", value: $0.value, label: $0.label, checked: form.values[item.key] == String($0.value)) },
                    optional: !item.required || item.key == MDQ.sameTimeKey || item.key == MDQ.problemKey, error: form.errors[item.key])
            },
            action: action, requestID: requestID?.uuidString.lowercased(), instrument: kind.rawValue, form: form, backPath: backPath,
            chooser: chooser, hasChooser: !chooser.isEmpty)
    }

    private func enterPage(_ patientID: UUID, kind: InstrumentKind, requestID: UUID?, form: FormState = .empty, status: HTTPResponse.Status = .ok,
                           request: Request, context: ClinicianContext) async throws -> Response {
        let found = try await measurement.measures(of: patientID, by: context.caller)
        guard found.mayWrite else { throw AppError.forbidden }
        let patient = found.patient
        let page = Self.questionnaire(
            kind, heading: "\(kind.instrument.title) for \(patient.givenName) \(patient.familyName)",
            intro: "Enter the patient's own answers, as they gave them to you; the response is marked as entered by you on their behalf.",
            action: SiteURL.newMeasure(patientID).path, requestID: requestID, form: form, backPath: SiteURL.patientMeasures(patientID).path,
            chooser: requestID == nil ? InstrumentKind.allCases.map { Choice(value: $0.rawValue, label: $0.instrument.title, selected: $0 == kind) } : [])
        return views.page("measurement/questionnaire", title: page.heading, page, request: request, context: context, status: status)
    }

    @Sendable func enterPage(_ request: Request, context: ClinicianContext) async throws -> Response {
        let patientID = try context.uuid("id")
        let requestID = request.uri.queryParameters.get("request").flatMap(UUID.init(uuidString:))
        var kind = request.uri.queryParameters.get("instrument").flatMap(InstrumentKind.init(rawValue:)) ?? .phq9
        if let requestID, let open = try await measurement.measures(of: patientID, by: context.caller).requests.first(where: { $0.id == requestID }) { kind = open.kind }
        return try await enterPage(patientID, kind: kind, requestID: requestID, request: request, context: context)
    }

    @Sendable func enter(_ request: Request, context: ClinicianContext) async throws -> Response {
        let patientID = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context).dictionary
        let requestID = form["requestID"].flatMap(UUID.init(uuidString:))
        let answers = Self.answers(in: form)
        do {
            let submitted = try await measurement.enter(form["instrument"], answers: answers, for: patientID, requestID: requestID, by: context.caller)
            let response = submitted.response
            let alert = submitted.flags.contains(.selfHarmItem) ? " Item 9 was answered above 0: the whole team has been alerted; contact the patient today." : ""
            return views.redirect(to: .patientMeasures(patientID), flash: "Recorded: \(response.kind.instrument.title) \(response.total) (\(response.band)).\(alert)")
        } catch AppError.invalid(let errors) {
            let kind = form["instrument"].flatMap(InstrumentKind.init(rawValue:)) ?? .phq9
            return try await enterPage(patientID, kind: kind, requestID: requestID, form: FormState(values: form, errors: errors), status: .unprocessableContent,
                                       request: request, context: context)
        }
    }

    /// The answers in a submitted questionnaire form: every field but the form's own (`_csrf`, `_once`, …).
    static func answers(in form: [String: String]) -> [String: String] {
        form.filter { !$0.key.hasPrefix("_") && !["instrument", "requestID"].contains($0.key) }
    }

    // MARK: The portal

    struct DonePage: Sendable {
        let heading: String
        let crisis: String?
        let result: String
        let backPath: String
    }

    private func ownPatient(_ context: SignedInContext) async throws -> Patient {
        guard let patient = try await patients.ownRecord(of: context.caller) else { throw AppError.notFound }
        return patient
    }

    private func portalForm(_ id: UUID, form: FormState = .empty, status: HTTPResponse.Status = .ok, request: Request, context: SignedInContext) async throws -> Response {
        let patient = try await ownPatient(context)
        let (asked, response) = try await measurement.ownRequest(id, patient: patient)
        if let response {
            let item9 = response.kind == .phq9 && (response.answerValues["9"] ?? 0) > 0
            let crisis = item9 ? try await measurement.crisisText(for: patient.id!) : nil
            let page = DonePage(
                heading: "Thank you", crisis: crisis,
                result: item9
                    ? "You told us you have had thoughts that you would be better off dead or of hurting yourself. Your care team has been told and someone will contact you. If you are in danger now, do not wait for us."
                    : "Your answers are with your care team. They will go through them with you.",
                backPath: SiteURL.portal.path)
            return views.page("measurement/done", title: page.heading, page, request: request, context: context, status: status)
        }
        guard asked.isOpen else { throw AppError.notFound }
        let page = Self.questionnaire(
            asked.kind, heading: asked.kind.instrument.title,
            intro: "Your care team asked you to complete this by \(DisplayDate.day(asked.dueAt)). It takes a few minutes; there are no right or wrong answers.",
            action: SiteURL.portalQuestionnaire(id).path, requestID: nil, form: form, backPath: SiteURL.portal.path)
        return views.page("measurement/questionnaire", title: page.heading, page, request: request, context: context, status: status)
    }

    @Sendable func portalQuestionnaire(_ request: Request, context: SignedInContext) async throws -> Response {
        try await portalForm(try context.uuid("id"), request: request, context: context)
    }

    @Sendable func portalSubmit(_ request: Request, context: SignedInContext) async throws -> Response {
        let id = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context).dictionary
        let patient = try await ownPatient(context)
        do {
            _ = try await measurement.complete(id, answers: Self.answers(in: form), patient: patient, by: context.caller)
            return views.redirect(to: .portalQuestionnaire(id))
        } catch AppError.invalid(let errors) {
            return try await portalForm(id, form: FormState(values: form, errors: errors), status: .unprocessableContent, request: request, context: context)
        }
    }

    // MARK: Alerts

    @Sendable func acknowledge(_ request: Request, context: ClinicianContext) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let flag = try await measurement.acknowledge(try context.uuid("id"), note: form["note"], by: context.caller)
        return views.redirect(to: .patientMeasures(flag.$patient.id), flash: "Alert acknowledged; the rest of the team has been told.")
    }
}
