import Foundation
import Testing
@testable import LiaisonCore

@Suite struct TransferStateMachineTests {
    /// Every state × action × side × whether the summary is written: the expected next state, or a
    /// refusal naming the state and what that side may do instead.
    static let expected: [TransferAction: (from: Set<TransferState>, to: TransferState?, sides: Set<TransferSide>)] = [
        .accept: ([.requested], .accepted, [.incoming]),
        .decline: ([.requested], .declined, [.incoming]),
        .handoff: ([.accepted, .completed], nil, [.outgoing]),
        .firstVisit: ([.accepted], .completed, [.incoming]),
        .cancel: ([.requested, .accepted], .cancelled, [.requester]),
        .expire: ([.requested], .expired, [.system]),
    ]

    static let sides: [TransferSide] = [.incoming, .outgoing, .requester, .system]

    @Test(arguments: TransferState.allCases, [false, true])
    func everyActionByEverySideInEveryState(state: TransferState, handoffWritten: Bool) {
        for action in TransferAction.allCases {
            for side in Self.sides {
                let rule = Self.expected[action]!
                let allowed = rule.from.contains(state) && rule.sides.contains(side) && !(action == .handoff && handoffWritten)
                do {
                    let next = try TransferStateMachine.apply(action, to: state, handoffWritten: handoffWritten, by: [side])
                    #expect(allowed, "\(action) by \(side) in \(state) should be refused")
                    #expect(next == (rule.to ?? state))
                } catch {
                    #expect(!allowed, "\(action) by \(side) in \(state) should be allowed")
                    #expect(error.state == state)
                    #expect(error.allowed == TransferStateMachine.allowedActions(in: state, handoffWritten: handoffWritten, for: [side]))
                    #expect(!error.reason.isEmpty)
                }
            }
        }
    }

    @Test func aClinicianOnTwoSidesMayDoWhatEitherMay() throws {
        // The outgoing prescriber who asked for the change may cancel it and owes the summary.
        let both: Set<TransferSide> = [.outgoing, .requester]
        #expect(TransferStateMachine.allowedActions(in: .accepted, handoffWritten: false, for: both) == [.handoff, .cancel])
        #expect(try TransferStateMachine.apply(.cancel, to: .accepted, handoffWritten: false, by: both) == .cancelled)
    }

    @Test func theSummaryIsOwedFromAcceptanceUntilWrittenEvenAfterTheFirstVisit() {
        #expect(!TransferStateMachine.handoffOwed(in: .requested, handoffWritten: false))
        #expect(TransferStateMachine.handoffOwed(in: .accepted, handoffWritten: false))
        #expect(TransferStateMachine.handoffOwed(in: .completed, handoffWritten: false))
        #expect(!TransferStateMachine.handoffOwed(in: .completed, handoffWritten: true))
        #expect(!TransferStateMachine.handoffOwed(in: .cancelled, handoffWritten: false))
        for state in TransferState.allCases where state.isFinished && state != .completed {
            for side in Self.sides { #expect(TransferStateMachine.allowedActions(in: state, handoffWritten: false, for: [side]).isEmpty, "\(state)") }
        }
    }
}

@Suite struct TransferRequestTests {
    @Test func theRoleAndAReasonAreRequired() throws {
        let request = try TransferRequest.validated(role: "therapist", reason: "  We do not work well together. ")
        #expect(request == TransferRequest(role: .therapist, reason: "We do not work well together."))
        #expect(throws: ValidationErrors.self) { try TransferRequest.validated(role: "consultant", reason: "x") }
        #expect(throws: ValidationErrors.self) { try TransferRequest.validated(role: nil, reason: "x") }
        #expect(throws: ValidationErrors.self) { try TransferRequest.validated(role: "prescriber", reason: " ") }
        #expect(throws: ValidationErrors.self) { try TransferRequest.validated(role: "prescriber", reason: String(repeating: "x", count: 2001)) }
    }

    @Test func theOutgoingClinicianIsAskedRespectfullyAndNeutrally() {
        let words = HandoffWords.request(patient: "Sam Rivera", incoming: "Dr. Feld", role: .prescriber, due: "Mon, 1 Feb 2027")
        #expect(words.contains("Thank you for your care so far"))
        #expect(words.contains("by Mon, 1 Feb 2027"))
        #expect(words.contains("until their first visit"))
        for loaded in ["complain", "unhappy", "fault", "failed"] { #expect(!words.lowercased().contains(loaded)) }
    }

    @Test func eachRoleMatchesOnItsService() {
        #expect(TransferRole.prescriber.service == .medicationManagement)
        #expect(TransferRole.therapist.service == .psychotherapy)
        #expect(TransferRole.prescriber.careTeamRole == .prescriber)
    }
}
