import Foundation
import Testing
@testable import LiaisonCore

@Suite struct ConsultationStateMachineTests {
    /// Every state × action × side: the expected next state, or a refusal naming the state and
    /// what that side may do instead.
    static let expected: [ConsultationAction: (from: Set<ConsultationState>, to: ConsultationState, sides: Set<ConsultationSide>)] = [
        .accept: ([.requested], .accepted, [.consultant]),
        .decline: ([.requested], .declined, [.consultant]),
        .schedule: ([.accepted, .scheduled], .scheduled, [.consultant]),
        .draft: ([.scheduled, .drafted], .drafted, [.consultant]),
        .release: ([.drafted], .released, [.consultant]),
        .close: ([.released], .closed, [.consultant, .requester]),
        .cancel: ([.requested, .accepted, .scheduled, .drafted], .cancelled, [.requester]),
        .expire: ([.requested], .expired, [.system]),
    ]

    @Test(arguments: ConsultationState.allCases)
    func everyActionByEverySideInEveryState(state: ConsultationState) {
        for action in ConsultationAction.allCases {
            for side in [ConsultationSide.consultant, .requester, .system] {
                let rule = Self.expected[action]!
                do {
                    let next = try ConsultationStateMachine.apply(action, to: state, by: side)
                    #expect(rule.from.contains(state) && rule.sides.contains(side), "\(action) by \(side) in \(state) should be refused")
                    #expect(next == rule.to)
                } catch {
                    #expect(!(rule.from.contains(state) && rule.sides.contains(side)), "\(action) by \(side) in \(state) should be allowed")
                    #expect(error.state == state)
                    #expect(error.allowed == ConsultationStateMachine.allowedActions(in: state, for: side))
                    #expect(!error.reason.isEmpty)
                }
            }
        }
    }

    @Test func finishedConsultationsAllowNothingAndNobodySeesADraft() {
        for state in ConsultationState.allCases where state.isFinished {
            for side in [ConsultationSide.consultant, .requester, .system] {
                #expect(ConsultationStateMachine.allowedActions(in: state, for: side).isEmpty, "\(state)")
            }
        }
        #expect(ConsultationState.allCases.filter(\.reportReleased) == [.released, .closed])
        #expect(!ConsultationState.drafted.reportReleased)
    }
}

@Suite struct ConsultationRequestTests {
    @Test func reasonsAndConcernsAreRequiredAndKnown() throws {
        let request = try ConsultationRequest.validated(reasons: ["side-effects", "not-improving", "side-effects"], concerns: "  Weight gain; no better after a year. ")
        #expect(request.reasons == [.notImproving, .sideEffects])
        #expect(request.concerns == "Weight gain; no better after a year.")
        #expect(throws: ValidationErrors.self) { try ConsultationRequest.validated(reasons: [], concerns: "x") }
        #expect(throws: ValidationErrors.self) { try ConsultationRequest.validated(reasons: ["boredom"], concerns: "x") }
        #expect(throws: ValidationErrors.self) { try ConsultationRequest.validated(reasons: ["other"], concerns: "  ") }
        #expect(throws: ValidationErrors.self) { try ConsultationRequest.validated(reasons: ["other"], concerns: String(repeating: "x", count: 2001)) }
    }

    @Test func theStanceOnTransfersIsSaidPlainly() {
        #expect(ConsultantStance.words(.secondOpinionsOnly).hasPrefix("Will not take you on as a patient afterwards"))
        #expect(ConsultantStance.words(.declines).hasPrefix("Will not take you on"))
        #expect(ConsultantStance.words(.accepts).hasPrefix("May take you on"))
    }

    @Test func theReportTemplateAsksForWhatTheIssueNames() {
        let keys = Letter.template(.consultationReport).map(\.key)
        #expect(keys == ["reason", "sources", "diagnosis", "options", "relationship", "practice", "availability"])
        #expect(!LetterKind.standalone.contains(.consultationReport), "only a consultation releases one")
    }
}

@Suite struct CallLoopTests {
    @Test func askedThenOfferedThenDoneOnlyAfterTheReport() throws {
        #expect(throws: CallTransitionError.self) { try CallLoop.apply(.ask, to: .none, reportReleased: false, consultant: false) }
        #expect(try CallLoop.apply(.ask, to: .none, reportReleased: true, consultant: false) == .asked)
        #expect(throws: CallTransitionError.self) { try CallLoop.apply(.ask, to: .none, reportReleased: true, consultant: true) }
        #expect(throws: CallTransitionError.self) { try CallLoop.apply(.offer, to: .asked, reportReleased: true, consultant: false) }
        #expect(try CallLoop.apply(.offer, to: .asked, reportReleased: true, consultant: true) == .offered)
        #expect(try CallLoop.apply(.done, to: .offered, reportReleased: true, consultant: false) == .done)
        #expect(try CallLoop.apply(.ask, to: .done, reportReleased: true, consultant: false) == .asked, "another call later")
        for state in CallState.allCases {
            for consultant in [true, false] {
                for step in CallStep.allCases {
                    let allowed = CallLoop.allowedSteps(in: state, reportReleased: true, consultant: consultant).contains(step)
                    let applied = (try? CallLoop.apply(step, to: state, reportReleased: true, consultant: consultant)) != nil
                    #expect(applied == allowed, "\(step) in \(state)")
                }
            }
        }
    }
}
