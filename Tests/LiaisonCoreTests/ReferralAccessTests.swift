import Foundation
@testable import LiaisonCore
import Testing

@Suite struct ReferralAccessTests {
    let referrer = UUID(), recipient = UUID(), colleague = UUID(), intake = UUID()

    func loop(_ state: ReferralState, to named: UUID? = nil, intake organisation: UUID? = nil) -> ReferralAccess.Loop {
        .init(referrerID: referrer, recipientID: named, recipientOrganisationID: organisation, state: state)
    }

    @Test(arguments: ReferralState.allCases)
    func theReferrerAlwaysSeesTheirReferral(state: ReferralState) {
        #expect(ReferralAccess.side(of: referrer, organisations: [], in: loop(state, to: recipient), onCareTeam: false) == .referrer)
    }

    @Test func aDraftIsTheAuthorsAlone() {
        #expect(ReferralAccess.side(of: recipient, organisations: [], in: loop(.draft, to: recipient), onCareTeam: true) == nil)
        #expect(ReferralAccess.side(of: colleague, organisations: [intake], in: loop(.draft, intake: intake), onCareTeam: false) == nil)
    }

    @Test func theRecipientSeesItWhileItAwaitsTheirAnswer() {
        #expect(ReferralAccess.side(of: recipient, organisations: [], in: loop(.sent, to: recipient), onCareTeam: false) == .recipient)
        #expect(ReferralAccess.side(of: colleague, organisations: [intake], in: loop(.received, intake: intake), onCareTeam: false) == .recipient)
        #expect(ReferralAccess.side(of: colleague, organisations: [], in: loop(.sent, to: recipient), onCareTeam: true) == nil)
    }

    @Test(arguments: [ReferralState.declined, .cancelled, .expired])
    func aLoopEndedWithoutCareShowsTheRecipientNothing(state: ReferralState) {
        #expect(ReferralAccess.side(of: recipient, organisations: [], in: loop(state, to: recipient), onCareTeam: false) == nil)
        #expect(ReferralAccess.side(of: recipient, organisations: [], in: loop(state, to: recipient), onCareTeam: true) == nil)
    }

    @Test(arguments: [ReferralState.accepted, .scheduled, .inCare, .closed])
    func afterAcceptingTheRecipientSeesItOnlyWhileOnTheTeam(state: ReferralState) {
        #expect(ReferralAccess.side(of: recipient, organisations: [], in: loop(state, to: recipient), onCareTeam: true) == .recipient)
        #expect(ReferralAccess.side(of: recipient, organisations: [], in: loop(state, to: recipient), onCareTeam: false) == nil)
    }
}

@Suite struct ReferralReferenceTests {
    @Test func aReferenceIsShortAndCarriesNoName() {
        let id = UUID(uuidString: "1a2b3c4d-0000-4000-8000-000000000000")!
        #expect(ReferralReference.short(id) == "R-1A2B3C4D")
    }
}
