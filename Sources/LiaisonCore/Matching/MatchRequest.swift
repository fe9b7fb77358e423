import Foundation

/// What a care team needs for a patient: the service, how soon, and what must fit.
public struct MatchRequest: Sendable, Equatable {
    public var service: ClinicalService
    public var urgency: Urgency
    public var language: String?
    public var insurance: String?
    public var modality: Modality
    /// Where the patient would go in person: a place name (`Places`).
    public var location: String?
    /// Taking over from the patient's current clinician of the same kind.
    public var isTransfer: Bool
    /// Filled in from the record: no psychiatric prescriber on the team now.
    public var patientHasPsychiatrist: Bool

    public init(
        service: ClinicalService, urgency: Urgency = .routine, language: String? = nil, insurance: String? = nil, modality: Modality = .both,
        location: String? = nil, isTransfer: Bool = false, patientHasPsychiatrist: Bool = false
    ) {
        self.service = service
        self.urgency = urgency
        self.language = language
        self.insurance = insurance
        self.modality = modality
        self.location = location
        self.isTransfer = isTransfer
        self.patientHasPsychiatrist = patientHasPsychiatrist
    }

    /// Reads a request from query or form fields, refusing unknown values with a clear message.
    public static func parse(_ fields: [String: String]) throws(ValidationErrors) -> MatchRequest {
        var check = FieldChecker()
        let service = check.choice(fields["service"], field: "service", label: "Service", as: ClinicalService.self)
        func optional<T: RawRepresentable & CaseIterable>(_ key: String, _ label: String, _ type: T.Type) -> T? where T.RawValue == String {
            guard let raw = fields[key], !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return check.choice(raw, field: key, label: label, as: type)
        }
        func optionalText(_ key: String, _ label: String) -> String? {
            let value = check.text(fields[key], field: key, label: label, maxLength: 100)
            return value.isEmpty ? nil : value
        }
        let urgency = optional("urgency", "Urgency", Urgency.self) ?? .routine
        let modality = optional("modality", "Modality", Modality.self) ?? .both
        let language = optionalText("language", "Language")
        let insurance = optionalText("insurance", "Insurance")
        let location = optionalText("location", "Location")
        var transfer = false
        switch fields["transfer"]?.lowercased() {
        case nil, "", "0", "false", "off", "no": transfer = false
        case "1", "true", "on", "yes": transfer = true
        default: check.errors.add("transfer", "Transfer must be true or false.")
        }
        try check.errors.throwIfAny()
        return MatchRequest(
            service: service!, urgency: urgency, language: language, insurance: insurance, modality: modality, location: location, isTransfer: transfer)
    }
}

/// A clinician as matching sees them: what they offer for the service asked about.
public struct MatchCandidate: Sendable, Equatable {
    public var userID: UUID
    public var name: String
    public var discipline: Discipline
    /// Openings for the service asked about (the candidate offers it).
    public var openings: Int
    public var languages: [String]
    public var insurance: [String]
    public var modality: Modality
    public var locations: [String]
    public var intake: IntakePolicy

    public init(
        userID: UUID, name: String, discipline: Discipline, openings: Int, languages: [String] = ["English"], insurance: [String] = [],
        modality: Modality = .both, locations: [String] = [], intake: IntakePolicy
    ) {
        self.userID = userID
        self.name = name
        self.discipline = discipline
        self.openings = openings
        self.languages = languages
        self.insurance = insurance
        self.modality = modality
        self.locations = locations
        self.intake = intake
    }
}
