import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// What an organisation's administrators do with its hospital feeds: register one for a sending
/// facility, turn one off, and resolve the messages that matched no patient — match again once a
/// clinician has recorded the identifier, apply to a patient by their record id, or set aside.
/// They see identifiers and references, never a patient's name or what happened.
extension HospitalFeedService {
    struct FeedInput: Decodable, Sendable {
        var name: String?
        /// MSH-4 as the hospital sends it.
        var sendingFacility: String?
        /// The hospital's zone for times without an offset; the organisation's when empty.
        var timeZone: String?
    }

    struct Overview: Sendable {
        let organisation: Organisation
        let feeds: [HospitalFeed]
        let messages: [FeedMessage]
    }

    func overview(of organisationID: UUID, by caller: Caller) async throws -> Overview {
        guard caller.identity.actor.mayAdminister(organisation: organisationID) else { throw AppError.forbidden }
        let db = database.reader()
        guard let organisation = try await Organisation.find(organisationID, on: db) else { throw AppError.notFound }
        let feeds = try await FeedQueries.feeds(of: organisationID, on: db)
        let messages = try await FeedQueries.messages(of: feeds.compactMap(\.id), on: db)
        try await auditor.recordRead(.feedMessagesRead, patient: nil, subject: "organisation:\(organisationID):feeds", purpose: "administration", by: caller, in: database)
        return Overview(organisation: organisation, feeds: feeds, messages: messages)
    }

    func register(_ input: FeedInput, organisation organisationID: UUID, by caller: Caller) async throws -> HospitalFeed {
        guard caller.identity.actor.mayAdminister(organisation: organisationID) else { throw AppError.forbidden }
        var check = FieldChecker()
        let name = check.text(input.name, field: "name", label: "Name", required: true, maxLength: 100)
        let facility = check.text(input.sendingFacility, field: "sendingFacility", label: "Sending facility (MSH-4)", required: true, maxLength: 64)
        if facility.contains(where: { "|^~\\&".contains($0) }) {
            check.errors.add("sendingFacility", "Sending facility is the first part of MSH-4, without HL7 separators (| ^ ~ \\ &).")
        }
        let zoneName = check.text(input.timeZone, field: "timeZone", label: "Time zone", maxLength: 64)
        if !zoneName.isEmpty, TimeZone(identifier: zoneName) == nil { check.errors.add("timeZone", "Time zone must be a name such as America/Chicago.") }
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        do {
            return try await database.write { db in
                guard let organisation = try await Organisation.find(organisationID, on: db) else { throw AppError.notFound }
                if try await FeedQueries.feed(sendingFacility: facility, on: db) != nil {
                    throw AppError.invalid(ValidationErrors("sendingFacility", "A feed for sending facility \(facility) is already registered."))
                }
                let feed = HospitalFeed(
                    organisationID: organisationID, name: name, sendingFacility: facility, timeZone: zoneName.nilIfEmpty ?? organisation.timeZone,
                    createdBy: caller.userID, createdAt: clock.now())
                try await feed.create(on: db)
                try await auditor.record(.feedRegister, patient: nil, subject: "feed:\(feed.id!)", purpose: "administration", by: caller, on: db)
                return feed
            }
        } catch is ConcurrentChange {
            throw AppError.invalid(ValidationErrors("sendingFacility", "A feed for sending facility \(facility) is already registered."))
        }
    }

    func disable(_ feedID: UUID, organisation organisationID: UUID, by caller: Caller) async throws {
        guard caller.identity.actor.mayAdminister(organisation: organisationID) else { throw AppError.forbidden }
        try await database.write { db in
            guard let feed = try await HospitalFeed.find(feedID, on: db), feed.$organisation.id == organisationID else { throw AppError.notFound }
            guard feed.disabledAt == nil else { throw AppError.conflict("This feed is already off.") }
            feed.disabledAt = clock.now()
            try await feed.save(on: db)
            try await auditor.record(.feedDisable, patient: nil, subject: "feed:\(feedID)", purpose: "administration", by: caller, on: db)
        }
    }

    /// Resolves a message held unmatched. `patient` is the record id (or a link to the record)
    /// for `.attach`.
    func resolve(_ messageID: UUID, step: FeedMessageStep, patient rawPatient: String?, organisation organisationID: UUID, by caller: Caller) async throws -> FeedMessage {
        guard caller.identity.actor.mayAdminister(organisation: organisationID) else { throw AppError.forbidden }
        let given = step == .attach ? Self.recordID(in: rawPatient ?? "") : nil
        if step == .attach, given == nil { throw AppError.invalid(ValidationErrors("patient", "Give the patient's record id, or paste the link to their record.")) }
        return try await database.write { db in
            guard let message = try await FeedQueries.lockMessage(messageID, on: db), message.feed.$organisation.id == organisationID else { throw AppError.notFound }
            guard message.messageStatus == .unmatched else { throw AppError.conflict("This message was already \(message.status).") }
            let now = clock.now()
            message.resolvedAt = now
            message.$resolvedBy.id = caller.userID
            if step == .dismiss {
                message.status = FeedMessageStatus.dismissed.rawValue
                try await message.save(on: db)
                try await auditor.record(.feedMessageDismiss, patient: nil, subject: "feed-message:\(messageID)", purpose: "administration", by: caller, on: db)
                return message
            }
            guard let adt = try? ADTMessage.read(HL7Message.parse(message.raw)) else { throw AppError.conflict("The stored message can no longer be read.") }
            var chosen = given
            if chosen == nil {
                let found = try await FeedQueries.patients(identifiedBy: adt.patientIdentifiers.map(\.value), preferring: organisationID, on: db)
                guard found.count == 1 else {
                    throw AppError.conflict(found.isEmpty
                        ? "Still no patient has these identifiers. Ask the patient's clinician to add the hospital's number to the record, or attach it by record id."
                        : "Several patients have these identifiers; attach it by record id.")
                }
                chosen = found[0]
            }
            guard try await PatientQueries.patient(chosen!, on: db) != nil else { throw AppError.invalid(ValidationErrors("patient", "No patient has that record id.")) }
            let outcome = try await applyMatched(adt, feed: message.feed, patientID: chosen!, on: db)
            guard outcome.status == .applied else { throw AppError.conflict(outcome.text) }
            message.status = FeedMessageStatus.resolved.rawValue
            message.eventID = outcome.eventID
            try await message.save(on: db)
            try await auditor.record(.feedMessageResolve, patient: chosen!, subject: "feed-message:\(messageID)", purpose: "administration", by: caller, on: db)
            return message
        }
    }

    /// The record id in `text`: the id itself, or the first id in a pasted link.
    static func recordID(in text: String) -> UUID? {
        for part in text.split(whereSeparator: { "/?#= ".contains($0) }) {
            if let id = UUID(uuidString: String(part)) { return id }
        }
        return nil
    }
}
