import Foundation

/// Everything a clinician tells colleagues about their practice, validated.
public struct ClinicianProfile: Sendable, Equatable, Codable {
    public var displayName: String
    public var discipline: Discipline
    public var credentials: String
    public var about: String
    public var contactMethod: ContactMethod
    public var contactPhone: String
    public var contactEmail: String
    public var contactHours: String
    /// Openings per service offered; a service absent from the map is not offered.
    public var openings: [ClinicalService: Int]
    public var languages: [String]
    public var insurance: [String]
    public var modality: Modality
    public var locations: [String]
    public var intake: IntakePolicy
    public var listedInDirectory: Bool

    public init(
        displayName: String, discipline: Discipline, credentials: String = "", about: String = "",
        contactMethod: ContactMethod = .secureMessage, contactPhone: String = "", contactEmail: String = "",
        contactHours: String = "", openings: [ClinicalService: Int] = [:], languages: [String] = ["English"],
        insurance: [String] = [], modality: Modality = .both, locations: [String] = [],
        intake: IntakePolicy = .init(acceptingNewPatients: false, transfers: .accepts, prioritisesPatientsWithoutPsychiatrist: false),
        listedInDirectory: Bool = true
    ) {
        self.displayName = displayName
        self.discipline = discipline
        self.credentials = credentials
        self.about = about
        self.contactMethod = contactMethod
        self.contactPhone = contactPhone
        self.contactEmail = contactEmail
        self.contactHours = contactHours
        self.openings = openings
        self.languages = languages
        self.insurance = insurance
        self.modality = modality
        self.locations = locations
        self.intake = intake
        self.listedInDirectory = listedInDirectory
    }

    public var totalOpenings: Int { openings.values.reduce(0, +) }

    /// Whether they can take a new patient into their care now: accepting, with an opening in a
    /// service other than second opinions, and not a consultant for second opinions only (who
    /// sees a patient once and hands them back).
    public var takesNewPatientsNow: Bool {
        intake.acceptingNewPatients && intake.transfers != .secondOpinionsOnly
            && openings.contains { $0.key != .secondOpinion && $0.value > 0 }
    }

    /// Openings for a one-time second opinion, when they offer any.
    public var secondOpinionOpenings: Int? { openings[.secondOpinion] }
}

/// A profile as typed into the form or sent to the API: every field raw, nothing trusted.
public struct ClinicianProfileDraft: Sendable, Codable, Equatable {
    public var displayName: String?
    public var discipline: String?
    public var credentials: String?
    public var about: String?
    public var contactMethod: String?
    public var contactPhone: String?
    public var contactEmail: String?
    public var contactHours: String?
    /// Raw openings keyed by service raw value; a key present means the service is offered.
    public var openings: [String: String]
    public var languages: String?
    public var insurance: String?
    public var modality: String?
    public var locations: String?
    public var acceptingNewPatients: Bool
    public var transfers: String?
    public var prioritisesPatientsWithoutPsychiatrist: Bool
    public var listedInDirectory: Bool

    public init(
        displayName: String? = nil, discipline: String? = nil, credentials: String? = nil, about: String? = nil,
        contactMethod: String? = nil, contactPhone: String? = nil, contactEmail: String? = nil,
        contactHours: String? = nil, openings: [String: String] = [:], languages: String? = nil,
        insurance: String? = nil, modality: String? = nil, locations: String? = nil,
        acceptingNewPatients: Bool = false, transfers: String? = nil,
        prioritisesPatientsWithoutPsychiatrist: Bool = false, listedInDirectory: Bool = false
    ) {
        self.displayName = displayName
        self.discipline = discipline
        self.credentials = credentials
        self.about = about
        self.contactMethod = contactMethod
        self.contactPhone = contactPhone
        self.contactEmail = contactEmail
        self.contactHours = contactHours
        self.openings = openings
        self.languages = languages
        self.insurance = insurance
        self.modality = modality
        self.locations = locations
        self.acceptingNewPatients = acceptingNewPatients
        self.transfers = transfers
        self.prioritisesPatientsWithoutPsychiatrist = prioritisesPatientsWithoutPsychiatrist
        self.listedInDirectory = listedInDirectory
    }

    /// The draft of an existing profile, for pre-filling the form.
    public init(_ profile: ClinicianProfile) {
        self.init(
            displayName: profile.displayName, discipline: profile.discipline.rawValue,
            credentials: profile.credentials, about: profile.about, contactMethod: profile.contactMethod.rawValue,
            contactPhone: profile.contactPhone, contactEmail: profile.contactEmail, contactHours: profile.contactHours,
            openings: Dictionary(uniqueKeysWithValues: profile.openings.map { ($0.key.rawValue, String($0.value)) }),
            languages: profile.languages.joined(separator: ", "), insurance: profile.insurance.joined(separator: ", "),
            modality: profile.modality.rawValue, locations: profile.locations.joined(separator: ", "),
            acceptingNewPatients: profile.intake.acceptingNewPatients, transfers: profile.intake.transfers.rawValue,
            prioritisesPatientsWithoutPsychiatrist: profile.intake.prioritisesPatientsWithoutPsychiatrist,
            listedInDirectory: profile.listedInDirectory
        )
    }

