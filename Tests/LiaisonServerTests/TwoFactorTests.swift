import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import LiaisonCore
import LiaisonData
import LiaisonTestSupport
import Testing
@testable import LiaisonServer

@Suite struct TwoFactorTests {
    /// The code an authenticator app with this key shows at `moment`.
    static func code(_ secret: String = TestWorld.authenticatorSecret, at moment: Date) -> String {
        TwoFactorService.code(secret: secret, step: TwoFactor.step(at: moment))
    }

    @Test func codesAreThoseOfRFC6238() {
        // The RFC's SHA-1 test key and times, cut to the six digits apps show.
        let key = "12345678901234567890"
        #expect(TwoFactorService.code(secret: key, step: TwoFactor.step(at: Date(timeIntervalSince1970: 59))) == "287082")
        #expect(TwoFactorService.code(secret: key, step: TwoFactor.step(at: Date(timeIntervalSince1970: 1_111_111_109))) == "081804")
        #expect(TwoFactorService.code(secret: key, step: TwoFactor.step(at: Date(timeIntervalSince1970: 2_000_000_000))) == "279037")
    }

    @Test func settingUpShowsAQRCodeAndTheKeyThenTurnsOnWithACodeFromTheApp() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            let browser = world.browser()
            try await browser.signIn("ana@clinic.example")
            #expect(try await browser.get("/account/two-factor").body.contains("Set up two-factor sign-in"))
            #expect(try await browser.post("/account/two-factor/setup", []).location == "/account/two-factor")
            let page = try await browser.get("/account/two-factor")
            #expect(page.body.contains("<svg"))
            let secret = try #require(try await TwoFactorQueries.credential(of: ana.requireID(), on: world.database.db())).secret
            let key = TwoFactorService.setup(secret: secret, for: ana.email).key
            #expect(key.count == 64) // 52 base-32 characters of the 32-byte key, in thirteen groups
            #expect(page.body.contains(key))

