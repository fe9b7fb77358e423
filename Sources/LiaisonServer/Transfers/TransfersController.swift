import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Change-of-clinician pages: asking (for the team, and for the patient in the portal), the
/// clinician's transfers, one transfer with the steps its viewer may take (the handoff summary
/// for the clinician handing over, the first visit for the one taking over), and the printable
/// handoff summary.
struct TransfersController: PatientOrTeamForm {
    let views: Views
    let transfers: TransferService
    let patients: PatientService

    func register(on routes: RouteGroups) {
        registerForm(team: .patientTransfers(.placeholder), portal: .portalTransfer, on: routes)
        routes.clinicians.get(SiteURL.transfers, use: mine)
        routes.signedIn.get(SiteURL.transfer(.placeholder), use: show)
        routes.clinicians.get(SiteURL.transferHandoff(.placeholder), use: handoff)
        routes.signedIn.post(SiteURL.transferAction(.placeholder, .accept), use: act)
    }

    struct Row: Sendable {
        let title: String
        let state: String
        let when: String
        let href: String
        /// "Handoff summary owed", for the clinician who owes it.
        let owed: String?

        init(_ transfer: Transfer, patientName: Bool, viewer: UUID? = nil) {
            let names = "\(transfer.outgoing.displayName) → \(transfer.incoming.displayName)"
            let role = transfer.transferRole.noun
            title = patientName
                ? "\(transfer.patient.givenName) \(transfer.patient.familyName): \(role), \(names)"
                : "\(role.prefix(1).uppercased())\(role.dropFirst()): \(names)"
            state = transfer.transferState.label
            when = DisplayDate.day(transfer.createdAt)
            href = SiteURL.transfer(transfer.id!).path
            owed = transfer.handoffOwed && viewer == transfer.$outgoing.id ? "Handoff summary owed" : nil
        }
    }

    struct RequestPage: Sendable {
        struct Option: Sendable {
            let value: String
            let name: String
            let reasons: String
            let checked: Bool
        }

        let heading: String
        let intro: String
        let rows: [Row]
        let hasRows: Bool
        let roles: [Choice]
        let role: String
        let roleHeading: String
        let currentWords: String
        let openPath: String?
        let canAsk: Bool
        let options: [Option]
        let hasOptions: Bool
        let form: FormState
        let action: String
        let backPath: String?
    }

