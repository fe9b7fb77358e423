import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Care events: what happened to a patient outside the team's sight (an emergency visit, an
/// admission, a discharge), told to the whole care team at once. Recorded by a team member, by
/// an emergency clinician seeing the patient, by another system through the API, or read from a
/// hospital's ADT feed (`HospitalFeedService`). Urgent kinds must be acknowledged within the
/// organisation's hours or the sweep tells the rest of the team, then the administrators; a
/// discharge owes the team a visit within a week.
struct CareEventService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let access: PatientAccessService
    let auditor: Auditor
    let notifier: Notifier
    let outbox: Outbox
    let timeline: Timeline
    /// Where emailed links point.
    let baseURL: String

    /// An event's fields, the same from the form and the API.
    struct Input: Decodable, Sendable {
        var kind: String?
        /// When it happened: ISO 8601 with an offset, or a form's local time; empty for now.
        var occurredAt: String?
        var facility: String?
        var visitNumber: String?
        var details: String?
        /// The sender's own id for the event (API): the same id again answers the same event.
        var eventID: String?
    }

    /// An event's facts, checked, from a person, a system or a feed.
    struct Facts: Sendable {
        var kind: CareEventKind
        var occurredAt: Date
        var facility: String
        var visitNumber: String?
        var details: String
        var externalID: String?
        /// Who told Liaison, as the team reads it ("Dr Okafor", "St Elsewhere's feed").
        var reportedBy: String
    }

    /// A recorded event, and whether this request recorded it (false: the sender's id was seen before).
    struct Recorded: Sendable {
        let event: CareEvent
        let created: Bool
    }

    /// What a clinician sees of a patient's events, with how to reach the treating team.
    struct PatientEvents: Sendable {
        struct Contact: Sendable {
            let member: CareTeamMember
            let profile: Profile?
        }

        let patient: Patient
        let access: PatientAccess
        let events: [CareEvent]
        let contacts: [Contact]
        let zone: TimeZone
    }

    // MARK: Recording

    func record(_ input: Input, for patientID: UUID, by caller: Caller, source: CareEventSource) async throws -> Recorded {
        let zone = try await zone(of: caller)
        let facts = try check(input, zone: zone, reportedBy: caller.identity.displayName)
        if let external = facts.externalID, let existing = try await recorded(external, for: patientID, by: caller) { return existing }
        do {
            let event = try await database.write { db in
                let authorized = try await access.authorize(patientID, for: caller, need: .recordCareEvent, on: db)
                return try await create(facts, source: source, by: caller, feed: nil, patient: authorized.patient, access: authorized.access, team: authorized.team, on: db)
            }
            return Recorded(event: event, created: true)
        } catch is ConcurrentChange {
            // The same sender's id arrived twice at the same moment: the other request recorded it.
            guard let external = facts.externalID, let existing = try await recorded(external, for: patientID, by: caller) else { throw ConcurrentChange() }
            return existing
        }
    }

    private func recorded(_ externalID: String, for patientID: UUID, by caller: Caller) async throws -> Recorded? {
        let db = database.reader()
        guard let event = try await CareEventQueries.event(sentBy: caller.userID, externalID: externalID, on: db) else { return nil }
        guard event.$patient.id == patientID else { throw AppError.conflict("Event id \(externalID) was already used for another patient's event.") }
        _ = try await access.authorize(patientID, for: caller, need: .recordCareEvent, on: db)
        return Recorded(event: event, created: false)
    }

    private func check(_ input: Input, zone: TimeZone, reportedBy: String) throws -> Facts {
        var check = FieldChecker()
        let kind = check.choice(input.kind, field: "kind", label: "Kind of event", as: CareEventKind.self)
        let facility = check.text(input.facility, field: "facility", label: "Where", required: true, maxLength: 200)
        let visit = check.text(input.visitNumber, field: "visitNumber", label: "Visit number", maxLength: 64)
        let details = check.text(input.details, field: "details", label: "What happened", maxLength: 2000)
        let external = check.text(input.eventID, field: "eventID", label: "Event id", maxLength: 128)
        let now = clock.now()
        let rawTime = (input.occurredAt ?? "").trimmingCharacters(in: .whitespaces)
        var occurredAt = now
        if !rawTime.isEmpty {
            if let time = CareEventRules.time(rawTime, in: zone) {
                occurredAt = time
                if time > now.addingTimeInterval(CareEventRules.futureTolerance) { check.errors.add("occurredAt", "An event is recorded once it has happened, not ahead.") }
            } else {
                check.errors.add("occurredAt", "Give when it happened as a date and time, e.g. 2026-11-27T14:30 (or ISO 8601 with an offset).")
            }
        }
        guard check.errors.isEmpty, let kind else { throw AppError.invalid(check.errors) }
        return Facts(
            kind: kind, occurredAt: occurredAt, facility: facility, visitNumber: visit.nilIfEmpty, details: details, externalID: external.nilIfEmpty,
            reportedBy: reportedBy)
    }

    /// Records an event and tells the whole team at once: in the app with the patient's name,
    /// by email with a link only. Shared by people, the API and hospital feeds.
    func create(
        _ facts: Facts, source: CareEventSource, by caller: Caller?, feed: HospitalFeed?, patient: Patient, access: PatientAccess?, team: [CareTeamMember],
        on db: any Database
    ) async throws -> CareEvent {
        let now = clock.now()
        let organisation = try await OrganisationQueries.leadOrganisation(of: team, at: now, on: db)
        let hours = organisation?.careEventHours ?? CareEventRules.defaultAcknowledgeHours
        let event = CareEvent(
            patientID: patient.id!, kind: facts.kind, occurredAt: facts.occurredAt, recordedAt: now, source: source, recordedBy: caller?.userID,
            feedID: feed?.id, facility: facts.facility, visitNumber: facts.visitNumber, details: facts.details, externalID: facts.externalID,
            acknowledgeHours: hours)
        try await event.create(on: db)
        let zone = TimeZone(identifier: organisation?.timeZone ?? "") ?? .gmt
        let when = DisplayDate.dateTime(facts.occurredAt, in: zone, named: true)
        let people = team.filter { $0.membership.isActive(at: now) && $0.$user.id != caller?.userID }.map(\.$user.id)
        let link = SiteURL.patientCareEvents(patient.id!).path
        let ask = facts.kind.isUrgent ? " Please acknowledge it within \(hours) hours." : ""
        try await notifier.notify(
            people, patient: patient.id!, kind: .careEvent,
            message: "\(patient.givenName) \(patient.familyName): \(facts.kind.label) at \(facts.facility), \(when) (\(facts.reportedBy)).\(ask)", link: link, on: db)
        // Email leaves Liaison: a link, never the name or what happened.
        try await outbox.notices(
            people, subject: facts.kind.isUrgent ? "Liaison: a care event for a patient of yours needs acknowledging" : "Liaison: a care event for a patient of yours",
            words: "There is a care event for a patient of yours:", url: baseURL + link, urgent: facts.kind.isUrgent, on: db)
        try await timeline.record(.careEvent, "\(facts.kind.label) at \(facts.facility), \(when); told the care team (\(facts.reportedBy)).", patient: patient.id!, by: caller, on: db)
        let subject = "care-event:\(event.id!)"
        if let caller {
            let purpose = if case .emergency = access { "emergency" } else { "treatment" }
            try await auditor.record(.careEventRecord, patient: patient.id!, subject: subject, purpose: purpose, by: caller, on: db)
        } else {
            try await auditor.recordSystem(.careEventRecord, [(patient.id!, subject)], purpose: "hospital feed", at: now, requestID: "feed", on: db)
        }
        return event
    }

    // MARK: Reading

    func events(of patientID: UUID, by caller: Caller) async throws -> PatientEvents {
        let zone = try await zone(of: caller)
        let found = try await database.reader().transaction { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .clinicalRecord, on: db)
            let now = clock.now()
            let active = authorized.team.filter { $0.membership.isActive(at: now) }
            var contacts: [PatientEvents.Contact] = []
            for member in active {
                _ = try await member.$user.get(on: db)
                contacts.append(.init(member: member, profile: try await DirectoryQueries.profile(ofUser: member.$user.id, on: db)))
            }
            // The responsible prescriber first: the person an emergency clinician calls.
            contacts.sort { ($0.member.isResponsiblePrescriber ? 0 : 1, $0.member.startedAt) < ($1.member.isResponsiblePrescriber ? 0 : 1, $1.member.startedAt) }
            return PatientEvents(
                patient: authorized.patient, access: authorized.access, events: try await CareEventQueries.events(of: patientID, on: db), contacts: contacts, zone: zone)
        }
        let purpose = if case .emergency = found.access { "emergency" } else { "treatment" }
        try await auditor.recordRead(.careEventsRead, patient: patientID, subject: "care-events", purpose: purpose, by: caller, in: database)
        return found
    }

    /// Events on the caller's patients waiting to be acknowledged, urgent first.
    func toAcknowledge(by caller: Caller) async throws -> [CareEvent] {
        try await CareEventQueries.toAcknowledge(byMember: caller.userID, at: clock.now(), on: database.reader())
    }

    /// Visits owed after discharges of the caller's patients, soonest first.
    func followUpsOwed(by caller: Caller) async throws -> [CareEvent] {
        try await CareEventQueries.followUpsOwed(byMember: caller.userID, at: clock.now(), on: database.reader())
    }

    /// The patient's own events, for the portal: what happened, and that the team was told.
    func ownEvents(of patient: Patient) async throws -> [CareEvent] {
        try await CareEventQueries.events(of: patient.id!, on: database.reader()).filter { !$0.isCancelled && $0.eventKind.portalWords != nil }
    }

    /// The zone the caller reads and writes times in: their first organisation's.
    func zone(of caller: Caller) async throws -> TimeZone {
        let organisation = try await OrganisationQueries.firstOrganisation(of: caller.userID, on: database.reader())
        return TimeZone(identifier: organisation?.timeZone ?? "") ?? .gmt
    }
}
