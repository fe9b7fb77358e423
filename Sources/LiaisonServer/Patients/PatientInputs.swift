import Foundation
import LiaisonCore

/// What the patient pages' forms and the API's JSON bodies both carry, decoded by
/// `Request.input` or `FormData.decode`: one field list per step, for both transports.
enum PatientInput {
    /// The patient's details are `PatientDraft`'s fields, flat beside the registration's own.
    struct Registration: Decodable, Sendable {
        var details: PatientDraft
        var role: String?
        var organisationID: UUID?
        var identifier: String?
        var confirmedDifferentPerson: Bool?

        private enum CodingKeys: String, CodingKey {
            case role, organisationID, identifier, confirmedDifferentPerson
        }

        init(from decoder: any Decoder) throws {
            details = try PatientDraft(from: decoder)
            let fields = try decoder.container(keyedBy: CodingKeys.self)
            role = try fields.decodeIfPresent(String.self, forKey: .role)
            organisationID = try fields.decodeIfPresent(UUID.self, forKey: .organisationID)
            identifier = try fields.decodeIfPresent(String.self, forKey: .identifier)
            confirmedDifferentPerson = try fields.decodeIfPresent(Bool.self, forKey: .confirmedDifferentPerson)
        }

        var registration: PatientService.Registration {
            PatientService.Registration(
                draft: details, role: role, organisationID: organisationID, identifier: identifier, confirmedDifferentPerson: confirmedDifferentPerson ?? false)
        }
    }

    /// A correction of the patient's details: a field left out stays as it is. Record numbers are
    /// keyed by organisation id (`recordNumbers.<id>` in a form).
    struct Correction: Decodable, Sendable {
        var details: PatientDraft
        var recordNumbers: [String: String]?
        var reason: String?

        private enum CodingKeys: String, CodingKey {
            case recordNumbers, reason
        }

        init(from decoder: any Decoder) throws {
            details = try PatientDraft(from: decoder)
            let fields = try decoder.container(keyedBy: CodingKeys.self)
            recordNumbers = try fields.decodeIfPresent([String: String].self, forKey: .recordNumbers)
            reason = try fields.decodeIfPresent(String.self, forKey: .reason)
        }

        func correction() throws(AppError) -> PatientService.Correction {
            var numbers: [UUID: String] = [:]
            for (key, value) in recordNumbers ?? [:] {
                guard let organisationID = UUID(uuidString: key) else { throw .badRequest("recordNumbers is keyed by organisation id; \(key.prefix(40)) is not one.") }
                numbers[organisationID] = value
            }
            return PatientService.Correction(details: details, recordNumbers: numbers, reason: reason)
        }
    }

    struct Member: Decodable, Sendable {
        var email: String?
        var role: String?
        var responsiblePrescriber: Bool?
    }

    struct Note: Decodable, Sendable {
        var kind: String?
        var body: String?
    }
}
