import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Second-opinion pages: asking (for the team, and for the patient in the portal), the
/// clinician's consultations, one consultation with the steps its viewer may take, and the
/// printable report.
struct ConsultationsController: PatientOrTeamForm {
    let views: Views
    let consultations: ConsultationService
    let patients: PatientService

    func register(on routes: RouteGroups) {
        registerForm(team: .patientConsultations(.placeholder), portal: .portalSecondOpinion, on: routes)
        routes.clinicians.get(SiteURL.consultations, use: mine)
        routes.signedIn.get(SiteURL.consultation(.placeholder), use: show)
        routes.signedIn.get(SiteURL.consultationReport(.placeholder), use: report)
        routes.signedIn.post(SiteURL.consultationAction(.placeholder, .accept), use: act)
        routes.signedIn.post(SiteURL.consultationCall(.placeholder, .ask), use: call)
    }

    struct Row: Sendable {
        let title: String
        let state: String
        let when: String
        let href: String

        init(_ consultation: Consultation, patientName: Bool) {
            let who = consultation.consultant.displayName
            title = patientName ? "\(consultation.patient.givenName) \(consultation.patient.familyName), with \(who)" : "Second opinion from \(who)"
            state = consultation.consultationState.label
            when = DisplayDate.dateTime(consultation.createdAt)
            href = SiteURL.consultation(consultation.id!).path
        }
    }

    struct RequestPage: Sendable {
        struct Option: Sendable {
            let value: String
            let name: String
            let stance: String
            let reasons: String
            let checked: Bool
        }

        let heading: String
        let intro: String
        let rows: [Row]
        let hasRows: Bool
        let options: [Option]
        let hasOptions: Bool
        let reasons: [Choice]
        let form: FormState
        let action: String
        let backPath: String?
    }

