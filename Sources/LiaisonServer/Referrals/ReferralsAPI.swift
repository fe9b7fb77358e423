import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// The referrals part of the JSON API, on the same service as the pages.
struct ReferralsAPI: Sendable {
    let referrals: ReferralService
    let worklists: ReferralWorklists

    func register(on routes: RouteGroups) {
        routes.clinicians.get(APIURL.referrals, use: list)
        routes.clinicians.post(APIURL.referrals, use: create)
        routes.clinicians.get(APIURL.referral(.placeholder), use: show)
        routes.clinicians.post(APIURL.referralAction(.placeholder, .send), use: act)
    }

    struct NoteDTO: Codable {
        let id: UUID
        let kind: String
        let authorID: UUID
        let createdAt: Date
        let sections: [String: String]
    }

    struct ReferralDTO: ResponseEncodable {
        let id: UUID
        let patientID: UUID
        let patientName: String
        let referrerID: UUID
        let recipientID: UUID?
        let recipientOrganisationID: UUID?
        let urgency: String
        let state: String
        let letter: [String: String]
        let sentAt: Date?
        let acknowledgementDueAt: Date?
        let acknowledgedAt: Date?
        let firstAppointmentAt: Date?
        let dischargedAt: Date?
        let closingDueAt: Date?
        let closedAt: Date?
        let endedReason: String?
        let redirectedFromID: UUID?
        let allowedActions: [String]?
        let notes: [NoteDTO]?

        init(_ referral: Referral, side: ReferralSide?, notes: [ReferralNoteRecord]?) {
            id = referral.id!
            patientID = referral.$patient.id
            patientName = referral.$patient.value.map { "\($0.givenName) \($0.familyName)" } ?? ""
            referrerID = referral.$referrer.id
            recipientID = referral.$recipient.id
            recipientOrganisationID = referral.$recipientOrganisation.id
            urgency = referral.urgency
            state = referral.state
            letter = Self.sections(referral.letterNote)
            sentAt = referral.sentAt
            acknowledgementDueAt = referral.acknowledgementDueAt
            acknowledgedAt = referral.acknowledgedAt
            firstAppointmentAt = referral.firstAppointmentAt
            dischargedAt = referral.dischargedAt
            closingDueAt = referral.closingDueAt
            closedAt = referral.closedAt
            endedReason = referral.endedReason
            redirectedFromID = referral.redirectedFromID
            allowedActions = side.map { ReferralStateMachine.allowedActions(in: referral.referralState, for: $0).map(\.rawValue) }
            self.notes = notes?.map {
                NoteDTO(id: $0.id!, kind: $0.kind, authorID: $0.$author.id, createdAt: $0.createdAt, sections: Self.sections($0.note))
            }
        }

        static func sections(_ note: Letter?) -> [String: String] {
            Dictionary(uniqueKeysWithValues: (note?.sections ?? []).map { ($0.key, $0.text) })
        }
    }

    struct Worklist: ResponseEncodable {
        struct Line: Codable {
            let referralID: UUID
            let patientName: String
            let state: String
            let owed: String
            let dueAt: Date?
            let status: String?
        }

        let box: String
        /// The most pressing lines, at most `ReferralWorklists.limit`.
        let referrals: [Line]
        /// Every line in the box, shown or not.
        let total: Int
        let overdue: Int
    }

    struct CreateInput: Decodable {
        let patientID: UUID?
        let recipientID: UUID?
        let recipientOrganisationID: UUID?
        let urgency: String?
        let letter: [String: String]?
        let draft: Bool?
    }

    /// `?box=owed` (default): what you owe; `?box=waiting`: what you are waiting to hear about.
    @Sendable func list(_ request: Request, context: ClinicianContext) async throws -> Worklist {
        let box = request.uri.queryParameters["box"].map(String.init) ?? "owed"
        let caller = context.caller
        let list: ReferralWorklists.List
        switch box {
        case "owed": list = try await worklists.owed(by: caller)
        case "waiting": list = try await worklists.waiting(by: caller)
        default: throw AppError.invalid(ValidationErrors("box", "box must be owed or waiting."))
        }
        let lines = list.items.map {
            Worklist.Line(referralID: $0.referralID, patientName: $0.patient.map { "\($0.given) \($0.family)" } ?? "",
                          state: $0.state.rawValue, owed: $0.owed, dueAt: $0.due, status: $0.status?.rawValue)
        }
        return Worklist(box: box, referrals: lines, total: list.total, overdue: list.overdue)
    }

    @Sendable func create(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<ReferralDTO> {
        var request = request

        let input = try await request.input(CreateInput.self, context: context)
        let referral = try await referrals.create(
            .init(patientID: input.patientID, recipientID: input.recipientID, recipientOrganisationID: input.recipientOrganisationID,
                  urgency: input.urgency, letter: input.letter ?? [:], sendNow: !(input.draft ?? false)),
            once: try SubmissionKey.of(request), by: context.caller)
        // Everything in the answer is what the caller has written; a new referral has no notes yet.
        return EditedResponse(status: .created, response: ReferralDTO(referral, side: .referrer, notes: []))
    }

    @Sendable func show(_ request: Request, context: ClinicianContext) async throws -> ReferralDTO {
        let loaded = try await referrals.load(try context.uuid("id"), by: context.caller)
        return ReferralDTO(loaded.referral, side: loaded.side, notes: loaded.notes)
    }

    /// `POST /api/v1/referrals/{id}/actions/{action}` with the action's fields as a JSON object of strings.
    @Sendable func act(_ request: Request, context: ClinicianContext) async throws -> ReferralDTO {
        let id = try context.uuid("id")
        guard let action = context.parameters.get("action").flatMap(ReferralAction.init(rawValue:)) else { throw AppError.notFound }
        var request = request
        let fields: [String: String]
        if (try await request.collectBody(upTo: context.maxUploadSize)).readableBytes == 0 {
            fields = [:]
        } else {
            fields = try await request.input([String: String].self, context: context)
        }
        let stepped = try await referrals.act(action, on: id, fields: fields, by: context.caller)
        do {
            let loaded = try await referrals.load(id, by: context.caller, audited: false)
            return ReferralDTO(loaded.referral, side: loaded.side, notes: loaded.notes)
        } catch AppError.notFound {
            // The step ended the caller's part in the loop (a decline): they get its outcome, no more.
            return ReferralDTO(stepped, side: nil, notes: nil)
        } catch let error where DatabaseBusy.matches(error) {
            // The step is done; only reading it back again found the database too busy. Say what
            // was done rather than "nothing changed".
            return ReferralDTO(stepped, side: nil, notes: nil)
        }
    }
}
