/// What someone is looking for in the directory. Every criterion is optional.
public struct DirectoryFilter: Sendable, Equatable {
    public var text: String?
    public var discipline: Discipline?
    public var service: ClinicalService?
    /// Only clinicians with openings (for `service` if given, else for any service) who accept new patients.
    public var withOpenings: Bool
    public var language: String?
    public var insurance: String?
    public var modality: Modality?
    public var location: String?
    /// Only clinicians with this intake policy.
    public var intake: IntakeFilter?
    public var page: Int

    public static let pageSize = 25

    public init(
        text: String? = nil, discipline: Discipline? = nil, service: ClinicalService? = nil, withOpenings: Bool = false,
        language: String? = nil, insurance: String? = nil, modality: Modality? = nil, location: String? = nil, page: Int = 1
    ) {
        self.text = text
        self.discipline = discipline
        self.service = service
        self.withOpenings = withOpenings
        self.language = language
        self.insurance = insurance
        self.modality = modality
        self.location = location
        self.page = page
    }

    /// Reads a filter from query parameters, refusing unknown values with a clear message.
    public static func parse(_ query: [String: String]) throws(ValidationErrors) -> DirectoryFilter {
        var check = FieldChecker()
        func optionalText(_ key: String, _ label: String) -> String? {
            let value = check.text(query[key], field: key, label: label, maxLength: 100)
            return value.isEmpty ? nil : value
        }
        func optionalChoice<T: RawRepresentable & CaseIterable>(_ key: String, _ label: String, _ type: T.Type) -> T? where T.RawValue == String {
            guard let raw = query[key], !raw.trimmingCharacters(in: .whitespaces).isEmpty else { return nil }
            return check.choice(raw, field: key, label: label, as: type)
        }
        var filter = DirectoryFilter()
        filter.text = optionalText("q", "Search text")
        filter.discipline = optionalChoice("discipline", "Discipline", Discipline.self)
        filter.service = optionalChoice("service", "Service", ClinicalService.self)
        filter.modality = optionalChoice("modality", "Modality", Modality.self)
        filter.language = optionalText("language", "Language")
        filter.insurance = optionalText("insurance", "Insurance")
        filter.location = optionalText("location", "Location")
        filter.intake = optionalChoice("intake", "Intake policy", IntakeFilter.self)
        switch query["openings"]?.lowercased() {
        case nil, "", "0", "false", "off", "no": filter.withOpenings = false
        case "1", "true", "on", "yes": filter.withOpenings = true
        default: check.errors.add("openings", "Openings must be true or false.")
        }
        if let raw = query["page"], !raw.isEmpty {
            if let page = Int(raw), (1...10_000).contains(page) { filter.page = page } else {
                check.errors.add("page", "Page must be a whole number from 1 to 10000.")
            }
        }
        try check.errors.throwIfAny()
        return filter
    }
}

/// The intake policies the directory can be narrowed to.
public enum IntakeFilter: String, Sendable, CaseIterable, Labelled {
    /// Takes over a patient who already has a clinician of the same kind.
    case acceptsTransfers = "accepts-transfers"
    /// Offers one-time second opinions (whether or not they also take patients on).
    case secondOpinions = "second-opinions"
    /// Gives scarce openings first to people with no current psychiatrist.
    case priorityWithoutPsychiatrist = "priority-without-psychiatrist"

    public var label: String {
        switch self {
        case .acceptsTransfers: "Accepts transfers"
        case .secondOpinions: "Gives second opinions"
        case .priorityWithoutPsychiatrist: "Priority for people without a psychiatrist"
        }
    }
}