    private func requestPage(
        _ patientID: UUID, portal: Bool, form: FormState = .empty, chosenReasons: [String] = [], status: HTTPResponse.Status = .ok, request: Request,
        context: some LiaisonRequestContext, caller: Caller
    ) async throws -> Response {
        let (patient, choices) = try await consultations.choices(for: patientID, by: caller)
        let existing = try await consultations.consultations(of: patientID, by: caller)
        let page = RequestPage(
            heading: portal ? "A second opinion" : "Second opinions for \(patient.givenName) \(patient.familyName)",
            intro: portal
                ? "If your treatment is not working for you, you can ask another psychiatrist for a one-time consultation. Their written report goes to you and to your psychiatrist at the same moment. Your care team will see that you asked."
                : "Ask a consultant for a second opinion: say what is not working. The consultant reads the record while the consultation runs; the report reaches the patient and the treating psychiatrist at the same moment.",
            rows: existing.map { Row($0, patientName: false) }, hasRows: !existing.isEmpty,
            options: choices.map {
                .init(value: $0.userID.uuidString.lowercased(), name: $0.name, stance: $0.stance, reasons: $0.reasons.joined(separator: "; "),
                      checked: form.values["consultantID"]?.lowercased() == $0.userID.uuidString.lowercased())
            },
            hasOptions: !choices.isEmpty,
            reasons: ConsultationReason.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: chosenReasons.contains($0.rawValue)) },
            form: form, action: portal ? SiteURL.portalSecondOpinion.path : SiteURL.patientConsultations(patientID).path,
            backPath: portal ? SiteURL.portal.path : SiteURL.patient(patientID).path)
        return views.page("consultations/request", title: page.heading, page, request: request, context: context, status: status)
    }

    func form(_ patientID: UUID, portal: Bool, request: Request, context: some LiaisonRequestContext, caller: Caller) async throws -> Response {
        try await requestPage(patientID, portal: portal, request: request, context: context, caller: caller)
    }

    func submit(_ patientID: UUID, portal: Bool, request: Request, context: some LiaisonRequestContext, caller: Caller) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let input = ConsultationService.Request(consultantID: form["consultantID"], reasons: form.all("reasons"), concerns: form["concerns"])
        do {
            let consultation = try await consultations.request(input, for: patientID, by: caller)
            return views.redirect(to: .consultation(consultation.id!), flash: "Second opinion requested from \(consultation.consultant.displayName).")
        } catch AppError.invalid(let errors) {
            return try await requestPage(
                patientID, portal: portal, form: FormState(values: form.dictionary, errors: errors), chosenReasons: form.all("reasons"),
                status: .unprocessableContent, request: request, context: context, caller: caller)
        }
    }

    struct MinePage: Sendable {
        let rows: [Row]
        let hasRows: Bool
    }

    @Sendable func mine(_ request: Request, context: ClinicianContext) async throws -> Response {
        let rows = try await consultations.mine(by: context.caller).map { Row($0, patientName: true) }
        return views.page("consultations/mine", title: "Second opinions", MinePage(rows: rows, hasRows: !rows.isEmpty), request: request, context: context)
    }

    struct ConsultationPage: Sendable {
        struct Step: Sendable {
            let action: String
            let label: String
            let path: String
            let needsReason: Bool
            let needsDate: Bool
            let danger: Bool
            var needsTimes = false
        }

        let heading: String
        let state: String
        let facts: [Choice]
        let concerns: String
        let steps: [Step]
        let hasSteps: Bool
        let isConsultant: Bool
        let writing: Bool
        let fields: [LetterFormPage.Field]
        let draftPath: String
        let releasePath: String
        let reportPath: String?
        let report: [Letter.Section]
        let hasReport: Bool
        let waitingForReport: Bool
        let form: FormState
        let suggestedWords = Letter.suggestedWords
        /// The call after the report: where it stands, the times offered, and the steps open now.
        let call: String?
        let callTimes: String?
        let callSteps: [Step]
    }

    private func render(_ viewed: ConsultationService.Viewed, form: FormState = .empty, status: HTTPResponse.Status = .ok, request: Request, context: SignedInContext) -> Response {
        let consultation = viewed.consultation
        let id = consultation.id!
        let state = consultation.consultationState
        let isConsultant = viewed.side == .consultant
        let writing = isConsultant && [.scheduled, .drafted].contains(state)
        let draft = consultation.reportLetter
        let patient = consultation.patient
        var facts = [
            Choice(value: "Consultant", label: consultation.consultant.displayName, selected: false),
            Choice(value: "Asked by", label: consultation.requestedByPatient ? "The patient" : consultation.requester.displayName, selected: false),
            Choice(value: "Asked on", label: DisplayDate.dateTime(consultation.createdAt), selected: false),
            Choice(value: "What is not working", label: consultation.reasonList.map(\.label).joined(separator: ", "), selected: false),
        ]
        if let due = consultation.answerDueAt, state == .requested { facts.append(Choice(value: "Answer due", label: DisplayDate.dateTime(due), selected: false)) }
        if let appointment = consultation.appointmentAt { facts.append(Choice(value: "Appointment", label: DisplayDate.day(appointment, in: consultation.organisation?.calendar.timeZone ?? .gmt), selected: false)) }
        if let reason = consultation.endedReason { facts.append(Choice(value: "Reason given", label: reason, selected: false)) }
        let steps = viewed.allowed.filter { ![.draft, .release].contains($0) }.map { action in
            ConsultationPage.Step(
                action: action.rawValue, label: action.label, path: SiteURL.consultationAction(id, action).path,
                needsReason: action == .decline || action == .cancel, needsDate: action == .schedule, danger: action == .decline || action == .cancel)
        }
        let page = ConsultationPage(
            heading: viewed.isPatient ? "Your second opinion" : "Second opinion for \(patient.givenName) \(patient.familyName)",
            state: state.label, facts: facts, concerns: consultation.concerns, steps: steps, hasSteps: !steps.isEmpty, isConsultant: isConsultant,
            writing: writing,
            fields: LetterFormPage.Field.all(.consultationReport, values: { form.values[$0] ?? draft?.text($0) }, errors: form.errors),
            draftPath: SiteURL.consultationAction(id, .draft).path, releasePath: SiteURL.consultationAction(id, .release).path,
            reportPath: viewed.report == nil ? nil : SiteURL.consultationReport(id).path,
            report: viewed.report?.sections ?? [], hasReport: viewed.report != nil && !isConsultant,
            waitingForReport: !isConsultant && !state.reportReleased && !state.isFinished, form: form,
            call: state.reportReleased ? consultation.call.label : nil, callTimes: consultation.callTimes,
            callSteps: viewed.isPatient ? [] : CallLoop.allowedSteps(in: consultation.call, reportReleased: state.reportReleased, consultant: isConsultant).map {
                .init(action: $0.rawValue, label: $0.label, path: SiteURL.consultationCall(id, $0).path, needsReason: false, needsDate: false, danger: false,
                      needsTimes: $0 == .offer)
            })
        return views.page("consultations/consultation", title: page.heading, page, request: request, context: context, status: status)
    }

    @Sendable func show(_ request: Request, context: SignedInContext) async throws -> Response {
        render(try await consultations.view(try context.uuid("id"), by: context.caller), request: request, context: context)
    }

    @Sendable func act(_ request: Request, context: SignedInContext) async throws -> Response {
        let id = try context.uuid("id")
        guard let action = context.parameters.get("action").flatMap(ConsultationAction.init(rawValue:)) else { throw AppError.notFound }
        var request = request
        let form = try await request.form(context: context).dictionary
        do {
            try await consultations.act(action, on: id, fields: form, by: context.caller)
            let flash = switch action {
            case .draft: "Draft saved. Only you can see it until you release it."
            case .release: "Report released: the patient and the treating psychiatrist have it now."
            default: "Done: \(action.label.lowercased())."
            }
            return views.redirect(to: .consultation(id), flash: flash)
        } catch AppError.invalid(let errors) {
            return render(try await consultations.view(id, by: context.caller), form: FormState(values: form, errors: errors), status: .unprocessableContent,
                          request: request, context: context)
        }
    }

    @Sendable func call(_ request: Request, context: SignedInContext) async throws -> Response {
        let id = try context.uuid("id")
        guard let step = context.parameters.get("step").flatMap(CallStep.init(rawValue:)) else { throw AppError.notFound }
        var request = request
        let form = try await request.form(context: context).dictionary
        do {
            try await consultations.call(step, on: id, times: form["times"], by: context.caller)
            return views.redirect(to: .consultation(id), flash: "Done: \(step.label.lowercased()).")
        } catch AppError.invalid(let errors) {
            return render(try await consultations.view(id, by: context.caller), form: FormState(values: form, errors: errors), status: .unprocessableContent,
                          request: request, context: context)
        }
    }

    @Sendable func report(_ request: Request, context: SignedInContext) async throws -> Response {
        let viewed = try await consultations.view(try context.uuid("id"), by: context.caller)
        let consultation = viewed.consultation
        guard let report = viewed.report, consultation.consultationState.reportReleased || viewed.side == .consultant else { throw AppError.notFound }
        let page = LetterPage(
            report, kind: .consultationReport, from: consultation.consultant.displayName,
            to: "\(consultation.patient.givenName) \(consultation.patient.familyName) and the treating psychiatrist", date: consultation.releasedAt ?? consultation.updatedAt,
            patient: consultation.patient, backPath: SiteURL.consultation(consultation.id!).path, backLabel: "Back to the consultation")
        return views.page("letters/letter", title: page.title, page, request: request, context: context)
    }
}
