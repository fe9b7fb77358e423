import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// The treatment plan, medications, cadence and visits in the JSON API, and the caller's overdue follow-ups.
struct CarePlanAPI: Sendable {
    let plans: CarePlanService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(APIURL.patientPlan(.placeholder), use: show)
        routes.clinicians.put(APIURL.patientPlan(.placeholder), use: savePlan)
        routes.clinicians.post(APIURL.patientMedications(.placeholder), use: addMedication)
        routes.clinicians.post(APIURL.medicationStep(patient: .placeholder, medication: .placeholder, step: "change"), use: medicationStep)
        routes.clinicians.put(APIURL.patientCadence(.placeholder, "prescriber"), use: setCadence)
        routes.clinicians.post(APIURL.patientVisits(.placeholder), use: recordVisit)
        routes.clinicians.get(APIURL.followUps, use: followUps)
    }

    struct MedicationDTO: Codable {
        let id: UUID
        let name: String
        let dose: String
        let frequency: String
        let startedOn: String
        let stoppedOn: String?
        let reason: String
        let stopReason: String?
        let prescriberID: UUID
        let replacedBy: UUID?

        init(_ medication: MedicationRecord) {
            id = medication.id!
            name = medication.name
            dose = medication.dose
            frequency = medication.frequency
            startedOn = medication.startedOn
            stoppedOn = medication.stoppedOn
            reason = medication.reason
            stopReason = medication.stopReason
            prescriberID = medication.$prescriber.id
            replacedBy = medication.replacedBy
        }
    }

    struct CadenceDTO: ResponseEncodable, Codable {
        let patientID: UUID
        let role: String
        let level: String
        let intervalDays: Int
        let setAt: Date
        let nextDueAt: Date

        init(_ cadence: FollowUpCadence) {
            patientID = cadence.$patient.id
            role = cadence.role
            level = cadence.level
            intervalDays = cadence.intervalDays
            setAt = cadence.setAt
            nextDueAt = cadence.nextDueAt
        }
    }

    struct VisitDTO: ResponseEncodable, Codable {
        let id: UUID
        let clinicianID: UUID
        let role: String
        let kind: String
        let day: String

        init(_ visit: VisitRecord) {
            id = visit.id!
            clinicianID = visit.$clinician.id
            role = visit.role
            kind = visit.kind
            day = visit.visitedOn
        }
    }

    struct PlanBody: Codable {
        struct Problem: Codable {
            let code: String?
            let text: String
        }

        let problems: [Problem]
        let goals: String
        let therapy: String
        let medication: String
        let caseManagement: String
        let nextReview: String?

        init(_ plan: CarePlan) {
            problems = plan.problems.map { Problem(code: $0.code, text: $0.text) }
            goals = plan.goals
            therapy = plan.therapy
            medication = plan.medication
            caseManagement = plan.caseManagement
            nextReview = plan.nextReview?.description
        }
    }

    struct PlanDTO: ResponseEncodable {
        struct Version: Codable {
            let authorID: UUID
            let createdAt: Date
            let plan: PlanBody
        }

        let plan: PlanBody?
        let history: [Version]
        /// Absent when the patient's consent keeps the prescriber's records from the caller's role.
        let medications: [MedicationDTO]?
        let cadences: [CadenceDTO]
        let visits: [VisitDTO]
        /// When the patient last screened positive on the MDQ, if ever.
        let positiveMDQAt: Date?
    }

    @Sendable func show(_ request: Request, context: ClinicianContext) async throws -> PlanDTO {
        let found = try await plans.overview(of: try context.uuid("id"), by: context.caller)
        return PlanDTO(
            plan: found.versions.first?.carePlan.map(PlanBody.init),
            history: found.versions.compactMap { version in version.carePlan.map { .init(authorID: version.$author.id, createdAt: version.createdAt, plan: PlanBody($0)) } },
            medications: found.medications?.map(MedicationDTO.init), cadences: found.cadences.map(CadenceDTO.init), visits: found.visits.map(VisitDTO.init),
            positiveMDQAt: found.positiveMDQ)
    }

    struct PlanInput: Decodable {
        var problems: [String]?
        var goals: String?
        var therapy: String?
        var medication: String?
        var caseManagement: String?
        var nextReview: String?
    }

    @Sendable func savePlan(_ request: Request, context: ClinicianContext) async throws -> PlanDTO {
        let patientID = try context.uuid("id")
        var request = request
        let input = try await request.input(PlanInput.self, context: context)
        var fields = ["problems": (input.problems ?? []).joined(separator: "\n"), "goals": input.goals ?? "", "therapy": input.therapy ?? "",
                      "medication": input.medication ?? "", "caseManagement": input.caseManagement ?? ""]
        fields["nextReview"] = input.nextReview
        try await plans.savePlan(fields, for: patientID, by: context.caller)
        return try await show(request, context: context)
    }

    struct MedicationResult: ResponseEncodable {
        let medication: MedicationDTO
        /// Set when an antidepressant is added or changed after a positive MDQ.
        let warning: String?
    }

    @Sendable func addMedication(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<MedicationResult> {
        var request = request
        let fields = try await request.input([String: String].self, context: context)
        let (medication, warning) = try await plans.addMedication(fields, for: try context.uuid("id"), by: context.caller)
        return EditedResponse(status: .created, response: MedicationResult(medication: MedicationDTO(medication), warning: warning))
    }

    @Sendable func medicationStep(_ request: Request, context: ClinicianContext) async throws -> MedicationResult {
        let patientID = try context.uuid("id"), medicationID = try context.uuid("medication")
        var request = request
        let fields = try await request.input([String: String].self, context: context)
        switch context.parameters.get("step") {
        case "change":
            let (medication, warning) = try await plans.changeMedication(medicationID, fields, for: patientID, by: context.caller)
            return MedicationResult(medication: MedicationDTO(medication), warning: warning)
        case "stop":
            try await plans.stopMedication(medicationID, reason: fields["reason"], for: patientID, by: context.caller)
            let stopped = try await plans.overview(of: patientID, by: context.caller).medications?.first { $0.id == medicationID }
            guard let stopped else { throw AppError.notFound }
            return MedicationResult(medication: MedicationDTO(stopped), warning: nil)
        default:
            throw AppError.notFound
        }
    }

    struct CadenceInput: Decodable {
        var level: String?
        var intervalDays: Int?
    }

    @Sendable func setCadence(_ request: Request, context: ClinicianContext) async throws -> CadenceDTO {
        var request = request
        let input = try await request.input(CadenceInput.self, context: context)
        return CadenceDTO(try await plans.setCadence(
            role: context.parameters.get("role"), level: input.level, days: input.intervalDays.map(String.init), for: try context.uuid("id"), by: context.caller))
    }

    struct VisitInput: Decodable {
        var kind: String?
        var day: String?
    }

    @Sendable func recordVisit(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<VisitDTO> {
        var request = request
        let input = try await request.input(VisitInput.self, context: context)
        let visit = try await plans.recordVisit(kind: input.kind, day: input.day, for: try context.uuid("id"), by: context.caller)
        return EditedResponse(status: .created, response: VisitDTO(visit))
    }

    struct FollowUpsDTO: ResponseEncodable {
        let overdue: [CadenceDTO]
    }

    @Sendable func followUps(_ request: Request, context: ClinicianContext) async throws -> FollowUpsDTO {
        FollowUpsDTO(overdue: try await plans.overdue(by: context.caller).map(CadenceDTO.init))
    }
}
