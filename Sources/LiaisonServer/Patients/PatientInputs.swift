import Foundation
import LiaisonCore

/// What the patient pages' forms and the API's JSON bodies both carry, decoded by
/// `Request.input` or `FormData.decode`: one field list per step, for both transports.
enum PatientInput {
    struct Registration: Decodable, Sendable {
        var givenName: String?
        var familyName: String?
        var dateOfBirth: String?
        var pronouns: String?
        var phone: String?
        var email: String?
        var address: String?
        var role: String?
        var organisationID: UUID?
        var identifier: String?
        var confirmedDifferentPerson: Bool?

        var registration: PatientService.Registration {
            PatientService.Registration(
                draft: PatientDraft(
                    givenName: givenName, familyName: familyName, dateOfBirth: dateOfBirth, pronouns: pronouns, phone: phone, email: email,
                    address: address),
                role: role, organisationID: organisationID, identifier: identifier, confirmedDifferentPerson: confirmedDifferentPerson ?? false)
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
