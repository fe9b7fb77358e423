import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Waiting-list pages: a patient's places (for their team), the clinician's own lists, and the
/// steps on an entry (accept or decline an offer, back on the list, remove with a reason).
struct WaitlistController: Sendable {
    let views: Views
    let waitlists: WaitlistService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(SiteURL.patientWaitlist(.placeholder), use: patientPage)
        routes.clinicians.post(SiteURL.patientWaitlist(.placeholder), use: add)
        routes.clinicians.get(SiteURL.waitlist, use: myLists)
        routes.clinicians.post(SiteURL.waitlistStep(.placeholder, .accept), use: step)
        routes.clinicians.get(SiteURL.organisationWaitlists(.placeholder), use: organisationPage)
    }

    struct OrganisationPage: Sendable {
        struct List: Sendable {
            let title: String
            let count: Int
            let entries: [Entry]
        }

        struct Entry: Sendable {
            let position: Int
            /// "P-1A2B3C4D": administrators are not treating the patient.
            let reference: String
            let urgency: String
            let since: String
            let status: String
            let removePath: String
        }

        struct Wait: Sendable {
            let service: String
            let accepted: Int
            let median: String
            let p90: String
        }

        let lists: [List]
        let waits: [Wait]
        let chart: String
        let hasWaits: Bool
    }

    @Sendable func organisationPage(_ request: Request, context: ClinicianContext) async throws -> Response {
        let overview = try await waitlists.overview(ofOrganisation: try context.uuid("id"), by: context.caller)
        func days(_ value: Double?) -> String { value.map { String(format: "%.0f days", $0) } ?? "–" }
        let page = OrganisationPage(
            lists: overview.lists.map { list in
                OrganisationPage.List(title: "\(list.name): \(list.service.label)", count: list.entries.count, entries: list.entries.enumerated().map { index, entry in
                    OrganisationPage.Entry(
                        position: index + 1, reference: PatientReference.short(entry.patientID), urgency: (Urgency(rawValue: entry.urgency) ?? .routine).label,
                        since: DisplayDate.dateTime(entry.addedAt),
                        status: entry.status == WaitlistStatus.offered.rawValue ? WaitlistStatus.offered.label : WaitlistStatus.waiting.label,
                        removePath: SiteURL.waitlistStep(entry.id, .remove).path)
                })
            },
            waits: overview.waits.map { .init(service: $0.service.label, accepted: $0.accepted, median: days($0.medianDays), p90: days($0.p90Days)) },
            chart: BarChart.svg(
                title: "Median days waited before accepting an opening, by service, last 12 months",
                bars: overview.waits.map { ($0.service.label, $0.medianDays ?? 0, days($0.medianDays)) }),
            hasWaits: !overview.waits.isEmpty)
        return views.page("waitlists/organisation-waitlists", title: "Waiting lists", page, request: request, context: context)
    }

    struct PatientPage: Sendable {
        struct Line: Sendable {
            let clinician: String
            let clinicianPath: String
            let service: String
            let urgency: String
            let status: String
            let place: String
            let since: String
            let isOffered: Bool
            let offerUntil: String
            let canRejoin: Bool
            let isOpen: Bool
            let acceptPath: String
            let declinePath: String
            let rejoinPath: String
            let removePath: String
            let referPath: String
            let isAccepted: Bool
        }

        let patientPath: String
        let matchPath: String
        let lines: [Line]
    }

    @Sendable func patientPage(_ request: Request, context: ClinicianContext) async throws -> Response {
        let patientID = try context.uuid("id")
        let standings = try await waitlists.standings(ofPatient: patientID, by: context.caller)
        let page = PatientPage(
            patientPath: SiteURL.patient(patientID).path, matchPath: SiteURL.patientMatches(patientID).path,
            lines: standings.map { Self.line($0, patientID: patientID) })
        return views.page("waitlists/patient-waitlists", title: "Waiting lists", page, request: request, context: context)
    }

    static func line(_ standing: WaitlistService.Standing, patientID: UUID) -> PatientPage.Line {
        let entry = standing.entry
        let status = WaitlistStatus(rawValue: entry.status) ?? .removed
        let service = ClinicalService(rawValue: entry.service)
        var place = ""
        if let position = standing.position {
            place = WaitlistOrder.position(position, of: standing.count)
            if let estimate = standing.estimate { place += ", \(estimate) at the current pace (an estimate)" }
        }
        return PatientPage.Line(
            clinician: entry.listName, clinicianPath: entry.clinicianID.map { SiteURL.clinician($0).path } ?? "", service: service?.label ?? entry.service,
            urgency: (Urgency(rawValue: entry.urgency) ?? .routine).label, status: status.label, place: place, since: DisplayDate.dateTime(entry.addedAt),
            isOffered: status == .offered, offerUntil: entry.offerExpiresAt.map { DisplayDate.dateTime($0) } ?? "",
            canRejoin: status == .declined || status == .expired, isOpen: status.isOpen,
            acceptPath: SiteURL.waitlistStep(entry.id, .accept).path, declinePath: SiteURL.waitlistStep(entry.id, .decline).path,
            rejoinPath: SiteURL.waitlistStep(entry.id, .rejoin).path, removePath: SiteURL.waitlistStep(entry.id, .remove).path,
            referPath: entry.clinicianID.map {
                MatchingController.referralPath(
                    patientID: patientID, recipient: $0, request: MatchRequest(service: service ?? .psychotherapy, urgency: Urgency(rawValue: entry.urgency) ?? .routine))
            } ?? "",
            isAccepted: status == .accepted)
    }

    @Sendable func add(_ request: Request, context: ClinicianContext) async throws -> Response {
        let patientID = try context.uuid("id")
        var request = request
        let form = try await request.form(context: context)
        let addition = WaitlistService.Addition(
            clinicianID: form["clinicianID"].flatMap(UUID.init(uuidString:)), organisationID: form["organisationID"].flatMap(UUID.init(uuidString:)),
            service: form["service"], urgency: form["urgency"])
        do {
            _ = try await waitlists.add(addition, patient: patientID, by: context.caller)
        } catch AppError.invalid(let errors) {
            throw AppError.badRequest(errors.problems.map(\.message).joined(separator: " "))
        }
        return views.redirect(to: .patientWaitlist(patientID), flash: "On the waiting list. You will be told when an opening is offered.")
    }

    struct ListsPage: Sendable {
        struct List: Sendable {
            let service: String
            let count: Int
            let entries: [Entry]
        }

        struct Entry: Sendable {
            let position: Int
            let patient: String
            let urgency: String
            let since: String
            let status: String
            let removePath: String
        }

        let lists: [List]
    }

    @Sendable func myLists(_ request: Request, context: ClinicianContext) async throws -> Response {
        let lists = try await waitlists.myLists(by: context.caller)
        let page = ListsPage(lists: lists.map { list in
            ListsPage.List(service: list.service.label, count: list.entries.count, entries: list.entries.enumerated().map { index, entry in
                ListsPage.Entry(
                    position: index + 1, patient: "\(entry.givenName) \(entry.familyName)", urgency: (Urgency(rawValue: entry.urgency) ?? .routine).label,
                    since: DisplayDate.dateTime(entry.addedAt),
                    status: (entry.status == WaitlistStatus.offered.rawValue
                        ? "Offered until \(entry.offerExpiresAt.map { DisplayDate.dateTime($0) } ?? "")" : WaitlistStatus.waiting.label)
                        + (entry.isIntake ? " (\(entry.listName))" : ""),
                    removePath: SiteURL.waitlistStep(entry.id, .remove).path)
            })
        })
        return views.page("waitlists/my-waitlists", title: "My waiting lists", page, request: request, context: context)
    }

    @Sendable func step(_ request: Request, context: ClinicianContext) async throws -> Response {
        let entryID = try context.uuid("id")
        guard let step = context.parameters.get("step").flatMap(WaitlistStep.init(rawValue:)) else { throw AppError.notFound }
        var request = request
        let form = try await request.form(context: context)
        switch step {
        case .accept, .decline:
            let entry = try await waitlists.answer(entryID, accept: step == .accept, by: context.caller)
            guard step == .accept else {
                return views.redirect(to: .patientWaitlist(entry.patientID), flash: "Declined; the opening passes to the next in line.")
            }
            // The opening is the patient's: the referral to the clinician follows, filled in.
            let path = MatchingController.referralPath(
                patientID: entry.patientID, recipient: entry.clinicianID!,
                request: MatchRequest(service: ClinicalService(rawValue: entry.service) ?? .psychotherapy, urgency: Urgency(rawValue: entry.urgency) ?? .routine))
            return .redirect(to: path, flash: "Opening accepted. Send the referral to \(entry.clinicianName ?? "the clinician") now.", secureCookies: views.secureCookies)
        case .rejoin:
            let entry = try await waitlists.rejoin(entryID, by: context.caller)
            return views.redirect(to: .patientWaitlist(entry.patientID), flash: "Back on the list, with the original date.")
        case .remove:
            let entry: WaitlistRow
            do {
                entry = try await waitlists.remove(entryID, reason: form["reason"], by: context.caller)
            } catch AppError.invalid(let errors) {
                throw AppError.badRequest(errors.problems.map(\.message).joined(separator: " "))
            }
            let back: SiteURL = entry.clinicianID == context.caller.userID ? .waitlist : .patientWaitlist(entry.patientID)
            return views.redirect(to: back, flash: "Taken off the list.")
        }
    }
}
