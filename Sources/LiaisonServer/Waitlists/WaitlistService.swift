import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Waiting lists per clinician and service (`WaitlistOrder` holds the fair order): a care team puts
/// a patient on a list; when the clinician has an opening the first in line is offered it, held for
/// two business days; accepted, it takes the opening; declined or lapsed, it passes to the next.
/// The referrer who asked and the clinician hear of each step.
struct WaitlistService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let access: PatientAccessService
    let auditor: Auditor
    let notifier: Notifier

    /// What the patient's team sees of one entry.
    struct Standing: Sendable {
        let entry: WaitlistRow
        /// 1-based, among those on the list now; nil once off it.
        let position: Int?
        let count: Int
        /// "about 4 weeks", from the last 90 days' pace; nil without one.
        let estimate: String?
    }

    /// A clinician's list (`clinicianID`), or an organisation's intake list (`organisationID`).
    struct Addition: Decodable, Sendable {
        var clinicianID: UUID?
        var organisationID: UUID?
        var service: String?
        var urgency: String?
    }

    /// Puts a patient on a clinician's list, or an organisation's intake list, for a service; the
    /// patient's care team only.
    func add(_ addition: Addition, patient patientID: UUID, by caller: Caller) async throws -> WaitlistRow {
        var check = FieldChecker()
        let service = check.choice(addition.service, field: "service", label: "Service", as: ClinicalService.self)
        let urgency = check.choice(addition.urgency ?? Urgency.routine.rawValue, field: "urgency", label: "Urgency", as: Urgency.self)
        if (addition.clinicianID == nil) == (addition.organisationID == nil) {
            check.errors.add("clinicianID", "Choose a clinician's list or an organisation's intake list (one of the two).")
        }
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        let now = clock.now()
        let id: UUID = try await database.write { db in
            _ = try await access.authorize(patientID, for: caller, need: .write, on: db)
            let offering = try await MatchingQueries.candidates(offering: service!, except: caller.userID, on: db).map(\.userID)
            // Who hears of the new entry: the clinician, or the intake's members who offer the service.
            let told: [UUID]
            if let clinicianID = addition.clinicianID {
                guard offering.contains(clinicianID) else {
                    throw Self.invalid("clinicianID", "That clinician does not list \(service!.label.lowercased()) in the directory.")
                }
                told = [clinicianID]
            } else {
                let members = try await OrganisationQueries.members(of: addition.organisationID!, on: db).compactMap(\.id)
                told = members.filter(offering.contains)
                guard !told.isEmpty else {
                    throw Self.invalid("organisationID", "Nobody at that organisation lists \(service!.label.lowercased()) in the directory.")
                }
            }
            let entry = WaitlistEntry(
                patientID: patientID, clinicianID: addition.clinicianID, organisationID: addition.organisationID, service: service!.rawValue,
                urgency: urgency!.rawValue, requestedBy: caller.userID, addedAt: now)
            try await entry.create(on: db)
            let id = try entry.requireID()
            try await auditor.record(.waitlistAdd, patient: patientID, subject: "waitlist:\(id)", by: caller, on: db)
            try await notifier.notify(
                told, patient: nil, kind: .waitlistAdded,
                message: "Someone was added to \(addition.organisationID == nil ? "your" : "your organisation's intake") waiting list for \(service!.label.lowercased()) (\(urgency!.label.lowercased())).",
                link: SiteURL.waitlist.path, on: db)
            return id
        }
        return try await WaitlistQueries.entry(id, at: now, on: database.reader())!
    }

    private static func invalid(_ field: String, _ message: String) -> AppError {
        var errors = ValidationErrors()
        errors.add(field, message)
        return .invalid(errors)
    }

    /// The patient's entries, with their place on each list; the care team only.
    func standings(ofPatient patientID: UUID, by caller: Caller) async throws -> [Standing] {
        let now = clock.now()
        let standings = try await database.reader().transaction { db in
            _ = try await access.authorize(patientID, for: caller, need: .clinicalRecord, on: db)
            var standings: [Standing] = []
            for entry in try await WaitlistQueries.entries(ofPatient: patientID, at: now, on: db) {
                guard WaitlistStatus(rawValue: entry.status)?.isOpen == true else {
                    standings.append(Standing(entry: entry, position: nil, count: 0, estimate: nil))
                    continue
                }
                // Waiting on an intake list: its place there; otherwise its place in the clinician's queue.
                let order = if let organisationID = entry.organisationID, entry.clinicianID == nil {
                    Self.order(try await WaitlistQueries.intake(of: organisationID, service: entry.service, at: now, on: db), prioritises: false)
                } else {
                    try await queue(of: entry.clinicianID!, service: entry.service, at: now, on: db)
                }
                let position = (order.firstIndex { $0.id == entry.id } ?? 0) + 1
                let pace = try await WaitlistQueries.accepted(
                    clinician: entry.clinicianID, organisation: entry.organisationID, service: entry.service, since: now.addingTimeInterval(-90 * 86400), on: db)
                standings.append(Standing(
                    entry: entry, position: position, count: order.count,
                    estimate: entry.status == WaitlistStatus.offered.rawValue ? nil : WaitlistOrder.estimate(position: position, acceptedInLast90Days: pace)))
            }
            return standings
        }
        if !standings.isEmpty {
            try await auditor.recordRead(.waitlistRead, patient: patientID, subject: "patient-waitlists:\(patientID)", by: caller, in: database)
        }
        return standings
    }

    /// The clinician's own lists, each in order.
    func myLists(by caller: Caller) async throws -> [(service: ClinicalService, entries: [WaitlistRow])] {
        let now = clock.now()
        let db = database.reader()
        let rows = try await WaitlistQueries.queues(of: caller.userID, at: now, on: db)
        let prioritises = try await WaitlistQueries.prioritisesWithoutPsychiatrist(caller.userID, on: db)
        let lists = Dictionary(grouping: rows, by: \.service).compactMap { raw, entries -> (ClinicalService, [WaitlistRow])? in
            guard let service = ClinicalService(rawValue: raw) else { return nil }
            return (service, Self.order(entries, prioritises: prioritises))
        }.sorted { $0.0.label < $1.0.label }
        try await auditor.recordRead(.waitlistRead, patient: nil, subject: "my-waitlists:\(rows.count)", by: caller, in: database)
        return lists.map { (service: $0.0, entries: $0.1) }
    }

    /// What an organisation's administrators see: every list of its clinicians in order, each
    /// patient by reference (they are not treating them), and how long people waited.
    struct Overview: Sendable {
        struct List: Sendable {
            /// "Dr. Okafor", or "Riverside Clinic intake".
            let name: String
            let service: ClinicalService
            let entries: [WaitlistRow]
        }

        struct Waits: Sendable {
            let service: ClinicalService
            let accepted: Int
            let medianDays: Double?
            let p90Days: Double?
        }

        let lists: [List]
        let waits: [Waits]
    }

    func overview(ofOrganisation organisationID: UUID, by caller: Caller) async throws -> Overview {
        guard caller.identity.actor.mayAdminister(organisation: organisationID) else { throw AppError.forbidden }
        let now = clock.now()
        let db = database.reader()
        let rows = try await WaitlistQueries.openEntries(ofOrganisation: organisationID, at: now, on: db)
        var lists: [Overview.List] = []
        // Intake entries form their intake's list (offered ones included); the rest their clinician's.
        for (key, entries) in Dictionary(grouping: rows, by: { ListKey(clinician: $0.isIntake ? nil : $0.clinicianID, organisation: $0.organisationID, service: $0.service) }) {
            guard let service = ClinicalService(rawValue: key.service) else { continue }
            let prioritises = try await key.clinician.asyncMap { try await WaitlistQueries.prioritisesWithoutPsychiatrist($0, on: db) } ?? false
            lists.append(.init(name: entries[0].listName, service: service, entries: Self.order(entries, prioritises: prioritises)))
        }
        lists.sort { ($0.name, $0.service.label) < ($1.name, $1.service.label) }
        let accepted = try await WaitlistQueries.acceptedWaits(ofOrganisation: organisationID, since: now.addingTimeInterval(-365 * 86400), on: db)
        let waits = Dictionary(grouping: accepted, by: \.service).compactMap { raw, waits -> Overview.Waits? in
            guard let service = ClinicalService(rawValue: raw) else { return nil }
            let (median, p90) = WaitlistOrder.waits(waits.map(\.days))
            return .init(service: service, accepted: waits.count, medianDays: median, p90Days: p90)
        }.sorted { $0.service.label < $1.service.label }
        try await auditor.recordRead(.waitlistRead, patient: nil, subject: "organisation-waitlists:\(organisationID)", purpose: "administration", by: caller, in: database)
        return Overview(lists: lists, waits: waits)
    }

    private struct ListKey: Hashable {
        let clinician: UUID?
        let organisation: UUID?
        let service: String
    }

    /// The patient's team answers an offer. Accepting takes the opening (one statement that cannot
    /// take the last opening twice); declining passes it to the next in line at the next sweep.
    func answer(_ entryID: UUID, accept: Bool, by caller: Caller) async throws -> WaitlistRow {
        let now = clock.now()
        return try await database.write { db in
            guard let entry = try await WaitlistQueries.entry(entryID, at: now, on: db) else { throw AppError.notFound }
            _ = try await access.authorize(entry.patientID, for: caller, need: .write, on: db)
            // Only an offer can be answered, and an offer always names the clinician who made it.
            guard let clinicianID = entry.clinicianID, entry.status == WaitlistStatus.offered.rawValue else {
                throw AppError.conflict("This offer is no longer open: it was answered already or has lapsed.")
            }
            // The list's openings are locked first, as the sweep locks them, so the two take turns.
            _ = try await WaitlistQueries.lockOpenings(clinician: clinicianID, service: entry.service, on: db)
            guard entry.status == WaitlistStatus.offered.rawValue, (entry.offerExpiresAt ?? now) > now,
                  try await WaitlistQueries.move(entryID, from: [.offered], to: accept ? .accepted : .declined, at: now, on: db)
            else { throw AppError.conflict("This offer is no longer open: it was answered already or has lapsed.") }
            if accept, try await !WaitlistQueries.claimOpening(clinician: clinicianID, service: entry.service, on: db) {
                throw AppError.conflict("The opening has just been taken. \(entry.givenName) stays on the list.")
            }
            try await auditor.record(accept ? .waitlistAccept : .waitlistDecline, patient: entry.patientID, subject: "waitlist:\(entryID)", by: caller, on: db)
            let service = ClinicalService(rawValue: entry.service)?.label.lowercased() ?? entry.service
            try await notifier.notify(
                [clinicianID], patient: nil, kind: .waitlistAnswer,
                message: accept ? "An opening you offered for \(service) was accepted. A referral follows." : "An opening you offered for \(service) was declined; it passes to the next in line.",
                link: SiteURL.waitlist.path, on: db)
            return try await WaitlistQueries.entry(entryID, at: now, on: db)!
        }
    }

    /// Back on the list after a declined or lapsed offer, with the date the patient first joined.
    @discardableResult
    func rejoin(_ entryID: UUID, by caller: Caller) async throws -> WaitlistRow {
        try await database.write { db in
            guard let entry = try await WaitlistQueries.entry(entryID, at: clock.now(), on: db) else { throw AppError.notFound }
            _ = try await access.authorize(entry.patientID, for: caller, need: .write, on: db)
            guard try await WaitlistQueries.move(entryID, from: [.declined, .expired], to: .waiting, at: clock.now(), on: db) else {
                throw AppError.conflict("Only an entry whose offer was declined or lapsed can go back on the list.")
            }
            try await auditor.record(.waitlistRejoin, patient: entry.patientID, subject: "waitlist:\(entryID)", by: caller, on: db)
            return try await WaitlistQueries.entry(entryID, at: clock.now(), on: db) ?? entry
        }
    }

    /// Takes a patient off a list, with a reason: their team, the clinician, or an administrator of
    /// one of the clinician's organisations.
    @discardableResult
    func remove(_ entryID: UUID, reason rawReason: String?, by caller: Caller) async throws -> WaitlistRow {
        var check = FieldChecker()
        let reason = check.text(rawReason, field: "reason", label: "Reason", required: true, maxLength: 300)
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        return try await database.write { db in
            guard let entry = try await WaitlistQueries.entry(entryID, at: clock.now(), on: db) else { throw AppError.notFound }
            // Administrators of the intake's organisation, or of one of the clinician's.
            let organisations = try await entry.clinicianID.asyncMap { try await AccountQueries.organisations(of: $0, on: db).map(\.organisationID) } ?? []
            let administers = (organisations + [entry.organisationID].compactMap { $0 }).contains { caller.identity.actor.mayAdminister(organisation: $0) }
            if entry.clinicianID != caller.userID, !administers {
                _ = try await access.authorize(entry.patientID, for: caller, need: .write, on: db)
            }
            guard try await WaitlistQueries.move(entryID, from: [.waiting, .offered], to: .removed, at: clock.now(), reason: reason, on: db) else {
                throw AppError.conflict("This entry is no longer on the list.")
            }
            try await auditor.record(.waitlistRemove, patient: entry.patientID, subject: "waitlist:\(entryID)", purpose: "waitlist: \(reason)", by: caller, on: db)
            try await notifier.notify(
                [entry.requestedBy, entry.clinicianID].compactMap { $0 }.filter { $0 != caller.userID }, patient: entry.patientID, kind: .waitlistAnswer,
                message: "A patient was taken off a waiting list: \(reason)", link: SiteURL.patient(entry.patientID).path, on: db)
            return try await WaitlistQueries.entry(entryID, at: clock.now(), on: db) ?? entry
        }
    }

    struct SweepOutcome: Equatable {
        var offered = 0
        var lapsed = 0
    }

    /// What the minute's sweep does for waiting lists: offers past their deadline lapse (the
    /// team is told), then every list with an opening not yet offered offers it to the first in
    /// line. Each step is a conditional update, so two servers sweeping at once offer once.
    func sweep() async throws -> SweepOutcome {
        let now = clock.now()
        var outcome = SweepOutcome()
        for entry in try await WaitlistQueries.lapsedOffers(at: now, on: database.reader()) {
            let lapsed = try await database.write { db in
                guard try await WaitlistQueries.move(entry.id, from: [.offered], to: .expired, at: now, reason: "offer lapsed", on: db) else { return false }
                try await auditor.recordSystem(.waitlistLapse, [(entry.patientID, "waitlist:\(entry.id)")], purpose: "waitlist", at: now, on: db)
                try await notifier.notify(
                    [entry.requestedBy], patient: entry.patientID, kind: .waitlistLapsed,
                    message: "An opening offered from a waiting list lapsed unanswered and passed to the next in line. You can put the patient back on the list.",
                    link: SiteURL.patient(entry.patientID).path, on: db)
                return true
            }
            if lapsed { outcome.lapsed += 1 }
        }
        for list in try await WaitlistQueries.listsWithRoom(on: database.reader()) {
            outcome.offered += try await database.write { db in try await offerOpenings(list, at: now, on: db) }
        }
        return outcome
    }

    /// Offers a clinician's new openings at once (after they save their profile) rather than at
    /// the next minute's sweep.
    @discardableResult
    func offerOpenings(of clinician: UUID) async throws -> Int {
        let now = clock.now()
        var made = 0
        for list in try await WaitlistQueries.listsWithRoom(of: clinician, on: database.reader()) {
            made += try await database.write { db in try await offerOpenings(list, at: now, on: db) }
        }
        return made
    }

    private func offerOpenings(_ list: ListWithRoom, at now: Date, on db: any Database) async throws -> Int {
        let openings = try await WaitlistQueries.lockOpenings(clinician: list.clinicianID, service: list.service, on: db)
        let order = try await queue(of: list.clinicianID, service: list.service, at: now, on: db)
        let free = openings - order.filter { $0.status == WaitlistStatus.offered.rawValue && $0.clinicianID == list.clinicianID }.count
        guard free > 0 else { return 0 }
        // The clinician's (first) organisation sets the calendar and how long an offer is held.
        let organisation = try await OrganisationQueries.firstOrganisation(of: list.clinicianID, on: db)
        let calendar = organisation?.calendar ?? .standard
        let deadline = calendar.endOfBusinessDay(organisation?.offerHoldDays ?? ServiceLevelTargets.standard.offerHoldDays, after: now)
        let name = try await AccountQueries.person(id: list.clinicianID, on: db)?.displayName ?? "A clinician"
        var made = 0
        for entry in order.filter({ $0.status == WaitlistStatus.waiting.rawValue }).prefix(free) {
            guard try await WaitlistQueries.move(
                entry.id, from: [.waiting], to: .offered, at: now, offerExpiresAt: deadline, assignTo: list.clinicianID, on: db)
            else { continue }
            try await auditor.recordSystem(.waitlistOffer, [(entry.patientID, "waitlist:\(entry.id)")], purpose: "waitlist", at: now, on: db)
            let service = ClinicalService(rawValue: entry.service)?.label.lowercased() ?? entry.service
            try await notifier.notify(
                [entry.requestedBy], patient: entry.patientID, kind: .waitlistOffer,
                message: "\(name) has an opening for \(service)\(entry.isIntake ? " (from \(entry.listName))" : ""), held for your patient until \(DisplayDate.dateTime(deadline, in: calendar.timeZone)). Accept or decline it on the patient's record.",
                link: SiteURL.patient(entry.patientID).path, on: db)
            made += 1
        }
        return made
    }

    /// A clinician's queue for a service (their list and their organisations' intake lists) in its fair order.
    private func queue(of clinician: UUID, service: String, at now: Date, on db: any Database) async throws -> [WaitlistRow] {
        let entries = try await WaitlistQueries.queue(of: clinician, service: service, at: now, on: db)
        return Self.order(entries, prioritises: try await WaitlistQueries.prioritisesWithoutPsychiatrist(clinician, on: db))
    }

    static func order(_ entries: [WaitlistRow], prioritises: Bool) -> [WaitlistRow] {
        let byID = Dictionary(uniqueKeysWithValues: entries.map { ($0.id, $0) })
        // Someone holding an offer stays ahead of those still waiting.
        let offered = entries.filter { $0.status == WaitlistStatus.offered.rawValue }.sorted { ($0.offeredAt ?? .distantPast) < ($1.offeredAt ?? .distantPast) }
        let waiting = WaitlistOrder.sorted(entries.filter { $0.status == WaitlistStatus.waiting.rawValue }.map(\.place), clinicianPrioritisesWithoutPsychiatrist: prioritises)
        return offered + waiting.compactMap { byID[$0.id] }
    }
}
