import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// The treatment plan page (plan, medications, follow-up cadence and visits, each with its form)
/// and the clinician's overdue follow-ups.
struct CarePlanController: Sendable {
    let views: Views
    let plans: CarePlanService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(SiteURL.patientPlan(.placeholder), use: show)
        routes.clinicians.post(SiteURL.patientPlanPart(.placeholder, "plan"), use: post)
        routes.clinicians.post(SiteURL.medicationStep(patient: .placeholder, medication: .placeholder, step: "change"), use: medicationStep)
        routes.clinicians.get(SiteURL.followUps, use: followUps)
    }

    struct PlanPage: Sendable {
        struct Problem: Sendable {
            let code: String?
            let text: String
        }

        struct Version: Sendable {
            let by: String
            let at: String
        }

        struct Medication: Sendable {
            let name: String
            let dose: String
            let frequency: String
            let started: String
            let stopped: String?
            let reason: String
            let stopReason: String?
            let prescriber: String
            let changePath: String
            let stopPath: String
            let key: String
        }

        struct Cadence: Sendable {
            let role: String
            let roleValue: String
            let level: String
            let every: String
            let due: String
            let overdue: Bool
        }

        struct Visit: Sendable {
            let day: String
            let who: String
            let role: String
            let kind: String
        }

        let heading: String
        let backPath: String
        let hasPlan: Bool
        let problems: [Problem]
        let goals: String
        let therapy: String?
        let medicationPlan: String?
        let caseManagement: String?
        let nextReview: String?
        let lastChange: String?
        let history: [Version]
        let showsMedications: Bool
        let current: [Medication]
        let stopped: [Medication]
        let hasStopped: Bool
        let isPrescriber: Bool
        let mdqWarning: String?
        let cadences: [Cadence]
        let visits: [Visit]
        let mayWrite: Bool
        let levels: [Choice]
        let roles: [Choice]
        let visitKinds: [Choice]
        let today: String
        let form: FormState
        let planPath: String
        let medicationsPath: String
        let cadencePath: String
        let visitsPath: String
        let problemLines: String
    }

    private func page(_ patientID: UUID, form: FormState = .empty, status: HTTPResponse.Status = .ok, flash warning: String? = nil, request: Request, context: ClinicianContext) async throws -> Response {
        let found = try await plans.overview(of: patientID, by: context.caller)
        let patient = found.patient
        let plan = found.versions.first?.carePlan
        let medications = found.medications ?? []
        func line(_ medication: MedicationRecord) -> PlanPage.Medication {
            PlanPage.Medication(
                name: medication.name, dose: medication.dose, frequency: medication.frequency, started: medication.startedOn, stopped: medication.stoppedOn,
                reason: medication.reason, stopReason: medication.stopReason, prescriber: medication.prescriber.displayName,
                changePath: SiteURL.medicationStep(patient: patientID, medication: medication.id!, step: "change").path,
                stopPath: SiteURL.medicationStep(patient: patientID, medication: medication.id!, step: "stop").path, key: medication.id!.uuidString.lowercased())
        }
        let cadences = found.cadences.sorted { $0.role < $1.role }.map { cadence in
            PlanPage.Cadence(
                role: cadence.careTeamRole.label, roleValue: cadence.role, level: cadence.cadenceLevel.label, every: "every \(cadence.intervalDays) days",
                due: DisplayDate.day(cadence.nextDueAt), overdue: cadence.nextDueAt < found.now)
        }
        let values = form.values.isEmpty && plan != nil
            ? ["goals": plan!.goals, "therapy": plan!.therapy, "medication": plan!.medication, "caseManagement": plan!.caseManagement,
               "nextReview": plan!.nextReview?.description ?? ""]
            : form.values
        let page = PlanPage(
            heading: "Treatment plan for \(patient.givenName) \(patient.familyName)", backPath: SiteURL.patient(patientID).path,
            hasPlan: plan != nil, problems: plan?.problems.map { .init(code: $0.code, text: $0.text) } ?? [], goals: plan?.goals ?? "",
            therapy: plan?.therapy.nilIfEmpty, medicationPlan: plan?.medication.nilIfEmpty, caseManagement: plan?.caseManagement.nilIfEmpty,
            nextReview: plan?.nextReview?.description,
            lastChange: found.versions.first.map { "Last changed by \($0.author.displayName) on \(DisplayDate.dateTime($0.createdAt))" },
            history: found.versions.map { .init(by: $0.author.displayName, at: DisplayDate.dateTime($0.createdAt)) },
            showsMedications: found.medications != nil, current: medications.filter(\.isCurrent).map(line), stopped: medications.filter { !$0.isCurrent }.map(line),
            hasStopped: medications.contains { !$0.isCurrent },
            isPrescriber: found.isPrescriber && found.mayWrite,
            mdqWarning: warning ?? found.positiveMDQ.map { "Positive MDQ screen on \(DisplayDate.day($0)): possible bipolar disorder. Assess before starting or changing an antidepressant." },
            cadences: cadences,
            visits: found.visits.map { .init(day: $0.visitedOn, who: $0.clinician.displayName, role: CareTeamRole(rawValue: $0.role)?.label ?? $0.role, kind: VisitKind(rawValue: $0.kind)?.label ?? $0.kind) },
            mayWrite: found.mayWrite,
            levels: CadenceLevel.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: form.values["level"] == $0.rawValue) },
            roles: [CareTeamRole.prescriber, .therapist].map { Choice(value: $0.rawValue, label: $0.label, selected: form.values["role"] == $0.rawValue) },
            visitKinds: VisitKind.allCases.map { Choice(value: $0.rawValue, label: $0.label, selected: form.values["kind"] == $0.rawValue) },
            today: DateOnly.of(found.now, in: .gmt).description,
            form: FormState(values: values, errors: form.errors, problems: form.problems),
            planPath: SiteURL.patientPlanPart(patientID, "plan").path, medicationsPath: SiteURL.patientPlanPart(patientID, "medications").path,
            cadencePath: SiteURL.patientPlanPart(patientID, "cadence").path, visitsPath: SiteURL.patientPlanPart(patientID, "visits").path,
            problemLines: form.values["problems"] ?? plan?.problemLines ?? "")
        return views.page("careplans/plan", title: page.heading, page, request: request, context: context, status: status)
    }

    @Sendable func show(_ request: Request, context: ClinicianContext) async throws -> Response {
        try await page(try context.uuid("id"), request: request, context: context)
    }

    /// One of the page's forms: the plan, a new medication, a cadence, a visit.
    @Sendable func post(_ request: Request, context: ClinicianContext) async throws -> Response {
        let patientID = try context.uuid("id")
        let part = context.parameters.get("part") ?? ""
        var request = request
        let form = try await request.form(context: context).dictionary
        let caller = context.caller
        do {
            let flash: String
            switch part {
            case "plan":
                try await plans.savePlan(form, for: patientID, by: caller)
                flash = "Treatment plan saved; the prescriber and the therapist have been told."
            case "medications":
                let (medication, warning) = try await plans.addMedication(form, for: patientID, by: caller)
                flash = "Added \(medication.name) \(medication.dose).\(warning.map { " \($0)" } ?? "")"
            case "cadence":
                let cadence = try await plans.setCadence(role: form["role"], level: form["level"], days: form["intervalDays"], for: patientID, by: caller)
                flash = "Follow-up set: every \(cadence.intervalDays) days; next due \(DisplayDate.day(cadence.nextDueAt))."
            case "visits":
                try await plans.recordVisit(kind: form["kind"], day: form["day"], for: patientID, by: caller)
                flash = "Visit recorded."
            default:
                throw AppError.notFound
            }
            return views.redirect(to: .patientPlan(patientID), flash: flash)
        } catch AppError.invalid(let errors) {
            return try await page(patientID, form: FormState(values: form, errors: errors), status: .unprocessableContent, request: request, context: context)
        }
    }

    @Sendable func medicationStep(_ request: Request, context: ClinicianContext) async throws -> Response {
        let patientID = try context.uuid("id"), medicationID = try context.uuid("medication")
        var request = request
        let form = try await request.form(context: context).dictionary
        do {
            switch context.parameters.get("step") {
            case "change":
                let (medication, warning) = try await plans.changeMedication(medicationID, form, for: patientID, by: context.caller)
                return views.redirect(to: .patientPlan(patientID), flash: "Changed to \(medication.name) \(medication.dose).\(warning.map { " \($0)" } ?? "")")
            case "stop":
                try await plans.stopMedication(medicationID, reason: form["reason"], for: patientID, by: context.caller)
                return views.redirect(to: .patientPlan(patientID), flash: "Medication stopped.")
            default:
                throw AppError.notFound
            }
        } catch AppError.invalid(let errors) {
            return try await page(patientID, form: FormState(values: form, errors: errors), status: .unprocessableContent, request: request, context: context)
        }
    }

    struct FollowUpsPage: Sendable {
        struct Row: Sendable {
            let patient: String
            let role: String
            let due: String
            let href: String
        }

        let rows: [Row]
        let hasRows: Bool
    }

    @Sendable func followUps(_ request: Request, context: ClinicianContext) async throws -> Response {
        let rows = try await plans.overdue(by: context.caller).map {
            FollowUpsPage.Row(
                patient: "\($0.patient.givenName) \($0.patient.familyName)", role: $0.careTeamRole.label, due: DisplayDate.day($0.nextDueAt),
                href: SiteURL.patientPlan($0.$patient.id).path)
        }
        return views.page("careplans/follow-ups", title: "Follow-ups", FollowUpsPage(rows: rows, hasRows: !rows.isEmpty), request: request, context: context)
    }
}
