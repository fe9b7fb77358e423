import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Transfers of care in the JSON API: asking, the patient's and the caller's transfers, one
/// transfer (its handoff summary for the clinicians), and each step.
struct TransfersAPI: Sendable {
    let transfers: TransferService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(APIURL.patientTransfers(.placeholder), use: ofPatient)
        routes.clinicians.post(APIURL.patientTransfers(.placeholder), use: request)
        routes.clinicians.get(APIURL.transfers, use: mine)
        routes.signedIn.get(APIURL.transfer(.placeholder), use: show)
        routes.signedIn.post(APIURL.transferAction(.placeholder, .accept), use: act)
    }

    struct TransferDTO: ResponseEncodable, Codable {
        struct Section: Codable {
            let key: String
            let title: String
            let text: String
        }

        let id: UUID
        let patientID: UUID
        let role: String
        let outgoingID: UUID
        let outgoingName: String
        let incomingID: UUID
        let incomingName: String
        let requestedByPatient: Bool
        let reason: String
        let state: String
        let createdAt: Date
        let answerDueAt: Date?
        let acceptedAt: Date?
        let handoffDueAt: Date?
        let handoffWrittenAt: Date?
        let handoffOwed: Bool
        let firstVisitOn: String?
        let completedAt: Date?
        let outgoingAccessEndsAt: Date?
        let endedReason: String?
        /// What the caller may do now.
        let allowedActions: [String]
        /// The handoff summary, for the clinicians; absent otherwise.
        let handoff: [Section]?

        init(_ transfer: Transfer, handoff: Letter? = nil, allowed: [TransferAction] = []) {
            id = transfer.id!
            patientID = transfer.$patient.id
            role = transfer.role
            outgoingID = transfer.$outgoing.id
            outgoingName = transfer.$outgoing.value?.displayName ?? ""
            incomingID = transfer.$incoming.id
            incomingName = transfer.$incoming.value?.displayName ?? ""
            requestedByPatient = transfer.requestedByPatient
            reason = transfer.reason
            state = transfer.state
            createdAt = transfer.createdAt
            answerDueAt = transfer.answerDueAt
            acceptedAt = transfer.acceptedAt
            handoffDueAt = transfer.handoffDueAt
            handoffWrittenAt = transfer.handoffWrittenAt
            handoffOwed = transfer.handoffOwed
            firstVisitOn = transfer.firstVisitOn
            completedAt = transfer.completedAt
            outgoingAccessEndsAt = transfer.outgoingAccessEndsAt
            endedReason = transfer.endedReason
            allowedActions = allowed.map(\.rawValue)
            self.handoff = handoff?.sections.map { Section(key: $0.key, title: $0.title, text: $0.text) }
        }

        init(_ viewed: TransferService.Viewed) {
            self.init(viewed.transfer, handoff: viewed.handoff, allowed: viewed.allowed)
        }
    }

    struct ListDTO: ResponseEncodable {
        let transfers: [TransferDTO]
    }

    @Sendable func ofPatient(_ request: Request, context: ClinicianContext) async throws -> ListDTO {
        ListDTO(transfers: try await transfers.transfers(of: try context.uuid("id"), by: context.caller).map { TransferDTO($0) })
    }

    @Sendable func request(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<TransferDTO> {
        let patientID = try context.uuid("id")
        var request = request
        let input = try await request.input(TransferService.Request.self, context: context)
        let transfer = try await transfers.request(input, for: patientID, by: context.caller)
        return EditedResponse(status: .created, response: TransferDTO(transfer, allowed: TransferStateMachine.allowedActions(in: .requested, handoffWritten: false, for: [.requester])))
    }

    @Sendable func mine(_ request: Request, context: ClinicianContext) async throws -> ListDTO {
        ListDTO(transfers: try await transfers.mine(by: context.caller).map { TransferDTO($0) })
    }

    @Sendable func show(_ request: Request, context: SignedInContext) async throws -> TransferDTO {
        TransferDTO(try await transfers.view(try context.uuid("id"), by: context.caller))
    }

    @Sendable func act(_ request: Request, context: SignedInContext) async throws -> TransferDTO {
        let id = try context.uuid("id")
        guard let action = context.parameters.get("action").flatMap(TransferAction.init(rawValue:)) else { throw AppError.notFound }
        var request = request
        // A step without fields (accept) may come without a body.
        let empty = try await request.collectBody(upTo: context.maxUploadSize).readableBytes == 0
        let fields = empty ? [:] : try await request.input([String: String].self, context: context)
        try await transfers.act(action, on: id, fields: fields, by: context.caller)
        return TransferDTO(try await transfers.view(id, by: context.caller))
    }
}
