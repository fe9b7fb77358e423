import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Care events in the JSON API: a patient's events, recording one (idempotent on the sender's
/// `eventID`: sent again, the first event is answered with 200), the caller's events to
/// acknowledge and visits owed after discharges, and the steps on an event.
struct CareEventsAPI: Sendable {
    let events: CareEventService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(APIURL.patientCareEvents(.placeholder), use: list)
        routes.clinicians.post(APIURL.patientCareEvents(.placeholder), use: record)
        routes.clinicians.get(APIURL.careEvents, use: mine)
        routes.clinicians.post(APIURL.careEventStep(.placeholder, .acknowledge), use: step)
    }

    struct EventDTO: ResponseEncodable, Codable {
        let id: UUID
        let patientID: UUID
        let kind: String
        let urgent: Bool
        let occurredAt: Date
        let recordedAt: Date
        let source: String
        let recordedBy: UUID?
        let facility: String
        let visitNumber: String?
        let details: String
        let eventID: String?
        let acknowledgeBy: Date?
        let acknowledgedAt: Date?
        let acknowledgedBy: UUID?
        let acknowledgement: String?
        let teamEscalatedAt: Date?
        let administratorsEscalatedAt: Date?
        let cancelledAt: Date?
        let cancelReason: String?
        let followUpDueAt: Date?
        let followUpDoneAt: Date?

        init(_ event: CareEvent) {
            id = event.id!
            patientID = event.$patient.id
            kind = event.kind
            urgent = event.eventKind.isUrgent
            occurredAt = event.occurredAt
            recordedAt = event.recordedAt
            source = event.source
            recordedBy = event.$recordedBy.id
            facility = event.facility
            visitNumber = event.visitNumber
            details = event.details
            eventID = event.externalID
            acknowledgeBy = event.escalateTeamAt
            acknowledgedAt = event.acknowledgedAt
            acknowledgedBy = event.$acknowledgedBy.id
            acknowledgement = event.acknowledgement
            teamEscalatedAt = event.teamEscalatedAt
            administratorsEscalatedAt = event.administratorsEscalatedAt
            cancelledAt = event.cancelledAt
            cancelReason = event.cancelReason
            followUpDueAt = event.followUpDueAt
            followUpDoneAt = event.followUpDoneAt
        }
    }

    struct EventsDTO: ResponseEncodable {
        let events: [EventDTO]
    }

    @Sendable func list(_ request: Request, context: ClinicianContext) async throws -> EventsDTO {
        EventsDTO(events: try await events.events(of: try context.uuid("id"), by: context.caller).events.map(EventDTO.init))
    }

    @Sendable func record(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<EventDTO> {
        var request = request
        let input = try await request.input(CareEventService.Input.self, context: context)
        let recorded = try await events.record(input, for: try context.uuid("id"), by: context.caller, source: .api)
        return EditedResponse(status: recorded.created ? .created : .ok, response: EventDTO(recorded.event))
    }

    struct MineDTO: ResponseEncodable {
        let toAcknowledge: [EventDTO]
        let followUpsOwed: [EventDTO]
    }

    @Sendable func mine(_ request: Request, context: ClinicianContext) async throws -> MineDTO {
        MineDTO(
            toAcknowledge: try await events.toAcknowledge(by: context.caller).map(EventDTO.init),
            followUpsOwed: try await events.followUpsOwed(by: context.caller).map(EventDTO.init))
    }

    struct StepInput: Decodable {
        var note: String?
        var reason: String?
    }

    @Sendable func step(_ request: Request, context: ClinicianContext) async throws -> EventDTO {
        let id = try context.uuid("id")
        guard let step = context.parameters.get("step").flatMap(CareEventStep.init(rawValue:)) else { throw AppError.notFound }
        var request = request
        let empty = try await request.collectBody(upTo: context.maxUploadSize).readableBytes == 0
        let input = empty ? StepInput() : try await request.input(StepInput.self, context: context)
        switch step {
        case .acknowledge: return EventDTO(try await events.acknowledge(id, note: input.note, by: context.caller))
        case .cancel: return EventDTO(try await events.cancel(id, reason: input.reason, by: context.caller))
        case .followUpDone: return EventDTO(try await events.followUpDone(id, by: context.caller))
        }
    }
}
