import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Second opinions in the JSON API: asking, the patient's and the caller's consultations, one
/// consultation (its report once released), and each step.
struct ConsultationsAPI: Sendable {
    let consultations: ConsultationService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(APIURL.patientConsultations(.placeholder), use: ofPatient)
        routes.clinicians.post(APIURL.patientConsultations(.placeholder), use: request)
        routes.clinicians.get(APIURL.consultations, use: mine)
        routes.signedIn.get(APIURL.consultation(.placeholder), use: show)
        routes.signedIn.post(APIURL.consultationAction(.placeholder, .accept), use: act)
        routes.signedIn.post(APIURL.consultationCall(.placeholder, .ask), use: call)
    }

    struct CallInput: Decodable {
        var times: String?
    }

    @Sendable func call(_ request: Request, context: SignedInContext) async throws -> ConsultationDTO {
        let id = try context.uuid("id")
        guard let step = context.parameters.get("step").flatMap(CallStep.init(rawValue:)) else { throw AppError.notFound }
        var request = request
        let empty = try await request.collectBody(upTo: context.maxUploadSize).readableBytes == 0
        let input = empty ? CallInput() : try await request.input(CallInput.self, context: context)
        try await consultations.call(step, on: id, times: input.times, by: context.caller)
        let viewed = try await consultations.view(id, by: context.caller)
        return ConsultationDTO(viewed.consultation, report: viewed.report, allowed: viewed.allowed)
    }

    struct ConsultationDTO: ResponseEncodable, Codable {
        struct Section: Codable {
            let key: String
            let title: String
            let text: String
        }

        let id: UUID
        let patientID: UUID
        let consultantID: UUID
        let consultantName: String
        let requestedByPatient: Bool
        let state: String
        let reasons: [String]
        let concerns: String
        let createdAt: Date
        let answerDueAt: Date?
        let appointmentAt: Date?
        let releasedAt: Date?
        let closedAt: Date?
        let endedReason: String?
        /// The call after the report: none, asked, offered or done, and the times offered.
        let call: String
        let callTimes: String?
        /// What the caller may do now.
        let allowedActions: [String]
        /// The released report (the consultant also sees their draft); absent otherwise.
        let report: [Section]?

        init(_ consultation: Consultation, report: Letter? = nil, allowed: [ConsultationAction] = []) {
            id = consultation.id!
            patientID = consultation.$patient.id
            consultantID = consultation.$consultant.id
            consultantName = consultation.$consultant.value?.displayName ?? ""
            requestedByPatient = consultation.requestedByPatient
            state = consultation.state
            reasons = consultation.reasonList.map(\.rawValue)
            concerns = consultation.concerns
            createdAt = consultation.createdAt
            answerDueAt = consultation.answerDueAt
            appointmentAt = consultation.appointmentAt
            releasedAt = consultation.releasedAt
            closedAt = consultation.closedAt
            endedReason = consultation.endedReason
            call = consultation.callState
            callTimes = consultation.callTimes
            allowedActions = allowed.map(\.rawValue)
            self.report = report?.sections.map { Section(key: $0.key, title: $0.title, text: $0.text) }
        }
    }

    struct ListDTO: ResponseEncodable {
        let consultations: [ConsultationDTO]
    }

    @Sendable func ofPatient(_ request: Request, context: ClinicianContext) async throws -> ListDTO {
        ListDTO(consultations: try await consultations.consultations(of: try context.uuid("id"), by: context.caller).map { ConsultationDTO($0) })
    }

    @Sendable func request(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<ConsultationDTO> {
        let patientID = try context.uuid("id")
        var request = request
        let input = try await request.input(ConsultationService.Request.self, context: context)
        let consultation = try await consultations.request(input, for: patientID, by: context.caller)
        return EditedResponse(status: .created, response: ConsultationDTO(consultation, allowed: ConsultationStateMachine.allowedActions(in: .requested, for: .requester)))
    }

    @Sendable func mine(_ request: Request, context: ClinicianContext) async throws -> ListDTO {
        ListDTO(consultations: try await consultations.mine(by: context.caller).map { ConsultationDTO($0) })
    }

    @Sendable func show(_ request: Request, context: SignedInContext) async throws -> ConsultationDTO {
        let viewed = try await consultations.view(try context.uuid("id"), by: context.caller)
        return ConsultationDTO(viewed.consultation, report: viewed.report, allowed: viewed.allowed)
    }

    @Sendable func act(_ request: Request, context: SignedInContext) async throws -> ConsultationDTO {
        let id = try context.uuid("id")
        guard let action = context.parameters.get("action").flatMap(ConsultationAction.init(rawValue:)) else { throw AppError.notFound }
        var request = request
        // A step without fields (accept, close) may come without a body.
        let empty = try await request.collectBody(upTo: context.maxUploadSize).readableBytes == 0
        let fields = empty ? [:] : try await request.input([String: String].self, context: context)
        try await consultations.act(action, on: id, fields: fields, by: context.caller)
        let viewed = try await consultations.view(id, by: context.caller)
        return ConsultationDTO(viewed.consultation, report: viewed.report, allowed: viewed.allowed)
    }
}
