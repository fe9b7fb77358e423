import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Logging

/// Hospital ADT feeds. A hospital registered by an administrator sends HL7 v2 ADT messages over
/// MLLP (`MLLPListener`); each is read (`ADTMessage`), matched to a patient by an identifier an
/// organisation of theirs recorded, and applied in one transaction: a care event recorded (and
/// the team told), updated or cancelled, with the message kept under its control id so a repeat
/// is applied once and answered as before. A message that matches no patient, or several, is
/// kept for the feed's administrators to resolve by hand: never dropped, never guessed.
struct HospitalFeedService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock
    let auditor: Auditor
    let notifier: Notifier
    let events: CareEventService
    var logger = Logger(label: "liaison.feeds")

    /// The largest message accepted, in bytes; an ADT message is a few kilobytes.
    static let maxMessageBytes = 1_000_000

    /// How one message ended, as answered in its acknowledgement.
    struct Outcome: Sendable {
        var status: FeedMessageStatus
        var code: HL7AckCode
        var text: String
        var eventID: UUID?
    }

    // MARK: Receiving

    /// One message in, its acknowledgement out: AA when applied (or held for matching by hand),
    /// AE when understood but not applicable (or not storable just now: send again), AR when it
    /// cannot be read. Never throws; whatever goes wrong is said in the acknowledgement.
    func receive(_ payload: [UInt8]) async -> String {
        let raw = String(decoding: payload, as: UTF8.self)
        let message: HL7Message
        do { message = try HL7Message.parse(raw) } catch {
            return reply(nil, raw: raw, code: .rejected, text: error.reason, errorCode: error.errorCode)
        }
        let adt: ADTMessage
        do { adt = try ADTMessage.read(message) } catch {
            return reply(message, raw: raw, code: error.ackCode, text: error.reason, errorCode: error.errorCode)
        }
        do {
            let outcome = try await apply(adt, raw: raw)
            return reply(message, raw: raw, code: outcome.code, text: outcome.text, errorCode: .applicationInternalError)
        } catch {
            logger.error("feed message not stored", metadata: ["control-id": .string(adt.controlID), "error": .string(String(reflecting: error))])
            return reply(message, raw: raw, code: .error, text: "Liaison could not store the message just now; send it again.", errorCode: .applicationInternalError)
        }
    }

    /// The answer to a frame larger than `maxMessageBytes`.
    func oversize() -> String {
        reply(nil, raw: "", code: .rejected, text: "The message is larger than \(Self.maxMessageBytes / 1000) kB.", errorCode: .applicationInternalError)
    }

    private func reply(_ message: HL7Message?, raw: String, code: HL7AckCode, text: String, errorCode: HL7ErrorCode) -> String {
        HL7Acknowledgement.reply(
            to: message, raw: raw, code: code, text: text, controlID: String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(20)),
            receivingFacility: "LIAISON", at: clock.now(), errorCode: errorCode)
    }

    private func apply(_ adt: ADTMessage, raw: String) async throws -> Outcome {
        let reader = database.reader()
        guard let feed = try await FeedQueries.feed(sendingFacility: adt.sendingFacility, on: reader) else {
            return Outcome(status: .refused, code: .error, text: "No feed is registered for sending facility \(adt.sendingFacility.prefix(40)).")
        }
        if let seen = try await FeedQueries.message(feed: feed.id!, controlID: adt.controlID, on: reader) { return Self.outcome(of: seen) }
        do {
            return try await database.write { db in try await store(adt, raw: raw, feed: feed, on: db) }
        } catch is ConcurrentChange {
            // The same message arrived twice at once (a sender retrying): answer as the first was.
            guard let seen = try await FeedQueries.message(feed: feed.id!, controlID: adt.controlID, on: database.reader()) else { throw ConcurrentChange() }
            return Self.outcome(of: seen)
        }
    }

    private static func outcome(of message: FeedMessage) -> Outcome {
        Outcome(status: message.messageStatus, code: HL7AckCode(rawValue: message.ackCode) ?? .accepted, text: message.ackText, eventID: message.eventID)
    }

    /// Matches and applies a new message, and keeps it with its answer: all or nothing.
    private func store(_ adt: ADTMessage, raw: String, feed: HospitalFeed, on db: any Database) async throws -> Outcome {
        let patients = try await FeedQueries.patients(identifiedBy: adt.patientIdentifiers.map(\.value), preferring: feed.$organisation.id, on: db)
        let outcome: Outcome
        if patients.count == 1 {
            outcome = try await applyMatched(adt, feed: feed, patientID: patients[0], on: db)
        } else {
            outcome = Outcome(
                status: .unmatched, code: .accepted,
                text: patients.isEmpty ? "Held for matching by hand: no patient has these identifiers." : "Held for matching by hand: several patients have these identifiers.")
        }
        let identifiers = adt.patientIdentifiers.map { "\($0.value)\($0.assigningAuthority.isEmpty ? "" : " (\($0.assigningAuthority))")" }.joined(separator: ", ")
        let message = FeedMessage(
            feedID: feed.id!, controlID: adt.controlID, trigger: adt.trigger.rawValue, receivedAt: clock.now(), status: outcome.status,
            ackCode: outcome.code.rawValue, ackText: outcome.text, identifiers: String(identifiers.prefix(500)), raw: raw)
        message.eventID = outcome.eventID
        try await message.create(on: db)
        if outcome.status == .unmatched {
            // Administrators see a reference, never the patient's name or what happened.
            let administrators = try await OrganisationQueries.administrators(of: [feed.$organisation.id], on: db)[feed.$organisation.id] ?? []
            try await notifier.notify(
                administrators.compactMap(\.id), patient: nil, kind: .feedMessageUnmatched,
                message: "Message \(adt.controlID.prefix(40)) from \(feed.name) matched no single patient; it is held for matching by hand.",
                link: SiteURL.organisationFeeds(feed.$organisation.id).path, on: db)
        }
        return outcome
    }

    /// Applies a message to the patient it names: records, updates or cancels their event.
    func applyMatched(_ adt: ADTMessage, feed: HospitalFeed, patientID: UUID, on db: any Database) async throws -> Outcome {
        try await PatientQueries.lockTeam(of: patientID, on: db)
        guard let patient = try await PatientQueries.patient(patientID, on: db) else { throw AppError.notFound }
        let team = try await CareTeamQueries.team(of: patientID, on: db)
        let now = clock.now()
        switch adt.meaning {
        case .record(let kind):
            let time = adt.occurredTime?.date(in: TimeZone(identifier: feed.timeZone) ?? .gmt) ?? now
            let facts = CareEventService.Facts(
                kind: kind, occurredAt: time > now.addingTimeInterval(CareEventRules.futureTolerance) ? now : time,
                facility: adt.location?.facility.nilIfEmpty ?? feed.name, visitNumber: adt.visitNumber.nilIfEmpty, details: adt.summary, externalID: nil,
                reportedBy: "\(feed.name)'s feed")
            let event = try await events.create(facts, source: .feed, by: nil, feed: feed, patient: patient, access: nil, team: team, on: db)
            return Outcome(status: .applied, code: .accepted, text: "Recorded; the care team has been told.", eventID: event.id)
        case .update:
            guard !adt.visitNumber.isEmpty else { return Outcome(status: .refused, code: .error, text: "An update needs the visit number (PV1-19).") }
            guard let event = try await CareEventQueries.lockVisit(adt.visitNumber, feed: feed.id!, patient: patientID, on: db).first else {
                return Outcome(status: .refused, code: .error, text: "No event for visit \(adt.visitNumber.prefix(40)) to update.")
            }
            if let facility = adt.location?.facility.nilIfEmpty { event.facility = facility }
            event.details = adt.summary
            try await event.save(on: db)
            try await events.timeline.record(.careEvent, "\(feed.name) updated \(event.eventKind.label.lowercased()): \(adt.summary)", patient: patientID, by: nil, on: db)
            try await auditor.recordSystem(.careEventUpdate, [(patientID, "care-event:\(event.id!)")], purpose: "hospital feed", at: now, requestID: "feed", on: db)
            return Outcome(status: .applied, code: .accepted, text: "Updated.", eventID: event.id)
        case .cancel(let kinds):
            guard !adt.visitNumber.isEmpty else { return Outcome(status: .refused, code: .error, text: "A cancellation needs the visit number (PV1-19).") }
            let open = try await CareEventQueries.lockVisit(adt.visitNumber, feed: feed.id!, patient: patientID, on: db)
            guard let event = open.first(where: { kinds.contains($0.eventKind) }) else {
                return Outcome(status: .refused, code: .error, text: "Nothing to cancel for visit \(adt.visitNumber.prefix(40)).")
            }
            try await events.cancel(event, reason: "Cancelled by \(feed.name) (ADT^\(adt.trigger.rawValue)).", patient: patient, team: team, by: nil, on: db)
            return Outcome(status: .applied, code: .accepted, text: "Cancelled.", eventID: event.id)
        }
    }
}