    public static let maximumOpenings = 500

    /// Checks every field and returns the profile, or all the problems at once.
    public func validated() throws(ValidationErrors) -> ClinicianProfile {
        var check = FieldChecker()
        let name = check.text(displayName, field: "displayName", label: "Name", required: true, maxLength: 120)
        let discipline = check.choice(discipline, field: "discipline", label: "Discipline", as: Discipline.self)
        let credentials = check.text(credentials, field: "credentials", label: "Credentials", maxLength: 200)
        let about = check.text(about, field: "about", label: "About your practice", maxLength: 1000)
        let method = check.choice(contactMethod, field: "contactMethod", label: "Preferred contact", as: ContactMethod.self)
        let phone = check.text(contactPhone, field: "contactPhone", label: "Phone", maxLength: 40)
        if !phone.isEmpty, phone.filter(\.isNumber).count < 6 || phone.contains(where: { !"0123456789+-() .x".contains($0) }) {
            check.errors.add("contactPhone", "Phone should be digits, spaces and + - ( ) only, e.g. +1 555 0100.")
        }
        let email = check.text(contactEmail, field: "contactEmail", label: "Contact email", maxLength: 254)
        if !email.isEmpty, EmailAddress(email) == nil {
            check.errors.add("contactEmail", "Contact email does not look like an email address.")
        }
        if method == .phone, phone.isEmpty {
            check.errors.add("contactPhone", "You prefer phone calls: give a phone number.")
        }
        if method == .email, email.isEmpty {
            check.errors.add("contactEmail", "You prefer email: give a contact email.")
        }
        let hours = check.text(contactHours, field: "contactHours", label: "When to reach you", maxLength: 200)
        let openings = validatedOpenings(into: &check.errors)
        let languages = check.list(languages, field: "languages", label: "Languages")
        if languages.isEmpty {
            check.errors.add("languages", "Name at least one language you work in.")
        }
        let insurance = check.list(insurance, field: "insurance", label: "Insurance", maxItems: 40)
        let modality = check.choice(modality, field: "modality", label: "How you see patients", as: Modality.self)
        let locations = check.list(locations, field: "locations", label: "Locations")
        if modality != nil, modality != .telehealth, locations.isEmpty {
            check.errors.add("locations", "You see patients in person: name at least one location.")
        }
        let transfers = check.choice(transfers, field: "transfers", label: "Transfer policy", as: TransferPolicy.self)
        if transfers == .secondOpinionsOnly, openings[.secondOpinion] == nil {
            check.errors.add("transfers", "Second opinions only: also offer the second-opinion consultation service.")
        }
        if acceptingNewPatients, !openings.isEmpty, openings.values.allSatisfy({ $0 == 0 }) {
            check.errors.add("acceptingNewPatients", "You are accepting new patients: give at least one opening.")
        }
        try check.errors.throwIfAny()
        return ClinicianProfile(
            displayName: name, discipline: discipline!, credentials: credentials, about: about,
            contactMethod: method!, contactPhone: phone, contactEmail: email.lowercased(), contactHours: hours,
            openings: openings, languages: languages, insurance: insurance, modality: modality!, locations: locations,
            intake: IntakePolicy(
                acceptingNewPatients: acceptingNewPatients, transfers: transfers!,
                prioritisesPatientsWithoutPsychiatrist: prioritisesPatientsWithoutPsychiatrist),
            listedInDirectory: listedInDirectory
        )
    }

    private func validatedOpenings(into errors: inout ValidationErrors) -> [ClinicalService: Int] {
        var result: [ClinicalService: Int] = [:]
        for (key, raw) in openings.sorted(by: { $0.key < $1.key }) {
            guard let service = ClinicalService(rawValue: key) else {
                errors.add("openings", "Unknown service \"\(key.prefix(40))\".")
                continue
            }
            let text = raw.trimmingCharacters(in: .whitespaces)
            guard let count = text.isEmpty ? 0 : Int(text), (0...Self.maximumOpenings).contains(count) else {
                errors.add("openings.\(key)", "Openings for \(service.label.lowercased()) must be a whole number from 0 to \(Self.maximumOpenings).")
                continue
            }
            result[service] = count
        }
        return result
    }
}
