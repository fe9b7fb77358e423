import Foundation
import Hummingbird
import LiaisonCore

/// The page people land on after signing in, and `GET /api/v1/me`.
struct HomeController: Sendable {
    let views: Views
    let directory: DirectoryService
    let patients: PatientService
    let worklists: ReferralWorklists
    let consultations: ConsultationService
    let transfers: TransferService
    let measurement: MeasurementService
    let careEvents: CareEventService
    let openAPIDocument: ByteBuffer

    func register(on routes: RouteGroups) {
        routes.signedIn.get(SiteURL.home, use: home)
        routes.signedIn.get(APIURL.me, use: me)
        routes.open.get(APIURL.openAPI, use: openAPI)
        routes.open.get(SiteURL.stylesheet, use: stylesheet)
    }

    struct HomePage: Sendable {
        struct OrganisationRow: Sendable {
            let name: String
            let role: String
            let href: String
        }

        /// A second opinion the caller owes as consultant, or a transfer of care they owe a step on.
        struct ConsultationRow: Sendable {
            let patient: String
            let owed: String
            let due: String?
            let href: String
        }

        let name: String
        let needsProfile: Bool
        let organisations: [OrganisationRow]
        /// What the caller owes, most pressing first: the same lines as the referrals page.
        let owed: WorklistSection
        let consultations: [ConsultationRow]
        let hasConsultations: Bool
        /// Transfers of care the caller owes a step on, taking over or handing over.
        let transfers: [ConsultationRow]
        let hasTransfers: Bool
        /// Care events on the caller's patients nobody has acknowledged, urgent first: the top of the page.
        let events: [ConsultationRow]
        let hasEvents: Bool
        /// Visits owed after a discharge.
        let dischargeVisits: [ConsultationRow]
        let hasDischargeVisits: Bool
        let careEventsPath = SiteURL.careEvents.path
        /// Questionnaire alerts on the caller's patients that nobody has acknowledged.
        let alerts: [ConsultationRow]
        let hasAlerts: Bool
        /// Referrals the caller sent whose answer is overdue.
        let waitingOverdue: Int?
        let referralsPath = SiteURL.referrals.path
        let profilePath = SiteURL.profile.path
        let directoryPath = SiteURL.directory.path
        let openingsPath = SiteURL.directory.path + "?openings=true"
        let patientsPath = SiteURL.patients.path
        let newPatientPath = SiteURL.newPatient.path
        let emergencyPath = SiteURL.emergencyAccess.path
    }

