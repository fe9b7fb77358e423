/// A clinician's licensed discipline.
public enum Discipline: String, Sendable, Codable, CaseIterable {
    case psychiatrist
    case psychiatricNursePractitioner = "psychiatric-np"
    case psychologist
    case clinicalSocialWorker = "clinical-social-worker"
    case counsellor
    case primaryCarePhysician = "primary-care-physician"
    case otherPhysician = "other-physician"
    case emergencyPhysician = "emergency-physician"
    case nurse
    case caseManager = "case-manager"

    public var label: String {
        switch self {
        case .psychiatrist: "Psychiatrist"
        case .psychiatricNursePractitioner: "Psychiatric nurse practitioner"
        case .psychologist: "Psychologist"
        case .clinicalSocialWorker: "Clinical social worker"
        case .counsellor: "Counsellor"
        case .primaryCarePhysician: "Primary-care physician"
        case .otherPhysician: "Physician (other specialty)"
        case .emergencyPhysician: "Emergency physician"
        case .nurse: "Nurse"
        case .caseManager: "Case manager"
        }
    }

    /// Psychiatrists and psychiatric NPs: the scarce prescribers whose openings are rationed.
    public var isPrescriber: Bool {
        self == .psychiatrist || self == .psychiatricNursePractitioner
    }
}
