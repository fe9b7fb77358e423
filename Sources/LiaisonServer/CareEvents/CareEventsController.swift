import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Care-event pages: a patient's events with the treating team's contacts (the page an
/// emergency clinician uses to call the treating psychiatrist), recording one, the steps on one,
/// and the caller's events to acknowledge and visits owed after discharges.
struct CareEventsController: Sendable {
    let views: Views
    let events: CareEventService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(SiteURL.careEvents, use: worklist)
        routes.clinicians.get(SiteURL.patientCareEvents(.placeholder), use: patientEvents)
        routes.clinicians.post(SiteURL.patientCareEvents(.placeholder), use: record)
        routes.clinicians.post(SiteURL.careEventStep(.placeholder, .acknowledge), use: step)
    }

    struct EventLine: Sendable {
        let kind: String
        let urgent: Bool
        let when: String
        let facility: String
        let visitNumber: String?
        let details: String?
        let source: String
        let recorded: String
        let open: Bool
        let acknowledged: String?
        let acknowledgement: String?
        let cancelled: String?
        let escalation: String?
        let followUp: String?
        let followUpOwed: Bool
        let overdue: Bool
        let acknowledgePath: String
        let cancelPath: String
        let followUpPath: String
        let id: String
        /// What the page's element ids are made from: unique on a page that shows one event twice
        /// (the worklist lists an unacknowledged discharge under both headings).
        var domID: String
    }

    static func line(_ event: CareEvent, zone: TimeZone, now: Date) -> EventLine {
        let id = event.id!
        var escalation: String?
        if event.awaitsAcknowledgement, let team = event.escalateTeamAt {
            escalation = event.teamEscalatedAt == nil
                ? "To acknowledge by \(DisplayDate.dateTime(team, in: zone, named: true)); then the whole team is told again."
                : "Not acknowledged in time: the whole team was told again\(event.administratorsEscalatedAt == nil ? "" : ", and the administrators")."
        }
        var followUp: String?
        if let due = event.followUpDueAt {
            followUp = event.followUpDoneAt.map { "Visit after discharge done \(DisplayDate.day($0, in: zone))." }
                ?? "A visit is owed by \(DisplayDate.day(due, in: zone))\(due < now ? " (overdue)" : "")."
        }
        return EventLine(
            kind: event.eventKind.label, urgent: event.eventKind.isUrgent, when: DisplayDate.dateTime(event.occurredAt, in: zone, named: true),
            facility: event.facility, visitNumber: event.visitNumber, details: event.details.nilIfEmpty,
            source: event.eventSource == .feed ? "From the hospital's feed" : "\(event.eventSource.label): \(event.recordedBy?.displayName ?? "")",
            recorded: DisplayDate.dateTime(event.recordedAt, in: zone, named: true), open: event.awaitsAcknowledgement,
            acknowledged: event.acknowledgedAt.map { "Acknowledged by \(event.acknowledgedBy?.displayName ?? "a colleague"), \(DisplayDate.dateTime($0, in: zone, named: true))" },
            acknowledgement: event.acknowledgement, cancelled: event.cancelledAt.map { "Cancelled \(DisplayDate.dateTime($0, in: zone, named: true)): \(event.cancelReason ?? "")" },
            escalation: escalation, followUp: followUp, followUpOwed: event.followUpOwed, overdue: event.followUpOwed && (event.followUpDueAt ?? now) < now,
            acknowledgePath: SiteURL.careEventStep(id, .acknowledge).path, cancelPath: SiteURL.careEventStep(id, .cancel).path,
            followUpPath: SiteURL.careEventStep(id, .followUpDone).path, id: id.uuidString.lowercased(), domID: id.uuidString.lowercased())
    }

    struct EventsPage: Sendable {
        struct Contact: Sendable {
            let name: String
            let role: String
            let phone: String?
            let email: String?
            let hours: String?
            let profilePath: String
        }

        let heading: String
        let backPath: String
        let isEmergency: Bool
        let contacts: [Contact]
        let events: [EventLine]
        let hasEvents: Bool
        let mayWrite: Bool
        let kinds: [Choice]
        let action: String
        let zoneName: String
        let form: FormState
    }

    private func eventsPage(_ patientID: UUID, form: FormState = .empty, status: HTTPResponse.Status = .ok, request: Request, context: ClinicianContext) async throws -> Response {
        let found = try await events.events(of: patientID, by: context.caller)
        let patient = found.patient
        let now = events.clock.now()
        let isEmergency = if case .emergency = found.access { true } else { false }
        let page = EventsPage(
            heading: "Care events for \(patient.givenName) \(patient.familyName)", backPath: SiteURL.patient(patientID).path, isEmergency: isEmergency,
            contacts: found.contacts.map { contact in
                let profile = contact.profile
                return .init(
                    name: contact.member.user.displayName,
                    role: contact.member.isResponsiblePrescriber ? "Responsible prescriber" : (CareTeamRole(rawValue: contact.member.role) ?? .other).label,
                    phone: profile?.contactPhone.nilIfEmpty, email: profile?.contactEmail.nilIfEmpty, hours: profile?.contactHours.nilIfEmpty,
                    profilePath: SiteURL.clinician(contact.member.$user.id).path)
            },
            events: found.events.map { Self.line($0, zone: found.zone, now: now) }, hasEvents: !found.events.isEmpty, mayWrite: found.access.mayWrite,
            kinds: Choice.all(CareEventKind.self, selected: form.values["kind"] ?? CareEventKind.emergencyVisit.rawValue),
            action: SiteURL.patientCareEvents(patientID).path, zoneName: found.zone.identifier, form: form)
        return views.page("careevents/events", title: page.heading, page, request: request, context: context, status: status)
    }

    @Sendable func patientEvents(_ request: Request, context: ClinicianContext) async throws -> Response {
        try await eventsPage(try context.uuid("id"), request: request, context: context)
    }

    @Sendable func record(_ request: Request, context: ClinicianContext) async throws -> Response {
        let patientID = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        do {
            let input = CareEventService.Input(
                kind: form["kind"], occurredAt: form["occurredAt"], facility: form["facility"], visitNumber: form["visitNumber"], details: form["details"])
            let recorded = try await events.record(input, for: patientID, by: context.caller, source: .person)
            return views.redirect(to: .patientCareEvents(patientID), flash: "\(recorded.event.eventKind.label) recorded; the whole care team has been told.")
        } catch AppError.invalid(let errors) {
            return try await eventsPage(patientID, form: FormState(values: form.dictionary, errors: errors), status: .unprocessableContent, request: request, context: context)
        }
    }

    @Sendable func step(_ request: Request, context: ClinicianContext) async throws -> Response {
        let id = try context.uuid("id")
        guard let step = context.parameters.get("step").flatMap(CareEventStep.init(rawValue:)) else { throw AppError.notFound }
        var request = request
        let form = try await request.form(context: context)
        do {
            let event: CareEvent
            let flash: String
            switch step {
            case .acknowledge:
                event = try await events.acknowledge(id, note: form["note"], by: context.caller)
                flash = "Acknowledged; the rest of the team has been told."
            case .cancel:
                event = try await events.cancel(id, reason: form["reason"], by: context.caller)
                flash = "Event cancelled; the team has been told."
            case .followUpDone:
                event = try await events.followUpDone(id, by: context.caller)
                flash = "Visit after discharge recorded."
            }
            let back = form["back"] == "worklist" ? SiteURL.careEvents : SiteURL.patientCareEvents(event.$patient.id)
            return views.redirect(to: back, flash: flash)
        } catch AppError.invalid(let errors) {
            return views.redirect(to: .careEvents, flash: errors.problems.first?.message ?? "Check the form.")
        }
    }

    struct WorklistPage: Sendable {
        struct Line: Sendable {
            let patient: String
            let event: EventLine
            let href: String
        }

        let toAcknowledge: [Line]
        let followUps: [Line]
        let hasAcknowledge: Bool
        let hasFollowUps: Bool
        /// Only the caller's own patients are listed, so the steps can be taken from here.
        let mayWrite = true
        let back = "worklist"
    }

    @Sendable func worklist(_ request: Request, context: ClinicianContext) async throws -> Response {
        let zone = try await events.zone(of: context.caller)
        let now = events.clock.now()
        func lines(_ found: [CareEvent], section: String) -> [WorklistPage.Line] {
            found.map {
                var event = Self.line($0, zone: zone, now: now)
                event.domID = section + "-" + event.id
                return .init(patient: "\($0.patient.givenName) \($0.patient.familyName)", event: event, href: SiteURL.patientCareEvents($0.$patient.id).path)
            }
        }
        let open = lines(try await events.toAcknowledge(by: context.caller), section: "acknowledge")
        let owed = lines(try await events.followUpsOwed(by: context.caller), section: "follow-up")
        let page = WorklistPage(toAcknowledge: open, followUps: owed, hasAcknowledge: !open.isEmpty, hasFollowUps: !owed.isEmpty)
        return views.page("careevents/worklist", title: "Care events", page, request: request, context: context)
    }
}