    @Sendable func home(_ request: Request, context: SignedInContext) async throws -> Response {
        let identity = context.identity
        if identity.isPatient { return views.redirect(to: .portal) }
        let hasProfile = try await directory.profile(of: identity.userID) != nil
        let owed = try await worklists.owed(by: context.caller)
        let waiting = try await worklists.waiting(by: context.caller)
        // The second opinions the caller gives and still owes a step on (finished ones drop out).
        let giving: [HomePage.ConsultationRow] = try await consultations.mine(by: context.caller).filter { $0.$consultant.id == identity.userID }
            .compactMap { consultation in
                let owed: String
                switch consultation.consultationState {
                case .requested: owed = "Answer the request"
                case .accepted: owed = "Record the appointment"
                case .scheduled, .drafted: owed = "Write and release the report"
                case .released: owed = "Close when done"
                default: return nil
                }
                return .init(
                    patient: "\(consultation.patient.givenName) \(consultation.patient.familyName)", owed: owed,
                    due: consultation.consultationState == .requested ? consultation.answerDueAt.map { DisplayDate.dateTime($0) } : nil,
                    href: SiteURL.consultation(consultation.id!).path)
            }
        // The transfers of care the caller owes a step on: an answer, the first visit, a handoff summary.
        let handing: [HomePage.ConsultationRow] = try await transfers.mine(by: context.caller).compactMap { transfer in
            let role = transfer.transferRole.noun
            let step: (String, Date?)
            if transfer.$outgoing.id == identity.userID, transfer.handoffOwed {
                step = ("Write the handoff summary for \(transfer.incoming.displayName)", transfer.handoffDueAt)
            } else if transfer.$incoming.id == identity.userID, transfer.transferState == .requested {
                step = ("Answer the request to take over as \(role)", transfer.answerDueAt)
            } else if transfer.$incoming.id == identity.userID, transfer.transferState == .accepted {
                step = ("Record the first visit, when you take over as \(role)", nil)
            } else {
                return nil
            }
            return .init(
                patient: "\(transfer.patient.givenName) \(transfer.patient.familyName)", owed: step.0, due: step.1.map { DisplayDate.dateTime($0) },
                href: SiteURL.transfer(transfer.id!).path)
        }
        let alerts: [HomePage.ConsultationRow] = try await measurement.openFlags(by: context.caller).map {
            .init(patient: "\($0.patient.givenName) \($0.patient.familyName)", owed: $0.flagKind.label, due: $0.escalateAt.map { DisplayDate.dateTime($0) },
                  href: SiteURL.patientMeasures($0.$patient.id).path)
        }
        let zone = try await careEvents.zone(of: context.caller)
        let events: [HomePage.ConsultationRow] = try await careEvents.toAcknowledge(by: context.caller).map {
            .init(patient: "\($0.patient.givenName) \($0.patient.familyName)",
                  owed: "Acknowledge: \($0.eventKind.label.lowercased()) at \($0.facility), \(DisplayDate.dateTime($0.occurredAt, in: zone, named: true))",
                  due: $0.escalateTeamAt.map { DisplayDate.dateTime($0, in: zone, named: true) }, href: SiteURL.patientCareEvents($0.$patient.id).path)
        }
        let visits: [HomePage.ConsultationRow] = try await careEvents.followUpsOwed(by: context.caller).map {
            .init(patient: "\($0.patient.givenName) \($0.patient.familyName)", owed: "See the patient after their discharge from \($0.facility)",
                  due: $0.followUpDueAt.map { DisplayDate.day($0, in: zone) }, href: SiteURL.patientCareEvents($0.$patient.id).path)
        }
        let page = HomePage(
            name: identity.displayName, needsProfile: !hasProfile,
            organisations: identity.organisations.map { .init(name: $0.name, role: $0.role.label, href: SiteURL.organisation($0.id).path) },
            owed: WorklistSection(owed),
            consultations: giving, hasConsultations: !giving.isEmpty, transfers: handing, hasTransfers: !handing.isEmpty,
            events: events, hasEvents: !events.isEmpty, dischargeVisits: visits, hasDischargeVisits: !visits.isEmpty,
            alerts: alerts, hasAlerts: !alerts.isEmpty,
            waitingOverdue: waiting.overdue == 0 ? nil : waiting.overdue)
        return views.page("home/home", title: "Liaison", page, request: request, context: context)
    }

    struct Me: ResponseEncodable {
        struct OrganisationDTO: Codable {
            let id: UUID
            let name: String
            let role: String
        }

        let id: UUID
        let email: String
        let displayName: String
        let isSystemAdministrator: Bool
        let organisations: [OrganisationDTO]
        /// For a patient's portal account, their own record (`GET /api/v1/patients/{id}/consent`, `…/access-log`).
        let patientID: UUID?
        /// Signs in with an authenticator code; `twoFactorRequired` says their role demands it.
        let twoFactorEnabled: Bool
        let twoFactorRequired: Bool
    }

    @Sendable func me(_ request: Request, context: SignedInContext) async throws -> Me {
        let identity = context.identity
        return Me(
            id: identity.userID, email: identity.email, displayName: identity.displayName,
            isSystemAdministrator: identity.actor.isSystemAdministrator,
            organisations: identity.organisations.map { .init(id: $0.id, name: $0.name, role: $0.role.rawValue) },
            patientID: identity.isPatient ? try await patients.ownRecord(of: context.caller)?.id : nil,
            twoFactorEnabled: identity.twoFactorEnabled, twoFactorRequired: identity.twoFactorRequired)
    }

    @Sendable func openAPI(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: openAPIDocument))
    }

    @Sendable func stylesheet(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: Resources.stylesheet))
    }
}

/// Static files shipped inside the binary's resource bundle, read once.
enum Resources {
    static let stylesheet: ByteBuffer = load("Public/liaison.css")
    static let openAPI: ByteBuffer = load("Public/openapi.json")

    private static func load(_ path: String) -> ByteBuffer {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent(path),
              let data = try? Data(contentsOf: url)
        else { preconditionFailure("Resource \(path) is missing from the bundle") }
        return ByteBuffer(bytes: data)
    }
}
