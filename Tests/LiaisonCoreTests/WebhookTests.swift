import Foundation
import Testing
@testable import LiaisonCore

@Suite struct WebhookAddressTests {
    func refused(_ text: String, allowLoopback: Bool = false) -> String? {
        if case .failure(let problem) = WebhookAddress.parse(text, allowLoopback: allowLoopback) { return problem.message }
        return nil
    }

    @Test func acceptsHttpAndHttpsAddressesOfReceivers() throws {
        let address = try WebhookAddress.parse("https://integration.example.org/liaison?team=7", allowLoopback: false).get()
        #expect(address.host == "integration.example.org")
        #expect(address.url.absoluteString == "https://integration.example.org/liaison?team=7")
        #expect(refused("http://10.2.3.4:8080/hook") == nil, "private networks hold hospital integration engines")
        #expect(refused("https://[2001:db8::1]/hook") == nil)
        #expect(refused("  https://hooks.example.org  ") == nil)
    }

    @Test func refusesOtherSchemesAndMalformedAddresses() {
        #expect(refused("ftp://example.org/x")?.contains("http") == true)
        #expect(refused("file:///etc/passwd") != nil)
        #expect(refused("gopher://example.org") != nil)
        #expect(refused("example.org/hook") != nil)
        #expect(refused("") != nil)
        #expect(refused("https://user:pw@example.org/") != nil)
        #expect(refused("https://example.org/#x") != nil)
        #expect(refused("https://example.org/" + String(repeating: "a", count: 2100)) != nil)
    }

    @Test func refusesLinkLocalAndMetadataAddressesHoweverWritten() {
        for text in [
            "http://169.254.169.254/latest/meta-data/", "http://169.254.0.1/", "http://[fe80::1]/", "http://[fe80::1%25eth0]/",
            "http://metadata.google.internal/computeMetadata/v1/", "http://metadata/", "http://metadata.google.internal./",
            "http://[::ffff:169.254.169.254]/", "http://[::ffff:a9fe:a9fe]/", "http://[fd00:ec2::254]/", "http://100.100.100.200/",
            "http://2852039166/", "http://0xa9fea9fe/", "http://0251.0376.0251.0376/",
            "http://0.0.0.0/", "http://[::]/", "http://224.0.0.1/",
        ] {
            #expect(refused(text, allowLoopback: true) != nil, "\(text) should be refused")
        }
    }

    @Test func loopbackOnlyWhereTheInstallationAllowsIt() {
        for text in ["http://127.0.0.1:9000/hook", "http://localhost/hook", "http://[::1]/", "http://127.8.9.10/", "http://[::ffff:127.0.0.1]/"] {
            #expect(refused(text) != nil, "\(text)")
            #expect(refused(text, allowLoopback: true) == nil, "\(text)")
        }
    }
}

@Suite struct IPAddressTests {
    @Test func readsBothFamilies() throws {
        #expect(IPAddress("192.168.1.20")?.bytes == [192, 168, 1, 20])
        #expect(IPAddress("::1")?.bytes == Array(repeating: 0, count: 15) + [1])
        #expect(IPAddress("2001:db8::ff00:42:8329")?.bytes.count == 16)
        #expect(IPAddress("::ffff:10.0.0.1")?.effective == [10, 0, 0, 1])
        #expect(IPAddress("256.1.1.1") == nil)
        #expect(IPAddress("01.2.3.4") == nil, "leading zeros are octal to some resolvers")
        #expect(IPAddress("1.2.3") == nil)
        #expect(IPAddress("1::2::3") == nil)
        #expect(IPAddress("12345::") == nil)
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
    }
}

@Suite struct WebhookEventTests {
    @Test func everyReferralStepButReceiptHasAnEvent() {
        for action in ReferralAction.allCases {
            #expect((WebhookEvent(referralAction: action) == nil) == (action == .receive), "\(action)")
        }
        let events = ReferralAction.allCases.compactMap(WebhookEvent.init(referralAction:))
        #expect(Set(events).count == events.count)
        #expect(!WebhookEvent.subscribable.contains(.test))
    }

    @Test func listsAreReadStrictly() throws {
        #expect(try WebhookEvent.list(["referral.sent", " referral.closed", "referral.sent"]).get() == [.referralClosed, .referralSent])
        #expect(throws: SettingProblem.self) { try WebhookEvent.list(["referral.sent", "referral.teleported"]).get() }
        #expect(throws: SettingProblem.self) { try WebhookEvent.list(["webhook.test"]).get() }
        #expect(throws: SettingProblem.self) { try WebhookEvent.list([]).get() }
    }

    @Test func theSignedContentJoinsTimestampKeyAndBody() {
        #expect(WebhookSignature.signedContent(timestamp: 1_700_000_000, idempotencyKey: "k-1", body: "{}") == "1700000000.k-1.{}")
    }
}
