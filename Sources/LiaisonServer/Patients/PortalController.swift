import FluentKit
import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// The patient's portal page, and the emergency-access report for organisation administrators.
struct PortalController: Sendable {
    let views: Views
    let portal: PortalService
    let accessLog: AccessLogService
    let emergency: EmergencyAccessService
    let organisations: OrganisationService
    let measurement: MeasurementService
    let careEvents: CareEventService
    let letters: LetterService

    func register(on routes: RouteGroups) {
        routes.signedIn.get(SiteURL.portal, use: portalPage)
        routes.clinicians.get(SiteURL.emergencyReport(organisation: .placeholder), use: emergencyReport)
    }

    @Sendable func portalPage(_ request: Request, context: SignedInContext) async throws -> Response {
        let identity = context.identity
        guard identity.isPatient else { return views.redirect(to: .home) }
        let caller = context.caller
        let overview = try await portal.overview(by: caller)
        let patientID = overview.patient.id!
        let (_, lines) = try await accessLog.log(of: patientID, by: caller, limit: 50)
        let team = overview.team.map { member, profile in
            PortalPage.Member(
                name: member.user.displayName, role: CareTeamRole(rawValue: member.role)?.label ?? member.role,
                discipline: profile?.discipline.label, contactMethod: profile?.contactMethod.label,
                phone: profile?.contactPhone.nilIfEmpty, email: profile?.contactEmail.nilIfEmpty, hours: profile?.contactHours.nilIfEmpty)
        }
        let referrals = overview.referrals.map { referral in
            let zone = referral.recipientOrganisation?.calendar.timeZone ?? .gmt
            let recipient = referral.recipient?.displayName ?? "the \(referral.recipientOrganisation?.name ?? "clinic's") intake team"
            return PortalPage.ReferralLine(
                sent: DisplayDate.day(referral.sentAt ?? referral.createdAt, in: zone),
                status: PatientReferralStatus.words(
                    referral.referralState, recipient: recipient, firstAppointment: referral.firstAppointmentAt.map { DisplayDate.day($0, in: zone) }))
        }
        let questionnaires = try await measurement.ownRequests(of: overview.patient).map {
            PortalPage.QuestionnaireLine(title: $0.kind.instrument.title, due: DisplayDate.day($0.dueAt), href: SiteURL.portalQuestionnaire($0.id!).path)
        }
        let events = try await careEvents.ownEvents(of: overview.patient).map { event in
            let acknowledged = event.acknowledgedAt.map { " \(event.acknowledgedBy?.displayName ?? "Your clinician") acknowledged it on \(DisplayDate.day($0))." } ?? ""
            return PortalPage.EventLine(
                what: "\(event.eventKind.portalWords ?? "An event in your care"), \(event.facility), \(DisplayDate.day(event.occurredAt))",
                told: "Your care team was told on \(DisplayDate.dateTime(event.recordedAt)).\(acknowledged)")
        }
        let shared = try await letters.released(to: overview.patient).map { record in
            PortalPage.LetterLine(
                title: LetterKind(rawValue: record.kind)?.label ?? "Letter",
                between: "From \(record.author.displayName) to \(record.recipient.displayName), \(DisplayDate.day(record.createdAt))",
                href: SiteURL.portalLetter(record.id!).path)
        }
        let page = PortalPage(
            name: overview.patient.givenName, letters: shared, hasLetters: !shared.isEmpty, team: team, referrals: referrals, hasReferrals: !referrals.isEmpty, events: events, hasEvents: !events.isEmpty,
            questionnaires: questionnaires, hasQuestionnaires: !questionnaires.isEmpty,
            crisis: try await measurement.crisisText(for: patientID),
            consent: ConsentPage(
                forPatient: true, consent: overview.consent,
                team: overview.team.map { ($0.member.user.displayName, CareTeamRole(rawValue: $0.member.role) ?? .other) }, patientID: patientID,
                backPath: SiteURL.portal.path),
            accessLog: AccessLogPage(name: "", lines: lines, backPath: "").lines)
        return views.page("patients/portal", title: "My care", page, request: request, context: context)
    }

    @Sendable func emergencyReport(_ request: Request, context: ClinicianContext) async throws -> Response {
        let identity = context.identity
        let id = try context.uuid("id")
        let organisation = try await organisations.organisationForAdministration(id, by: identity.actor)
        let lines = try await emergency.report(for: id, by: identity.actor).map {
            EmergencyReportPage.Line(
                at: DisplayDate.dateTime($0.grant.grantedAt), accessor: $0.accessor, reason: $0.grant.reason,
                until: DisplayDate.dateTime($0.grant.expiresAt), patientReference: EmergencyReportPage.reference($0.grant.$patient.id))
        }
        let refusals = try await emergency.refusals(for: id, by: identity.actor).map {
            EmergencyReportPage.Refusal(at: DisplayDate.dateTime($0.occurredAt), who: $0.displayName ?? "Someone", patientReference: EmergencyReportPage.reference($0.patientID))
        }
        return views.page("patients/emergency-report", title: "Emergency access report", EmergencyReportPage(organisation: organisation.name, lines: lines, refusals: refusals), request: request, context: context)
    }
}