            let wrong = try await browser.post("/account/two-factor/confirm", [("code", "000000")])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.body.contains("That code does not match"))
            let confirmed = try await browser.post("/account/two-factor/confirm", [("code", Self.code(secret, at: world.clock.now()))])
            #expect(confirmed.status == .ok)
            let codes = confirmed.body.matches(of: /<li><code>([a-z2-9]{5}-[a-z2-9]{5})<\/code><\/li>/).map { String($0.1) }
            try #require(codes.count == 10)
            #expect(try await AuditEntry.query(on: world.database.db()).filter(\.$action == "two-factor.enable").count() == 1)

            // The next sign-in asks for a code; a recovery code from the list works, once.
            let later = world.browser()
            #expect(try await later.post("/sign-in", [("email", "ana@clinic.example"), ("password", TestWorld.password)]).location?.hasPrefix("/sign-in/code") == true)
            #expect(try await later.post("/sign-in/code", [("code", codes[3].uppercased())]).status == .seeOther)
            #expect(try await later.get("/").status == .ok)
            let again = world.browser()
            _ = try await again.post("/sign-in", [("email", "ana@clinic.example"), ("password", TestWorld.password)])
            #expect(try await again.post("/sign-in/code", [("code", codes[3])]).status == .unauthorized)
            #expect(try await AuditEntry.query(on: world.database.db()).filter(\.$action == "two-factor.recovery-code-used").count() == 1)
        }
    }

    @Test func thePasswordAloneSignsNobodyInAndACodeFromTheAppWorksOnce() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            try await world.person("ana@clinic.example", twoFactor: true)
            let browser = world.browser()
            let step = try await browser.post("/sign-in", [("email", "ana@clinic.example"), ("password", TestWorld.password), ("next", "/referrals")])
            #expect(step.location == "/sign-in/code?next=%2Freferrals")
            #expect(browser.cookies["liaison_session"] == nil)
            #expect(browser.cookies["liaison_sign_in"] != nil)
            // Waiting for the code is not being signed in.
            #expect(try await browser.get("/referrals").location?.hasPrefix("/sign-in") == true)
            #expect(try await browser.get("/sign-in/code").status == .ok)
            #expect(try await browser.post("/sign-in/code", [("code", "123456"), ("next", "/referrals")]).status == .unauthorized)
            let code = Self.code(at: clock.now())
            let done = try await browser.post("/sign-in/code", [("code", code), ("next", "/referrals")])
            #expect(done.location == "/referrals")
            #expect(browser.cookies["liaison_session"] != nil)
            #expect(browser.cookies["liaison_sign_in"] == nil)
            #expect(try await browser.get("/referrals").status == .ok)

            // The same code, seen over a shoulder, does not work again.
            let thief = world.browser()
            _ = try await thief.post("/sign-in", [("email", "ana@clinic.example"), ("password", TestWorld.password)])
            #expect(try await thief.post("/sign-in/code", [("code", code)]).status == .unauthorized)
            // The next one does.
            clock.advance(by: 30)
            #expect(try await thief.post("/sign-in/code", [("code", Self.code(at: clock.now()))]).status == .seeOther)
        }
    }

    @Test func guessingCodesLocksTheAccountLikeGuessingPasswords() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            try await world.person("ana@clinic.example", twoFactor: true)
            let browser = world.browser()
            _ = try await browser.post("/sign-in", [("email", "ana@clinic.example"), ("password", TestWorld.password)])
            // The password was try one; four wrong codes make five.
            for guess in ["111111", "222222", "333333", "444444"] {
                #expect(try await browser.post("/sign-in/code", [("code", guess)]).status == .unauthorized)
            }
            let locked = try await browser.post("/sign-in/code", [("code", Self.code(at: clock.now()))])
            #expect(locked.location == "/sign-in")
            #expect(browser.cookies["liaison_session"] == nil)
            let retry = try await world.browser().post("/sign-in", [("email", "ana@clinic.example"), ("password", TestWorld.password)])
            #expect(retry.status == .unauthorized)
            clock.advance(by: 15 * 60 + 1)
            try await world.browser().signIn("ana@clinic.example")
        }
    }

    @Test func aSignInLeftWaitingTooLongStartsAgain() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { world in
            try await world.person("ana@clinic.example", twoFactor: true)
            let browser = world.browser()
            _ = try await browser.post("/sign-in", [("email", "ana@clinic.example"), ("password", TestWorld.password)])
            clock.advance(by: TwoFactor.pendingSignInLifetime + 1)
            let late = try await browser.post("/sign-in/code", [("code", Self.code(at: clock.now()))])
            #expect(late.location == "/sign-in")
            #expect(browser.cookies["liaison_session"] == nil)
        }
    }

    @Test func administratorsSetItUpBeforeAnythingElse() async throws {
        try await withApp { world in
            let clinic = try await world.organisation()
            let chief = try await world.person("chief@clinic.example", in: clinic, role: .administrator, twoFactor: false)
            let browser = world.browser()
            try await browser.signIn("chief@clinic.example")
            let sent = try await browser.get("/patients")
            #expect(sent.status == .seeOther)
            #expect(sent.location == "/account/two-factor")
            #expect(try await browser.get("/account/two-factor").body.contains("Your role requires two-factor sign-in"))
            let api = try await world.apiToken(for: chief)
            let refused = try await api.call(.get, "/api/v1/patients")
            #expect(refused.status == .forbidden)
            #expect(refused.body.contains("requires two-factor sign-in"))
            let me = try await api.call(.get, "/api/v1/me").json()
            #expect(me["twoFactorRequired"] as? Bool == true)
            #expect(me["twoFactorEnabled"] as? Bool == false)

            // Set up through the API, as a program would walk someone through it.
            let setup = try await api.call(.post, "/api/v1/me/two-factor/setup")
            #expect(setup.status == .created)
            let address = try #require(try setup.json()["address"] as? String)
            #expect(address.hasPrefix("otpauth://totp/Liaison:chief@clinic.example?secret="))
            #expect((try setup.json()["qrCodeSVG"] as? String)?.hasPrefix("<svg") == true)
            let secret = try #require(try await TwoFactorQueries.credential(of: chief.requireID(), on: world.database.db())).secret
            let confirmed = try await api.call(.post, "/api/v1/me/two-factor/confirm", json: #"{"code":"\#(Self.code(secret, at: world.clock.now()))"}"#)
            #expect(confirmed.status == .ok)
            #expect((try confirmed.json()["recoveryCodes"] as? [String])?.count == 10)
            #expect(try await api.call(.get, "/api/v1/patients").status == .ok)
            #expect(try await browser.get("/patients").status == .ok)

            // Required, so it cannot be turned off.
            let off = try await api.call(.post, "/api/v1/me/two-factor/turn-off", json: #"{"code":"\#(try await world.recoveryCode(for: chief.email))"}"#)
            #expect(off.status == .forbidden)
        }
    }

    @Test func anOrganisationCanRequireItOfEveryMember() async throws {
        try await withApp { world in
            let clinic = try await world.organisation()
            try await world.person("chief@clinic.example", in: clinic, role: .administrator)
            try await world.person("ana@clinic.example", in: clinic)
            let ana = world.browser()
            try await ana.signIn("ana@clinic.example")
            #expect(try await ana.get("/patients").status == .ok)
            let chief = world.browser()
            try await chief.signIn("chief@clinic.example")
            let settings = SiteURL.organisationSettings(clinic.id!).path
            #expect(try await chief.get(settings).body.contains("requireTwoFactor"))
            let fields = [("name", "Riverside Clinic"), ("kind", "community-clinic"), ("timeZone", "America/New_York")]
                + ["2", "3", "4", "5", "6"].map { ("businessDays", $0) }
                + ServiceLevelTargets.standard.formValues.map { ($0.key, $0.value) } + [("requireTwoFactor", "on")]
            #expect(try await chief.post(settings, fields).status == .seeOther)
            #expect(try await ana.get("/patients").location == "/account/two-factor")
            // Signing out stays possible.
            #expect(try await ana.post("/sign-out", []).location == "/sign-in")
        }
    }

    @Test func turningItOffAsksForACode() async throws {
        try await withApp { world in
            try await world.person("ana@clinic.example", twoFactor: true)
            let browser = world.browser()
            try await browser.signIn("ana@clinic.example")
            let wrong = try await browser.post("/account/two-factor/turn-off", [("code", "999999")])
            #expect(wrong.status == .unprocessableContent)
            let off = try await browser.post("/account/two-factor/turn-off", [("code", try await world.recoveryCode(for: "ana@clinic.example"))])
            #expect(off.location == "/account/two-factor")
            #expect(try await TwoFactorQueries.credential(of: UserAccount.query(on: world.database.db()).first()!.requireID(), on: world.database.db()) == nil)
            #expect(try await AuditEntry.query(on: world.database.db()).filter(\.$action == "two-factor.disable").count() == 1)
            let next = world.browser()
            #expect(try await next.post("/sign-in", [("email", "ana@clinic.example"), ("password", TestWorld.password)]).location == "/")
        }
    }

    @Test func emergencyAccessAsksForACodeEveryTime() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example")
            try await world.patient(registeredBy: ana)
            let kim = try await world.person("kim@hospital.example")
            try await world.profile(for: kim)
            let api = try await world.apiToken(for: kim)
            let ask = #""givenName":"Sam","familyName":"Rivera","dateOfBirth":"1984-03-27","reason":"Unconscious in the emergency department.""#
            let unenrolled = try await api.call(.post, "/api/v1/emergency-access", json: "{\(ask),\"code\":\"123456\"}")
            #expect(unenrolled.status == .forbidden)
            #expect(unenrolled.body.contains("two-factor"))
            let page = world.browser()
            try await page.signIn("kim@hospital.example")
            #expect(try await page.get("/emergency-access").body.contains("Set up two-factor sign-in"))

            try await world.enrolTwoFactor(kim)
            let missing = try await api.call(.post, "/api/v1/emergency-access", json: "{\(ask)}")
            #expect(missing.status == .unprocessableContent)
            #expect(missing.body.contains("\"code\""))
            let wrong = try await api.call(.post, "/api/v1/emergency-access", json: "{\(ask),\"code\":\"000000\"}")
            #expect(wrong.status == .unprocessableContent)
            #expect(try await EmergencyAccess.query(on: world.database.db()).count() == 0)
            #expect(try await AuditEntry.query(on: world.database.db()).filter(\.$action == "emergency.search").count() == 0)
            let granted = try await api.call(.post, "/api/v1/emergency-access", json: "{\(ask),\"code\":\"\(Self.code(at: world.clock.now()))\"}")
            #expect(granted.status == .ok || granted.status == .created)
            #expect(try await EmergencyAccess.query(on: world.database.db()).count() == 1)
        }
    }

    @Test func oneCodeSentManyTimesAtOnceThroughTwoServersWorksOnce() async throws {
        try await withApp { world in
            let ana = try await world.person("ana@clinic.example", twoFactor: true)
            let api = try await world.apiToken(for: ana)
            let code = Self.code(at: world.clock.now())
            try await withTwoServers(world) { clients in
                let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for index in 0..<12 {
                        group.addTask {
                            try await APIClient(client: clients[index % 2], token: api.token)
                                .call(.post, "/api/v1/me/two-factor/recovery-codes", json: #"{"code":"\#(code)"}"#).status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == .ok }.count == 1)
                #expect(statuses.filter { $0 == .unprocessableContent }.count == 11)
            }
        }
    }
}
