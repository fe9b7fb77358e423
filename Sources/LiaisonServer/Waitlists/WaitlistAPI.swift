import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Waiting lists in the JSON API: a patient's places, adding, the clinician's lists, the steps.
struct WaitlistAPI: Sendable {
    let waitlists: WaitlistService
    let matching: MatchingService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(APIURL.patientWaitlist(.placeholder), use: standings)
        routes.clinicians.post(APIURL.patientWaitlist(.placeholder), use: add)
        routes.clinicians.get(APIURL.waitlist, use: myLists)
        routes.clinicians.post(APIURL.waitlistStep(.placeholder, .accept), use: step)
    }

    struct EntryDTO: Codable, Sendable {
        let id: UUID
        let patientID: UUID
        /// The clinician whose list it is, or who offered an opening from an intake list.
        let clinicianID: UUID?
        let clinicianName: String?
        /// Set on an organisation's intake list.
        let organisationID: UUID?
        /// "Dr. Okafor", or "Riverside Clinic intake".
        let list: String
        let service: String
        let urgency: String
        let status: String
        let addedAt: Date
        let offerExpiresAt: Date?
        /// "3rd of 7", while on the list.
        let position: String?
        /// "about 4 weeks", from the last 90 days' pace; an estimate.
        let estimate: String?

        init(_ entry: WaitlistRow, position: String? = nil, estimate: String? = nil) {
            id = entry.id
            patientID = entry.patientID
            clinicianID = entry.clinicianID
            clinicianName = entry.clinicianName
            organisationID = entry.organisationID
            list = entry.listName
            service = entry.service
            urgency = entry.urgency
            status = entry.status
            addedAt = entry.addedAt
            offerExpiresAt = entry.offerExpiresAt
            self.position = position
            self.estimate = estimate
        }
    }

    struct EntriesDTO: ResponseEncodable {
        let entries: [EntryDTO]
    }

    struct ListDTO: Codable, Sendable {
        let service: String
        /// In fair order.
        let entries: [EntryDTO]
    }

    struct ListsDTO: ResponseEncodable {
        let lists: [ListDTO]
    }

    struct RemoveInput: Decodable {
        var reason: String?
    }

    @Sendable func standings(_ request: Request, context: ClinicianContext) async throws -> EntriesDTO {
        let standings = try await waitlists.standings(ofPatient: try context.uuid("id"), by: context.caller)
        return EntriesDTO(entries: standings.map { standing in
            EntryDTO(standing.entry, position: standing.position.map { WaitlistOrder.position($0, of: standing.count) }, estimate: standing.estimate)
        })
    }

    @Sendable func add(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<EntryDTO> {
        let patientID = try context.uuid("id")
        // Outsiders get "not found" before anything they sent is read.
        try await matching.authorize(patientID, by: context.caller)
        var request = request
        let addition = try await request.input(WaitlistService.Addition.self, context: context)
        return EditedResponse(status: .created, response: EntryDTO(try await waitlists.add(addition, patient: patientID, by: context.caller)))
    }

    @Sendable func myLists(_ request: Request, context: ClinicianContext) async throws -> ListsDTO {
        ListsDTO(lists: try await waitlists.myLists(by: context.caller).map { list in
            ListDTO(service: list.service.rawValue, entries: list.entries.enumerated().map { index, entry in
                EntryDTO(entry, position: WaitlistOrder.position(index + 1, of: list.entries.count))
            })
        })
    }

    @Sendable func step(_ request: Request, context: ClinicianContext) async throws -> EntryDTO {
        let entryID = try context.uuid("id")
        guard let step = context.parameters.get("step").flatMap(WaitlistStep.init(rawValue:)) else { throw AppError.notFound }
        var request = request
        switch step {
        case .accept, .decline: return EntryDTO(try await waitlists.answer(entryID, accept: step == .accept, by: context.caller))
        case .rejoin: return EntryDTO(try await waitlists.rejoin(entryID, by: context.caller))
        case .remove:
            let input = try await request.input(RemoveInput.self, context: context)
            return EntryDTO(try await waitlists.remove(entryID, reason: input.reason, by: context.caller))
        }
    }
}

extension WaitlistAPI.EntryDTO: ResponseEncodable {}