    private func requestPage(
        _ patientID: UUID, portal: Bool, form: FormState = .empty, status: HTTPResponse.Status = .ok, request: Request,
        context: some LiaisonRequestContext, caller: Caller
    ) async throws -> Response {
        let raw = form.values["role"] ?? request.uri.queryParameters.get("role") ?? TransferRole.prescriber.rawValue
        let role = TransferRole(rawValue: raw) ?? .prescriber
        let found = try await transfers.choices(for: patientID, role: role, by: caller)
        let existing = try await transfers.transfers(of: patientID, by: caller)
        let patient = found.patient
        let current = found.current.map { "\($0.user.displayName) is \(portal ? "your" : "the") \(role.noun) now." }
            ?? "There is no \(role.noun) on \(portal ? "your" : "the") care team now, so there is nobody to transfer from."
        let page = RequestPage(
            heading: portal ? "Change clinician" : "Change of clinician for \(patient.givenName) \(patient.familyName)",
            intro: portal
                ? "You can ask to continue your care with another psychiatrist or therapist. Your current clinician stays with you until your first visit with the new one, so you are never without care; you can cancel before then and nothing changes."
                : "Ask for another clinician to take over a role. The clinician handing over is asked for a handoff summary, and stays responsible until the first visit with the new one.",
            rows: existing.map { Row($0, patientName: false) }, hasRows: !existing.isEmpty,
            roles: TransferRole.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == role) },
            role: role.rawValue, roleHeading: "A new \(role.noun)", currentWords: current,
            openPath: found.open.map { SiteURL.transfer($0.id!).path },
            canAsk: found.open == nil && found.current != nil,
            options: found.choices.map {
                .init(value: $0.userID.uuidString.lowercased(), name: $0.name, reasons: $0.reasons.joined(separator: "; "),
                      checked: form.values["incomingID"]?.lowercased() == $0.userID.uuidString.lowercased())
            },
            hasOptions: !found.choices.isEmpty, form: form,
            action: portal ? SiteURL.portalTransfer.path : SiteURL.patientTransfers(patientID).path,
            backPath: portal ? SiteURL.portal.path : SiteURL.patient(patientID).path)
        return views.page("transfers/request", title: page.heading, page, request: request, context: context, status: status)
    }

    func form(_ patientID: UUID, portal: Bool, request: Request, context: some LiaisonRequestContext, caller: Caller) async throws -> Response {
        try await requestPage(patientID, portal: portal, request: request, context: context, caller: caller)
    }

    func submit(_ patientID: UUID, portal: Bool, request: Request, context: some LiaisonRequestContext, caller: Caller) async throws -> Response {
        var request = request
        let form = try await request.form(context: context)
        let input = TransferService.Request(role: form["role"], incomingID: form["incomingID"], reason: form["reason"])
        do {
            let transfer = try await transfers.request(input, for: patientID, by: caller)
            return views.redirect(to: .transfer(transfer.id!), flash: "Change asked for: \(transfer.incoming.displayName) has been asked to take over.")
        } catch AppError.invalid(let errors) {
            return try await requestPage(
                patientID, portal: portal, form: FormState(values: form.dictionary, errors: errors), status: .unprocessableContent,
                request: request, context: context, caller: caller)
        }
    }

    struct MinePage: Sendable {
        let rows: [Row]
        let hasRows: Bool
    }

    @Sendable func mine(_ request: Request, context: ClinicianContext) async throws -> Response {
        let rows = try await transfers.mine(by: context.caller).map { Row($0, patientName: true, viewer: context.caller.userID) }
        return views.page("transfers/mine", title: "Transfers of care", MinePage(rows: rows, hasRows: !rows.isEmpty), request: request, context: context)
    }

    struct TransferPage: Sendable {
        struct Step: Sendable {
            let action: String
            let label: String
            let path: String
            let needsReason: Bool
            let needsDate: Bool
            let danger: Bool
        }

        let heading: String
        let state: String
        let facts: [Choice]
        let reason: String
        let handoffStatus: String?
        let handoff: [Letter.Section]
        let hasHandoff: Bool
        let handoffPath: String
        let steps: [Step]
        let hasSteps: Bool
        let writing: Bool
        let incomingName: String
        let fields: [LetterFormPage.Field]
        let handoffAction: String
        let form: FormState
        let suggestedWords = Letter.suggestedWords
    }

    private func render(_ viewed: TransferService.Viewed, form: FormState = .empty, status: HTTPResponse.Status = .ok, request: Request, context: SignedInContext) -> Response {
        let transfer = viewed.transfer
        let id = transfer.id!
        let state = transfer.transferState
        let role = transfer.transferRole
        let patient = transfer.patient
        let zone = (transfer.organisation?.calendar ?? .standard).timeZone
        var facts = [
            Choice(value: "Role", label: role.label, selected: false),
            Choice(value: "Handing over", label: transfer.outgoing.displayName, selected: false),
            Choice(value: "Taking over", label: transfer.incoming.displayName, selected: false),
            Choice(value: "Asked by", label: transfer.requestedByPatient ? "The patient" : transfer.requester.displayName, selected: false),
            Choice(value: "Asked on", label: DisplayDate.day(transfer.createdAt, in: zone), selected: false),
        ]
        if let due = transfer.answerDueAt, state == .requested { facts.append(Choice(value: "Answer due", label: DisplayDate.dateTime(due, in: zone), selected: false)) }
        if let due = transfer.handoffDueAt, transfer.handoffOwed { facts.append(Choice(value: "Handoff summary due", label: DisplayDate.day(due, in: zone), selected: false)) }
        if let visit = transfer.firstVisitOn { facts.append(Choice(value: "First visit", label: visit, selected: false)) }
        if let ends = transfer.outgoingAccessEndsAt { facts.append(Choice(value: "\(transfer.outgoing.displayName) reads the record until", label: DisplayDate.day(ends, in: zone), selected: false)) }
        if let reason = transfer.endedReason { facts.append(Choice(value: "Reason given", label: reason, selected: false)) }
        let handoffStatus: String? = switch (transfer.handoffWrittenAt, transfer.handoffOwed) {
        case (.some(let written), _): "\(transfer.outgoing.displayName) sent the handoff summary on \(DisplayDate.day(written, in: zone))."
        case (nil, true): "The handoff summary from \(transfer.outgoing.displayName) is awaited."
        default: nil
        }
        let steps = viewed.allowed.filter { $0 != .handoff }.map { action in
            TransferPage.Step(
                action: action.rawValue, label: action.label, path: SiteURL.transferAction(id, action).path,
                needsReason: action == .decline || action == .cancel, needsDate: action == .firstVisit, danger: action == .decline || action == .cancel)
        }
        let page = TransferPage(
            heading: viewed.isPatient ? "Your change of \(role.noun)" : "Change of \(role.noun) for \(patient.givenName) \(patient.familyName)",
            state: state.label, facts: facts, reason: transfer.reason, handoffStatus: handoffStatus,
            handoff: viewed.handoff?.sections ?? [], hasHandoff: viewed.handoff != nil, handoffPath: SiteURL.transferHandoff(id).path,
            steps: steps, hasSteps: !steps.isEmpty, writing: viewed.allowed.contains(.handoff), incomingName: transfer.incoming.displayName,
            fields: LetterFormPage.Field.all(.handoff, values: { form.values[$0] }, errors: form.errors),
            handoffAction: SiteURL.transferAction(id, .handoff).path, form: form)
        return views.page("transfers/transfer", title: page.heading, page, request: request, context: context, status: status)
    }

    @Sendable func show(_ request: Request, context: SignedInContext) async throws -> Response {
        render(try await transfers.view(try context.uuid("id"), by: context.caller), request: request, context: context)
    }

    @Sendable func act(_ request: Request, context: SignedInContext) async throws -> Response {
        let id = try context.uuid("id")
        guard let action = context.parameters.get("action").flatMap(TransferAction.init(rawValue:)) else { throw AppError.notFound }
        var request = request
        let form = try await request.form(context: context).dictionary
        do {
            let transfer = try await transfers.act(action, on: id, fields: form, by: context.caller)
            let flash = switch action {
            case .handoff: "Handoff summary sent to \(transfer.incoming.displayName). Thank you."
            case .firstVisit: "First visit recorded: you are now the patient's \(transfer.transferRole.noun)."
            case .cancel: "Cancelled: nothing has changed in the care team."
            default: "Done: \(action.label.lowercased())."
            }
            return views.redirect(to: .transfer(id), flash: flash)
        } catch AppError.invalid(let errors) {
            return render(try await transfers.view(id, by: context.caller), form: FormState(values: form, errors: errors), status: .unprocessableContent,
                          request: request, context: context)
        }
    }

    @Sendable func handoff(_ request: Request, context: ClinicianContext) async throws -> Response {
        let viewed = try await transfers.view(try context.uuid("id"), by: context.caller)
        let transfer = viewed.transfer
        guard let summary = viewed.handoff else { throw AppError.notFound }
        let page = LetterPage(
            summary, kind: .handoff, from: transfer.outgoing.displayName, to: transfer.incoming.displayName, date: transfer.handoffWrittenAt ?? transfer.updatedAt,
            patient: transfer.patient, backPath: SiteURL.transfer(transfer.id!).path, backLabel: "Back to the transfer")
        return views.page("letters/letter", title: page.title, page, request: request, context: context)
    }
}
