import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Letter pages: the patient's letters the caller wrote or received, writing one (the template's
/// sections with their guidance), and the printable letter.
struct LettersController: Sendable {
    let views: Views
    let letters: LetterService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(SiteURL.patientLetters(.placeholder), use: list)
        routes.clinicians.post(SiteURL.patientLetters(.placeholder), use: send)
        routes.clinicians.get(SiteURL.newLetter(.placeholder), use: new)
        routes.clinicians.get(SiteURL.letter(.placeholder), use: show)
        routes.clinicians.post(SiteURL.letterRelease(.placeholder), use: release)
        routes.signedIn.get(SiteURL.portalLetter(.placeholder), use: showToPatient)
    }

    struct ListPage: Sendable {
        struct Row: Sendable {
            let title: String
            let between: String
            let when: String
            let state: String
            let href: String
        }

        let patient: String
        let rows: [Row]
        let hasRows: Bool
        let newPath: String
        let backPath: String
    }

    @Sendable func list(_ request: Request, context: ClinicianContext) async throws -> Response {
        let patientID = try context.uuid("id")
        let composing = try await letters.composing(for: patientID, by: context.caller)
        let rows = try await letters.letters(of: patientID, by: context.caller).map { record in
            let kind = LetterKind(rawValue: record.kind)?.label ?? record.kind
            let mine = record.$author.id == context.caller.userID
            return ListPage.Row(
                title: kind, between: mine ? "To \(record.recipient.displayName)" : "From \(record.author.displayName)",
                when: DisplayDate.dateTime(record.createdAt), state: record.readAt == nil ? (mine ? "Not opened yet" : "New") : "Opened",
                href: SiteURL.letter(record.id!).path)
        }
        let patient = composing.patient
        let page = ListPage(
            patient: "\(patient.givenName) \(patient.familyName)", rows: rows, hasRows: !rows.isEmpty, newPath: SiteURL.newLetter(patientID).path,
            backPath: SiteURL.patient(patientID).path)
        return views.page("letters/letters", title: "Letters about \(page.patient)", page, request: request, context: context)
    }

    private func form(
        _ patientID: UUID, kind rawKind: String?, values: [String: String] = [:], errors: ValidationErrors = .init(), status: HTTPResponse.Status = .ok,
        request: Request, context: ClinicianContext
    ) async throws -> Response {
        let composing = try await letters.composing(for: patientID, by: context.caller)
        let kind = rawKind.flatMap(LetterKind.init(rawValue:)).flatMap { LetterKind.standalone.contains($0) ? $0 : nil } ?? .clinicalUpdate
        let state = FormState(values: values, errors: errors)
        let patient = composing.patient
        let page = LetterFormPage(
            patient: "\(patient.givenName) \(patient.familyName)",
            kinds: LetterKind.standalone.map { Choice(value: $0.rawValue, label: $0.label, selected: $0 == kind) },
            kindLinks: LetterKind.standalone.map { Choice(value: SiteURL.newLetter(patientID).path + "?kind=\($0.rawValue)", label: $0.label, selected: $0 == kind) },
            kind: kind.rawValue, kindLabel: kind.label,
            recipients: composing.recipients.map { Choice(value: $0.id!.uuidString.lowercased(), label: $0.displayName, selected: values["recipientID"]?.lowercased() == $0.id!.uuidString.lowercased()) },
            hasRecipients: !composing.recipients.isEmpty,
            fields: LetterFormPage.Field.all(kind, values: { values[$0] }, errors: state.errors),
            form: state, action: SiteURL.patientLetters(patientID).path, backPath: SiteURL.patientLetters(patientID).path)
        return views.page("letters/letter-new", title: "Write a \(kind.label.lowercased())", page, request: request, context: context, status: status)
    }

    @Sendable func new(_ request: Request, context: ClinicianContext) async throws -> Response {
        try await form(try context.uuid("id"), kind: try request.queryForm["kind"], request: request, context: context)
    }

    @Sendable func send(_ request: Request, context: ClinicianContext) async throws -> Response {
        let patientID = try context.uuid("id")
        var request = request
        let fields = try await request.form(context: context).dictionary
        let draft = LetterService.Draft(kind: fields["kind"], recipientID: fields["recipientID"], sections: fields)
        do {
            let record = try await letters.send(draft, about: patientID, by: context.caller)
            return views.redirect(to: .letter(record.id!), flash: "Letter sent to \(record.recipient.displayName).")
        } catch AppError.invalid(let errors) {
            return try await form(patientID, kind: fields["kind"], values: fields, errors: errors, status: .unprocessableContent, request: request, context: context)
        }
    }

    @Sendable func show(_ request: Request, context: ClinicianContext) async throws -> Response {
        let opened = try await letters.open(try context.uuid("id"), by: context.caller)
        let record = opened.record
        var page = LetterPage(
            opened.letter, kind: opened.kind, from: record.author.displayName, to: record.recipient.displayName, date: record.createdAt,
            patient: record.patient, backPath: SiteURL.patientLetters(record.$patient.id).path, backLabel: "All letters about this patient")
        page.shared = record.releasedAt.map { "Shared with the patient on \(DisplayDate.day($0)): they read it in their portal." }
        page.sharePath = record.$author.id == context.caller.userID && record.releasedAt == nil ? SiteURL.letterRelease(record.id!).path : nil
        return views.page("letters/letter", title: page.title, page, request: request, context: context)
    }

    @Sendable func release(_ request: Request, context: ClinicianContext) async throws -> Response {
        let id = try context.uuid("id")
        do {
            _ = try await letters.release(id, by: context.caller)
            return views.redirect(to: .letter(id), flash: "Shared with the patient: they can read it in their portal.")
        } catch AppError.conflict(let message) {
            return views.redirect(to: .letter(id), flash: message)
        }
    }

    /// A letter shared with the patient, in their portal.
    @Sendable func showToPatient(_ request: Request, context: SignedInContext) async throws -> Response {
        let opened = try await letters.openReleased(try context.uuid("id"), by: context.caller)
        let record = opened.record
        let page = LetterPage(
            opened.letter, kind: opened.kind, from: record.author.displayName, to: record.recipient.displayName, date: record.createdAt,
            patient: record.patient, backPath: SiteURL.portal.path, backLabel: "Back to my care")
        return views.page("letters/letter", title: page.title, page, request: request, context: context)
    }
}
