/// A service a clinician offers, with its own openings.
public enum ClinicalService: String, Sendable, Codable, CaseIterable {
    case psychotherapy
    case medicationManagement = "medication-management"
    case combinedTherapyAndMedication = "combined"
    case secondOpinion = "second-opinion"
    case caseManagement = "case-management"
    case primaryCare = "primary-care"

    public var label: String {
        switch self {
        case .psychotherapy: "Psychotherapy"
        case .medicationManagement: "Medication management"
        case .combinedTherapyAndMedication: "Combined therapy and medication"
        case .secondOpinion: "Second-opinion consultation"
        case .caseManagement: "Case management"
        case .primaryCare: "Primary care"
        }
    }
}

/// How a clinician sees patients.
public enum Modality: String, Sendable, Codable, CaseIterable {
    case inPerson = "in-person"
    case telehealth
    case both

    public var label: String {
        switch self {
        case .inPerson: "In person"
        case .telehealth: "Telehealth"
        case .both: "In person and telehealth"
        }
    }

    /// Whether a clinician with this modality can serve someone who needs `wanted`.
    public func serves(_ wanted: Modality) -> Bool {
        self == .both || wanted == .both || self == wanted
    }
}

/// How a clinician prefers colleagues to reach them.
public enum ContactMethod: String, Sendable, Codable, CaseIterable {
    case secureMessage = "secure-message"
    case phone
    case email

    public var label: String {
        switch self {
        case .secureMessage: "Secure message in Liaison"
        case .phone: "Phone"
        case .email: "Email"
        }
    }
}
