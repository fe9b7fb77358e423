import FluentKit
import Foundation
import LiaisonCore

/// The stored form of a clinician's directory profile. One per user at most.
///
/// Lists (languages, insurance, locations) are stored as `|`-delimited text so a row carries
/// everything the directory shows, and filters match one bounded `LIKE` pattern.
public final class Profile: Model, @unchecked Sendable {
    public static let schema = "profiles"

    @ID(key: .id) public var id: UUID?
    @Parent(key: "user_id") public var user: UserAccount
    @Field(key: "discipline") public var discipline: String
    @Field(key: "credentials") public var credentials: String
    @Field(key: "about") public var about: String
    @Field(key: "contact_method") public var contactMethod: String
    @Field(key: "contact_phone") public var contactPhone: String
    @Field(key: "contact_email") public var contactEmail: String
    @Field(key: "contact_hours") public var contactHours: String
    @Field(key: "languages") public var languages: String
    @Field(key: "insurance") public var insurance: String
    @Field(key: "modality") public var modality: String
    @Field(key: "locations") public var locations: String
    @Field(key: "accepting_new_patients") public var acceptingNewPatients: Bool
    @Field(key: "transfer_policy") public var transferPolicy: String
    @Field(key: "prioritises_without_psychiatrist") public var prioritisesWithoutPsychiatrist: Bool
    @Field(key: "listed") public var listed: Bool
    @Field(key: "total_openings") public var totalOpenings: Int
    /// Lower-cased name, credentials and about text, for free-text search.
    @Field(key: "search_text") public var searchText: String
    @Field(key: "updated_at") public var updatedAt: Date
    @Children(for: \.$profile) public var openings: [ServiceOpening]

    public init() {}

    public init(userID: UUID) {
        self.$user.id = userID
    }

    /// Copies a validated profile into the row (openings are stored separately).
    public func apply(_ profile: ClinicianProfile, updatedAt: Date) {
        discipline = profile.discipline.rawValue
        credentials = profile.credentials
        about = profile.about
        contactMethod = profile.contactMethod.rawValue
        contactPhone = profile.contactPhone
        contactEmail = profile.contactEmail
        contactHours = profile.contactHours
        languages = DelimitedList.encode(profile.languages)
        insurance = DelimitedList.encode(profile.insurance)
        modality = profile.modality.rawValue
        locations = DelimitedList.encode(profile.locations)
        acceptingNewPatients = profile.intake.acceptingNewPatients
        transferPolicy = profile.intake.transfers.rawValue
        prioritisesWithoutPsychiatrist = profile.intake.prioritisesPatientsWithoutPsychiatrist
        listed = profile.listedInDirectory
        totalOpenings = profile.totalOpenings
        searchText = [profile.displayName, profile.credentials, profile.about].joined(separator: " ").lowercased()
        self.updatedAt = updatedAt
    }

    /// The domain value, given the person's name and their openings rows.
    public func clinicianProfile(displayName: String, openings: [ServiceOpening]) -> ClinicianProfile {
        ClinicianProfile(
            displayName: displayName, discipline: Discipline(rawValue: discipline) ?? .otherPhysician,
            credentials: credentials, about: about, contactMethod: ContactMethod(rawValue: contactMethod) ?? .secureMessage,
            contactPhone: contactPhone, contactEmail: contactEmail, contactHours: contactHours,
            openings: Dictionary(openings.compactMap { row in ClinicalService(rawValue: row.service).map { ($0, row.openings) } }, uniquingKeysWith: +),
            languages: DelimitedList.decode(languages), insurance: DelimitedList.decode(insurance),
            modality: Modality(rawValue: modality) ?? .both, locations: DelimitedList.decode(locations),
            intake: IntakePolicy(
                acceptingNewPatients: acceptingNewPatients, transfers: TransferPolicy(rawValue: transferPolicy) ?? .accepts,
                prioritisesPatientsWithoutPsychiatrist: prioritisesWithoutPsychiatrist),
            listedInDirectory: listed)
    }
}

/// `|English|Spanish|`: a list stored in one column, matched case-insensitively with `LIKE '%|spanish|%'`.
public enum DelimitedList {
    public static func encode(_ items: [String]) -> String {
        items.isEmpty ? "" : "|" + items.map { $0.replacingOccurrences(of: "|", with: "/") }.joined(separator: "|") + "|"
    }

    public static func decode(_ text: String) -> [String] {
        text.split(separator: "|").map(String.init)
    }
}
