import Foundation
import Hummingbird
import LiaisonCore

/// A clinician in the JSON API.
struct ClinicianDTO: ResponseEncodable, Sendable {
    struct Contact: Codable, Sendable {
        let preferredMethod: String
        let phone: String?
        let email: String?
        let hours: String?
    }

    struct Intake: Codable, Sendable {
        let acceptingNewPatients: Bool
        let transfers: String
        let prioritisesPatientsWithoutPsychiatrist: Bool
    }

    let id: UUID
    let displayName: String
    let discipline: String
    let credentials: String
    let about: String
    let organisations: [String]
    let openings: [String: Int]
    let languages: [String]
    let insurance: [String]
    let modality: String
    let locations: [String]
    let intake: Intake
    let contact: Contact
    let listedInDirectory: Bool

    init(_ entry: DirectoryEntry) {
        let profile = entry.profile
        id = entry.userID
        displayName = entry.displayName
        discipline = profile.discipline.rawValue
        credentials = profile.credentials
        about = profile.about
        organisations = entry.organisations
        openings = Dictionary(uniqueKeysWithValues: profile.openings.map { ($0.key.rawValue, $0.value) })
        languages = profile.languages
        insurance = profile.insurance
        modality = profile.modality.rawValue
        locations = profile.locations
        intake = Intake(
            acceptingNewPatients: profile.intake.acceptingNewPatients, transfers: profile.intake.transfers.rawValue,
            prioritisesPatientsWithoutPsychiatrist: profile.intake.prioritisesPatientsWithoutPsychiatrist)
        contact = Contact(
            preferredMethod: profile.contactMethod.rawValue, phone: profile.contactPhone.nilIfEmpty,
            email: profile.contactEmail.nilIfEmpty, hours: profile.contactHours.nilIfEmpty)
        listedInDirectory = profile.listedInDirectory
    }
}

/// One page of directory results.
struct ClinicianList: ResponseEncodable, Sendable {
    let total: Int
    let page: Int
    let pageSize: Int
    let clinicians: [ClinicianDTO]
}

/// A profile as a program sends it: lists as arrays, openings as numbers.
struct ProfileInput: Decodable, Sendable {
    let displayName: String?
    let discipline: String?
    let credentials: String?
    let about: String?
    let contact: ClinicianDTO.Contact?
    let openings: [String: Int]?
    let languages: [String]?
    let insurance: [String]?
    let modality: String?
    let locations: [String]?
    let intake: ClinicianDTO.Intake?
    let listedInDirectory: Bool?

    var draft: ClinicianProfileDraft {
        ClinicianProfileDraft(
            displayName: displayName, discipline: discipline, credentials: credentials, about: about,
            contactMethod: contact?.preferredMethod, contactPhone: contact?.phone, contactEmail: contact?.email,
            contactHours: contact?.hours, openings: (openings ?? [:]).mapValues(String.init),
            languages: languages?.joined(separator: ","), insurance: insurance?.joined(separator: ","),
            modality: modality, locations: locations?.joined(separator: ","),
            acceptingNewPatients: intake?.acceptingNewPatients ?? false, transfers: intake?.transfers,
            prioritisesPatientsWithoutPsychiatrist: intake?.prioritisesPatientsWithoutPsychiatrist ?? false,
            listedInDirectory: listedInDirectory ?? true)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
