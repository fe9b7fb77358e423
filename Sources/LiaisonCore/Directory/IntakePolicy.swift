/// Whether a clinician takes over care of a patient who already has a clinician of the same kind.
public enum TransferPolicy: String, Sendable, Codable, CaseIterable {
    case accepts
    case declines
    case secondOpinionsOnly = "second-opinions-only"

    public var label: String {
        switch self {
        case .accepts: "Accepts transfers from another clinician"
        case .declines: "Does not accept transfers"
        case .secondOpinionsOnly: "Second opinions only, no transfers"
        }
    }
}

/// A clinician's intake policy: who they take on, and who goes first.
public struct IntakePolicy: Sendable, Equatable, Codable {
    public var acceptingNewPatients: Bool
    public var transfers: TransferPolicy
    /// Scarce openings go first to people who have no current psychiatrist.
    public var prioritisesPatientsWithoutPsychiatrist: Bool

    public init(acceptingNewPatients: Bool, transfers: TransferPolicy, prioritisesPatientsWithoutPsychiatrist: Bool) {
        self.acceptingNewPatients = acceptingNewPatients
        self.transfers = transfers
        self.prioritisesPatientsWithoutPsychiatrist = prioritisesPatientsWithoutPsychiatrist
    }
}
