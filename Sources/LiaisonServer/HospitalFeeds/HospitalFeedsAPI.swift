import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Hospital feeds in the JSON API, for an organisation's administrators: the feeds, registering
/// and turning one off, the messages received, and resolving one that matched no patient.
struct HospitalFeedsAPI: Sendable {
    let feeds: HospitalFeedService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(APIURL.feeds(.placeholder), use: list)
        routes.clinicians.post(APIURL.feeds(.placeholder), use: add)
        routes.clinicians.post(APIURL.feedStep(organisation: .placeholder, feed: .placeholder, .disable), use: disable)
        routes.clinicians.get(APIURL.feedMessages(.placeholder), use: messages)
        routes.clinicians.post(APIURL.feedMessageStep(organisation: .placeholder, message: .placeholder, .retry), use: resolve)
    }

    struct FeedDTO: ResponseEncodable, Codable {
        let id: UUID
        let organisationID: UUID
        let name: String
        let sendingFacility: String
        let timeZone: String
        let createdAt: Date
        let disabledAt: Date?

        init(_ feed: HospitalFeed) {
            id = feed.id!
            organisationID = feed.$organisation.id
            name = feed.name
            sendingFacility = feed.sendingFacility
            timeZone = feed.timeZone
            createdAt = feed.createdAt
            disabledAt = feed.disabledAt
        }
    }

    struct MessageDTO: ResponseEncodable, Codable {
        let id: UUID
        let feedID: UUID
        let controlID: String
        let trigger: String
        let receivedAt: Date
        let status: String
        let ackCode: String
        let ackText: String
        let identifiers: String
        let eventID: UUID?
        let resolvedAt: Date?

        init(_ message: FeedMessage) {
            id = message.id!
            feedID = message.$feed.id
            controlID = message.controlID
            trigger = message.trigger
            receivedAt = message.receivedAt
            status = message.status
            ackCode = message.ackCode
            ackText = message.ackText
            identifiers = message.identifiers
            eventID = message.eventID
            resolvedAt = message.resolvedAt
        }
    }

    struct FeedsDTO: ResponseEncodable {
        let feeds: [FeedDTO]
    }

    struct MessagesDTO: ResponseEncodable {
        let messages: [MessageDTO]
    }

    @Sendable func list(_ request: Request, context: ClinicianContext) async throws -> FeedsDTO {
        FeedsDTO(feeds: try await feeds.overview(of: try context.uuid("id"), by: context.caller).feeds.map(FeedDTO.init))
    }

    @Sendable func add(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<FeedDTO> {
        var request = request
        let input = try await request.input(HospitalFeedService.FeedInput.self, context: context)
        return EditedResponse(status: .created, response: FeedDTO(try await feeds.register(input, organisation: try context.uuid("id"), by: context.caller)))
    }

    @Sendable func disable(_ request: Request, context: ClinicianContext) async throws -> Response {
        guard context.parameters.get("step").flatMap(FeedStep.init(rawValue:)) == .disable else { throw AppError.notFound }
        try await feeds.disable(try context.uuid("feed"), organisation: try context.uuid("id"), by: context.caller)
        return Response(status: .noContent)
    }

    @Sendable func messages(_ request: Request, context: ClinicianContext) async throws -> MessagesDTO {
        MessagesDTO(messages: try await feeds.overview(of: try context.uuid("id"), by: context.caller).messages.map(MessageDTO.init))
    }

    struct ResolveInput: Decodable {
        /// The patient's record id, for `attach`.
        var patient: String?
    }

    @Sendable func resolve(_ request: Request, context: ClinicianContext) async throws -> MessageDTO {
        guard let step = context.parameters.get("step").flatMap(FeedMessageStep.init(rawValue:)) else { throw AppError.notFound }
        var request = request
        let empty = try await request.collectBody(upTo: context.maxUploadSize).readableBytes == 0
        let input = empty ? ResolveInput() : try await request.input(ResolveInput.self, context: context)
        return MessageDTO(try await feeds.resolve(try context.uuid("message"), step: step, patient: input.patient, organisation: try context.uuid("id"), by: context.caller))
    }
}
