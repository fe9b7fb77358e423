import Foundation

/// A person's role within one organisation.
public enum MembershipRole: String, Sendable, Codable, CaseIterable {
    case clinician
    case administrator

    public var label: String {
        switch self {
        case .clinician: "Clinician"
        case .administrator: "Organisation administrator"
        }
    }
}

/// Who is acting: enough to decide what they may do in general.
///
/// Role decides what someone may do; it never decides which patients' records they see.
public struct Actor: Sendable, Equatable {
    public let userID: UUID
    public let isSystemAdministrator: Bool
    public let memberships: [UUID: MembershipRole]

    public init(userID: UUID, isSystemAdministrator: Bool, memberships: [UUID: MembershipRole]) {
        self.userID = userID
        self.isSystemAdministrator = isSystemAdministrator
        self.memberships = memberships
    }

    /// May change the organisation's settings, invite members and change their roles.
    public func mayAdminister(organisation id: UUID) -> Bool {
        isSystemAdministrator || memberships[id] == .administrator
    }

    /// May see the organisation's member list.
    public func mayViewMembers(of organisation: UUID) -> Bool {
        isSystemAdministrator || memberships[organisation] != nil
    }

    /// May create organisations and see the installation's administration pages.
    public var mayOperateInstallation: Bool { isSystemAdministrator }
}

