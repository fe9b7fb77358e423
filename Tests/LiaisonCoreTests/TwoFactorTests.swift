import Foundation
import Testing
@testable import LiaisonCore

@Suite struct TwoFactorRulesTests {
    @Test func typedCodesAreToldApartByShape() {
        #expect(TwoFactor.EnteredCode(" 123 456 ") == .timeBased("123456"))
        #expect(TwoFactor.EnteredCode("ABCDE-FGHJK") == .recovery("abcdefghjk"))
        #expect(TwoFactor.EnteredCode("12345") == nil)
        #expect(TwoFactor.EnteredCode("1234567") == nil)
        #expect(TwoFactor.EnteredCode("١٢٣٤٥٦") == nil) // digits, but not ASCII ones
        #expect(TwoFactor.EnteredCode("abcde-fghj0") == nil) // 0 is not in the recovery alphabet
        #expect(TwoFactor.EnteredCode(nil) == nil)
    }

    @Test func newRecoveryCodesReadBackAsRecoveryCodes() {
        for _ in 0..<50 {
            let code = TwoFactor.newRecoveryCode()
            #expect(code.count == 11)
            guard case .recovery = TwoFactor.EnteredCode(code) else { Issue.record("\(code) does not parse"); return }
        }
        #expect(Set((0..<50).map { _ in TwoFactor.newSecret() }).count == 50)
    }

    @Test func aCodeIsGoodForItsStepAndOneEitherSide() {
        let moment = Date(timeIntervalSince1970: 59)
        #expect(TwoFactor.step(at: moment) == 1)
        #expect(TwoFactor.acceptedSteps(at: moment) == [1, 0, 2])
        #expect(TwoFactor.step(at: Date(timeIntervalSince1970: 60)) == 2)
    }

    @Test func administratorsAndMembersOfOrganisationsThatAskForItMustUseIt() {
        #expect(TwoFactor.isRequired(isSystemAdministrator: true, roles: [], anOrganisationRequiresIt: false))
        #expect(TwoFactor.isRequired(isSystemAdministrator: false, roles: [.clinician, .administrator], anOrganisationRequiresIt: false))
        #expect(TwoFactor.isRequired(isSystemAdministrator: false, roles: [.clinician], anOrganisationRequiresIt: true))
        #expect(!TwoFactor.isRequired(isSystemAdministrator: false, roles: [.clinician], anOrganisationRequiresIt: false))
    }

    @Test func keysAreShownInGroupsOfFour() {
        #expect(TwoFactor.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ")
    }
}
