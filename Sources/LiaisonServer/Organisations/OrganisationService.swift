import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Organisations: creating them, their settings, and their members' roles.
struct OrganisationService: Sendable {
    let database: LiaisonDatabase
    let clock: any Clock

    struct Member: Sendable {
        let membershipID: UUID
        let userID: UUID
        let displayName: String
        let email: String
        let role: MembershipRole
        let hasProfile: Bool
    }

    struct PendingInvitation: Sendable {
        let email: String
        let displayName: String
        let role: MembershipRole
        let expiresAt: Date
    }

    struct Overview: Sendable {
        let organisation: Organisation
        let members: [Member]
        let pendingInvitations: [PendingInvitation]
    }

    /// The organisation with its members, for anyone who belongs to it.
    func overview(_ id: UUID, for actor: Actor) async throws -> Overview {
        let db = database.db()
        guard let organisation = try await Organisation.find(id, on: db) else { throw AppError.notFound }
        guard actor.mayViewMembers(of: id) else { throw AppError.forbidden }
        let memberships = try await Membership.query(on: db).filter(\.$organisation.$id == id).with(\.$user).all()
        let userIDs = memberships.map { $0.$user.id }
        let withProfile = Set(try await Profile.query(on: db).filter(\.$user.$id ~~ userIDs).all().map { $0.$user.id })
        let members = try memberships.map {
            Member(
                membershipID: try $0.requireID(), userID: $0.$user.id, displayName: $0.user.displayName,
                email: $0.user.email, role: $0.membershipRole, hasProfile: withProfile.contains($0.$user.id))
        }.sorted { $0.displayName < $1.displayName }
        var pending: [PendingInvitation] = []
        if actor.mayAdminister(organisation: id) {
            pending = try await Invitation.query(on: db)
                .filter(\.$organisation.$id == id).filter(\.$acceptedAt == nil).filter(\.$expiresAt > clock.now())
                .sort(\.$createdAt, .descending).all()
                .map { PendingInvitation(email: $0.email, displayName: $0.displayName, role: MembershipRole(rawValue: $0.role) ?? .clinician, expiresAt: $0.expiresAt) }
        }
        return Overview(organisation: organisation, members: members, pendingInvitations: pending)
    }

    /// The organisation, for its administrators.
    func organisationForAdministration(_ id: UUID, by actor: Actor) async throws -> Organisation {
        guard let organisation = try await Organisation.find(id, on: database.db()) else { throw AppError.notFound }
        guard actor.mayAdminister(organisation: id) else { throw AppError.forbidden }
        return organisation
    }

    func updateSettings(
        _ id: UUID, _ draft: OrganisationSettingsDraft, targets rawTargets: [String: String], safeguards: OrganisationSafeguards,
        crisisText rawCrisis: String? = nil, by actor: Actor
    ) async throws -> Organisation {
        let organisation = try await organisationForAdministration(id, by: actor)
        var check = FieldChecker()
        let crisis = check.text(rawCrisis, field: "crisisText", label: "What a patient in crisis reads", maxLength: 1000)
        var errors = check.errors
        var settings: OrganisationSettings?
        var targets: ServiceLevelTargets?
        do { settings = try draft.validated() } catch { errors = error }
        do { targets = try ServiceLevelTargets.parse(rawTargets) } catch {
            for problem in error.problems { errors.add(problem.field, problem.message) }
        }
        if !errors.isEmpty { throw AppError.invalid(errors) }
        organisation.apply(settings!)
        organisation.apply(targets!)
        organisation.safeguards = safeguards
        organisation.crisisText = crisis.isEmpty || crisis == CrisisResources.standard ? nil : crisis
        try await organisation.save(on: database.db())
        return organisation
    }

    /// Creates an organisation; installation operators only.
    func create(_ draft: OrganisationSettingsDraft, by actor: Actor) async throws -> Organisation {
        guard actor.mayOperateInstallation else { throw AppError.forbidden }
        let settings: OrganisationSettings
        do {
            settings = try draft.validated()
        } catch {
            throw AppError.invalid(error)
        }
        let organisation = Organisation(settings: settings, createdAt: clock.now())
        try await organisation.create(on: database.db())
        return organisation
    }

    func all() async throws -> [(Organisation, Int)] {
        let db = database.db()
        let organisations = try await Organisation.query(on: db).sort(\.$name).all()
        let memberships = try await Membership.query(on: db).all()
        let counts = Dictionary(grouping: memberships, by: { $0.$organisation.id }).mapValues(\.count)
        return organisations.map { ($0, counts[$0.id!] ?? 0) }
    }

    /// Changes a member's role, keeping at least one administrator.
    func changeRole(of membershipID: UUID, in organisationID: UUID, to rawRole: String, by actor: Actor) async throws {
        guard actor.mayAdminister(organisation: organisationID) else { throw AppError.forbidden }
        guard let role = MembershipRole(rawValue: rawRole) else {
            throw AppError.badRequest("Role must be one of: \(MembershipRole.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        try await database.write { db in
            guard let membership = try await Membership.query(on: db)
                .filter(\.$id == membershipID).filter(\.$organisation.$id == organisationID).first()
            else { throw AppError.notFound }
            if membership.membershipRole == .administrator, role != .administrator {
                let administrators = try await Membership.query(on: db)
                    .filter(\.$organisation.$id == organisationID).filter(\.$role == MembershipRole.administrator.rawValue).count()
                if administrators <= 1 {
                    throw AppError.conflict("This is the organisation's only administrator. Make someone else an administrator first.")
                }
            }
            membership.role = role.rawValue
            try await membership.save(on: db)
        }
    }
}
