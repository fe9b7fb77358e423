import Foundation
import Hummingbird
import LiaisonData
import LiaisonTestSupport
@testable import LiaisonServer
import Testing

/// Walks the route table itself, so a route added later is covered without anyone remembering to.
@Suite struct SignedInRoutesTests {
    /// The only routes anyone may reach without signing in.
    static let open: Set<String> = [
        "GET /health", "GET /ready", "GET /metrics", "GET /api/v1/openapi.json", "GET /static/liaison.css",
        "GET /sign-in", "POST /sign-in", "POST /sign-out", "GET /password/forgot", "POST /password/forgot",
        "GET /password/reset/{token}", "POST /password/reset/{token}", "GET /invitations/{token}", "POST /invitations/{token}",
    ]

    @Test func everyOtherRouteSendsAnonymousPeopleToSignInOrAnswers401() async throws {
        try await withApp { world in
            let router = buildRouter(
                world.services, views: try await Views(secureCookies: false), configuration: LiaisonConfiguration(), metrics: .init(), formsKey: "test")
            let routes = router.routes.map { (method: $0.method, path: $0.path.description) }
            #expect(routes.count > 60)
            #expect(Set(routes.map { "\($0.method) \($0.path)" }).isSuperset(of: Self.open))
            for route in routes where !Self.open.contains("\(route.method) \(route.path)") {
                let path = route.path.replacing(/\{[^}]+\}/) { _ in UUID().uuidString.lowercased() }
                let browser = world.browser()
                let answer: Browser.Page = if route.method == .post, !path.hasPrefix(APIURL.base) {
                    // With a valid form token, so the sign-in check is what answers.
                    try await browser.post(path, [])
                } else {
                    try await browser.send(path, method: route.method, headers: [:], body: nil)
                }
                if path.hasPrefix(APIURL.base) {
                    #expect(answer.status == .unauthorized, "\(route.method) \(route.path)")
                } else {
                    #expect(answer.status == .seeOther, "\(route.method) \(route.path)")
                    #expect(answer.location?.hasPrefix(SiteURL.signIn.path) == true, "\(route.method) \(route.path)")
                }
            }
        }
    }

    @Test func clinicianRoutesAreNotFoundForAPatientsPortalAccount() async throws {
        try await withApp { world in
            try await world.person("sam@example.org", kind: UserAccount.patientKind)
            let browser = world.browser()
            try await browser.signIn("sam@example.org")
            #expect(try await browser.get(SiteURL.referrals.path).status == .notFound)
            #expect(try await browser.get(SiteURL.patient(UUID()).path).status == .notFound)
            #expect(try await browser.get(SiteURL.notifications.path).status == .ok)
        }
    }
}
