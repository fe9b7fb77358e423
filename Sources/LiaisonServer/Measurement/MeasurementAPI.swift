import Foundation
import Hummingbird
import LiaisonCore
import LiaisonData

/// Measurement-based care in the JSON API: a patient's questionnaire requests, responses with
/// scores (each answer kept, with the instrument's LOINC codes), and alerts; asking for a
/// questionnaire; entering one for the patient; the patient completing theirs; acknowledging an alert.
struct MeasurementAPI: Sendable {
    let measurement: MeasurementService
    let patients: PatientService

    func register(on routes: RouteGroups) {
        routes.clinicians.get(APIURL.patientMeasures(.placeholder), use: measures)
        routes.clinicians.post(APIURL.patientQuestionnaireRequests(.placeholder), use: request)
        routes.clinicians.post(APIURL.patientResponses(.placeholder), use: enter)
        routes.signedIn.get(APIURL.myQuestionnaires, use: mine)
        routes.signedIn.post(APIURL.questionnaireResponse(.placeholder), use: complete)
        routes.clinicians.get(APIURL.alerts, use: alerts)
        routes.clinicians.post(APIURL.alertAcknowledge(.placeholder), use: acknowledge)
    }

    struct RequestDTO: ResponseEncodable, Codable {
        let id: UUID
        let patientID: UUID
        let instrument: String
        let dueAt: Date
        let repeatDays: Int?
        let completedAt: Date?
        let responseID: UUID?

        init(_ request: QuestionnaireRequest) {
            id = request.id!
            patientID = request.$patient.id
            instrument = request.instrument
            dueAt = request.dueAt
            repeatDays = request.repeatDays
            completedAt = request.completedAt
            responseID = request.responseID
        }
    }

    struct ResponseDTO: ResponseEncodable, Codable {
        struct Answer: Codable {
            let item: String
            let value: Int
            let loinc: String?
        }

        let id: UUID
        let patientID: UUID
        let instrument: String
        let panelLOINC: String
        let totalLOINC: String
        let total: Int
        let band: String
        let positive: Bool?
        let answers: [Answer]
        let onBehalf: Bool
        let enteredBy: UUID
        let completedAt: Date
        let requestID: UUID?
        /// The alerts this response raised (only when just submitted).
        let flags: [String]?

        init(_ response: QuestionnaireResponse, flags: [FlagKind]? = nil) {
            let instrument = response.kind.instrument
            let values = response.answerValues
            id = response.id!
            patientID = response.$patient.id
            self.instrument = response.instrument
            panelLOINC = instrument.panelLOINC
            totalLOINC = instrument.totalLOINC
            total = response.total
            band = response.band
            positive = response.positive
            answers = instrument.items.compactMap { item in values[item.key].map { Answer(item: item.key, value: $0, loinc: item.loinc) } }
            onBehalf = response.onBehalf
            enteredBy = response.$enteredBy.id
            completedAt = response.completedAt
            requestID = response.requestID
            self.flags = flags?.map(\.rawValue)
        }
    }

    struct FlagDTO: ResponseEncodable, Codable {
        let id: UUID
        let patientID: UUID
        let responseID: UUID
        let kind: String
        let meaning: String
        let createdAt: Date
        let escalateAt: Date?
        let acknowledgedAt: Date?
        let acknowledgedBy: UUID?
        let note: String?

        init(_ flag: MeasurementFlag) {
            id = flag.id!
            patientID = flag.$patient.id
            responseID = flag.responseID
            kind = flag.kind
            meaning = flag.flagKind.meaning
            createdAt = flag.createdAt
            escalateAt = flag.escalateAt
            acknowledgedAt = flag.acknowledgedAt
            acknowledgedBy = flag.$acknowledgedBy.id
            note = flag.note
        }
    }

    struct MeasuresDTO: ResponseEncodable {
        let requests: [RequestDTO]
        let responses: [ResponseDTO]
        let flags: [FlagDTO]
    }

    @Sendable func measures(_ request: Request, context: ClinicianContext) async throws -> MeasuresDTO {
        let found = try await measurement.measures(of: try context.uuid("id"), by: context.caller)
        return MeasuresDTO(requests: found.requests.map(RequestDTO.init), responses: found.responses.map { ResponseDTO($0) }, flags: found.flags.map(FlagDTO.init))
    }

    struct RequestInput: Decodable {
        var instrument: String?
        var dueInDays: Int?
        var repeatDays: Int?
    }

    @Sendable func request(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<RequestDTO> {
        var request = request
        let input = try await request.input(RequestInput.self, context: context)
        let asked = try await measurement.request(
            .init(instrument: input.instrument, dueInDays: input.dueInDays.map(String.init), repeatDays: input.repeatDays.map(String.init)),
            for: try context.uuid("id"), by: context.caller)
        return EditedResponse(status: .created, response: RequestDTO(asked))
    }

    struct AnswersInput: Decodable {
        var instrument: String?
        var requestID: UUID?
        var answers: [String: Int]?
    }

    private static func strings(_ answers: [String: Int]?) -> [String: String] {
        (answers ?? [:]).mapValues(String.init)
    }

    @Sendable func enter(_ request: Request, context: ClinicianContext) async throws -> EditedResponse<ResponseDTO> {
        var request = request
        let input = try await request.input(AnswersInput.self, context: context)
        let submitted = try await measurement.enter(input.instrument, answers: Self.strings(input.answers), for: try context.uuid("id"), requestID: input.requestID, by: context.caller)
        return EditedResponse(status: .created, response: ResponseDTO(submitted.response, flags: submitted.flags))
    }

    struct MineDTO: ResponseEncodable {
        let questionnaires: [RequestDTO]
    }

    @Sendable func mine(_ request: Request, context: SignedInContext) async throws -> MineDTO {
        guard let patient = try await patients.ownRecord(of: context.caller) else { return MineDTO(questionnaires: []) }
        return MineDTO(questionnaires: try await measurement.ownRequests(of: patient).map(RequestDTO.init))
    }

    @Sendable func complete(_ request: Request, context: SignedInContext) async throws -> EditedResponse<ResponseDTO> {
        guard let patient = try await patients.ownRecord(of: context.caller) else { throw AppError.notFound }
        var request = request
        let input = try await request.input(AnswersInput.self, context: context)
        let submitted = try await measurement.complete(try context.uuid("id"), answers: Self.strings(input.answers), patient: patient, by: context.caller)
        return EditedResponse(status: .created, response: ResponseDTO(submitted.response, flags: submitted.flags))
    }

    struct AlertsDTO: ResponseEncodable {
        let alerts: [FlagDTO]
    }

    @Sendable func alerts(_ request: Request, context: ClinicianContext) async throws -> AlertsDTO {
        AlertsDTO(alerts: try await measurement.openFlags(by: context.caller).map(FlagDTO.init))
    }

    struct AcknowledgeInput: Decodable {
        var note: String?
    }

    @Sendable func acknowledge(_ request: Request, context: ClinicianContext) async throws -> FlagDTO {
        var request = request
        let empty = try await request.collectBody(upTo: context.maxUploadSize).readableBytes == 0
        let input = empty ? AcknowledgeInput() : try await request.input(AcknowledgeInput.self, context: context)
        return FlagDTO(try await measurement.acknowledge(try context.uuid("id"), note: input.note, by: context.caller))
    }
}
