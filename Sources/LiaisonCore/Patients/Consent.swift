import Foundation

/// The patient's choices about which care-team roles may read each other's notes.
///
/// Within a treating team sharing is the default (confidentiality extends to the team); the
/// patient may withhold it between any two roles, e.g. therapist and primary care.
public struct ConsentSettings: Sendable, Equatable {
    /// Role pairs that may not read each other's notes; stored in both directions' normal form.
    public private(set) var withheld: Set<RolePair>

    public struct RolePair: Sendable, Hashable, Comparable {
        public let first: CareTeamRole
        public let second: CareTeamRole

        public init(_ a: CareTeamRole, _ b: CareTeamRole) {
            (first, second) = a.rawValue <= b.rawValue ? (a, b) : (b, a)
        }

        /// "primary-care:therapist"
        public var key: String { "\(first.rawValue):\(second.rawValue)" }

        public init?(key: String) {
            let parts = key.split(separator: ":").map(String.init)
            guard parts.count == 2, let a = CareTeamRole(rawValue: parts[0]), let b = CareTeamRole(rawValue: parts[1]) else { return nil }
            self.init(a, b)
        }

        public static func < (lhs: RolePair, rhs: RolePair) -> Bool { lhs.key < rhs.key }
    }

    public init(withheld: Set<RolePair> = []) {
        self.withheld = withheld
    }

    /// The pairs a consent form offers: every two different roles, plus each role with itself.
    public static let allPairs: [RolePair] = {
        var pairs = Set<RolePair>()
        for a in CareTeamRole.allCases { for b in CareTeamRole.allCases { pairs.insert(RolePair(a, b)) } }
        return pairs.sorted()
    }()

    public func allowsSharing(between a: CareTeamRole, and b: CareTeamRole) -> Bool {
        !withheld.contains(RolePair(a, b))
    }

    /// Reads pair keys from a form or API, refusing unknown ones.
    public static func parse(withheldKeys: [String]) throws(ValidationErrors) -> ConsentSettings {
        var errors = ValidationErrors()
        var pairs = Set<RolePair>()
        for key in withheldKeys {
            if let pair = RolePair(key: key) { pairs.insert(pair) } else {
                errors.add("withheld", "\"\(key.prefix(60))\" is not a pair of care-team roles (e.g. therapist:primary-care).")
            }
        }
        try errors.throwIfAny()
        return ConsentSettings(withheld: pairs)
    }
}

/// A note on the team record.
public enum NoteKind: String, Sendable, Codable, CaseIterable, Labelled {
    /// Shared with the team, within the patient's consent.
    case team
    /// A psychotherapy process note: its author's alone.
    case privateProcess = "private-process"

    public var label: String {
        switch self {
        case .team: "Team note"
        case .privateProcess: "Private process note (only you will see it)"
        }
    }
}

/// Who may read a note.
public enum NoteVisibility {
    public static func mayRead(
        kind: NoteKind, authorID: UUID, authorRole: CareTeamRole, viewerID: UUID, viewerAccess: PatientAccess, consent: ConsentSettings
    ) -> Bool {
        if viewerID == authorID { return true }
        if kind == .privateProcess { return false }
        switch viewerAccess {
        case .careTeam(let role): return consent.allowsSharing(between: authorRole, and: role)
        // An emergency clinician reads as an outsider to the team ("other").
        case .emergency: return consent.allowsSharing(between: authorRole, and: .other)
        case .none, .patientSelf: return false
        }
    }
}
