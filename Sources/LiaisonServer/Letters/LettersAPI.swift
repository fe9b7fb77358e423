import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Letters in the JSON API: sending one about a patient, the patient's letters the caller wrote
/// or received, and one letter.
struct LettersAPI: Sendable {
    let letters: LetterService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(APIURL.patientLetters(.placeholder), use: list)
        routes.clinicians.post(APIURL.patientLetters(.placeholder), use: send)
        routes.clinicians.get(APIURL.letter(.placeholder), use: show)
        routes.clinicians.post(APIURL.letterRelease(.placeholder), use: release)
    }

    struct LetterDTO: ResponseEncodable, Codable {
        struct Section: Codable {
            let key: String
            let title: String
            let text: String
        }

        let id: UUID
        let patientID: UUID
        let kind: String
        let authorID: UUID
        let authorName: String
        let recipientID: UUID
        let recipientName: String
        let createdAt: Date
        let readAt: Date?
        /// When its author shared it with the patient.
        let releasedAt: Date?
        /// Only when one letter is asked for.
        let sections: [Section]?

        init(_ record: LetterRecord, withSections: Bool) {
            id = record.id!
            patientID = record.$patient.id
            kind = record.kind
            authorID = record.$author.id
            authorName = record.$author.value?.displayName ?? ""
            recipientID = record.$recipient.id
            recipientName = record.$recipient.value?.displayName ?? ""
            createdAt = record.createdAt
            readAt = record.readAt
            releasedAt = record.releasedAt
            sections = withSections ? record.letter?.sections.map { Section(key: $0.key, title: $0.title, text: $0.text) } : nil
        }
    }

    struct ListDTO: ResponseEncodable {
        let letters: [LetterDTO]
    }

    @Sendable func list(_ request: Request, context: ClinicianContext) async throws -> ListDTO {
        ListDTO(letters: try await letters.letters(of: try context.uuid("id"), by: context.caller).map { LetterDTO($0, withSections: false) })
    }

    @Sendable func send(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<LetterDTO> {
        let patientID = try context.uuid("id")
        var request = request
        let draft = try await request.input(LetterService.Draft.self, context: context)
        let record = try await letters.send(draft, about: patientID, by: context.caller)
        record.$author.value = try? await UserAccount.find(context.caller.userID, on: letters.database.reader())
        return EditedResponse(status: .created, response: LetterDTO(record, withSections: true))
    }

    /// The author shares the letter with the patient (their portal shows it); 409 if already shared.
    @Sendable func release(_ request: Request, context: ClinicianContext) async throws -> LetterDTO {
        LetterDTO(try await letters.release(try context.uuid("id"), by: context.caller), withSections: false)
    }

    @Sendable func show(_ request: Request, context: ClinicianContext) async throws -> LetterDTO {
        LetterDTO(try await letters.open(try context.uuid("id"), by: context.caller).record, withSections: true)
    }
}
