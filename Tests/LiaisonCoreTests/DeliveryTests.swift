import Foundation
import Testing
@testable import LiaisonCore

@Suite struct SMTPReplyTests {
    @Test func multiLineRepliesEndAtTheLineWithASpace() throws {
        var parser = SMTPReply.Parser()
        #expect(try parser.feed("250-mail.example.org greets you") == nil)
        #expect(try parser.feed("250-STARTTLS") == nil)
        #expect(try parser.feed("250-AUTH PLAIN LOGIN") == nil)
        let reply = try #require(try parser.feed("250 SMTPUTF8"))
        #expect(reply.code == 250)
        #expect(reply.extensionParameters("STARTTLS") == [])
        #expect(reply.extensionParameters("AUTH") == ["PLAIN", "LOGIN"])
        #expect(reply.extensionParameters("PIPELINING") == nil)
        // The parser starts afresh for the next reply.
        #expect(try parser.feed("354 go ahead")?.code == 354)
        #expect(try parser.feed("221")?.lines == [""])
    }

    @Test func codesAreSortedIntoGoOnTryLaterAndGiveUp() throws {
        var parser = SMTPReply.Parser()
        #expect(try parser.feed("451 4.3.0 busy")?.isTransient == true)
        #expect(try parser.feed("550 5.1.1 no such user")?.isTransient == false)
        #expect(try parser.feed("550 5.1.1 no such user")?.isPositive == false)
        #expect(try parser.feed("235 ok")?.isPositive == true)
    }

    @Test func somethingElseIsNotAReply() throws {
        var parser = SMTPReply.Parser()
        #expect(throws: SMTPReply.Parser.ParseError.self) { try parser.feed("hello") }
        #expect(throws: SMTPReply.Parser.ParseError.self) { try parser.feed("250x") }
        var mixed = SMTPReply.Parser()
        #expect(try mixed.feed("250-first") == nil)
        #expect(throws: SMTPReply.Parser.ParseError.self) { try mixed.feed("251 second") }
    }
}

@Suite struct SMTPSettingsTests {
    @Test func readsTheFormsOperatorsWrite() throws {
        let plain = try SMTPSettings.parse("smtp://liaison:p%40ss@mail.example.org:2525").get()
        #expect(plain == SMTPSettings(host: "mail.example.org", port: 2525, security: .startTLSWhenOffered, username: "liaison", password: "p@ss"))
        #expect(try SMTPSettings.parse("smtp://mail.example.org").get().port == 587)
        #expect(try SMTPSettings.parse("smtp://mail.example.org?starttls=required").get().security == .startTLSRequired)
        let tls = try SMTPSettings.parse("smtps://mail.example.org?ca=/etc/liaison/ca.pem").get()
        #expect(tls.port == 465 && tls.security == .implicitTLS && tls.certificateAuthorityFile == "/etc/liaison/ca.pem")
    }

    @Test func refusesWhatCannotWork() {
        for bad in ["mail.example.org", "http://mail.example.org", "smtp://", "smtp://user@mail.example.org", "smtp://mail.example.org?tls=yes",
                    "smtps://mail.example.org?starttls=required", "smtp://mail.example.org:0"] {
            guard case .failure = SMTPSettings.parse(bad) else { Issue.record("\(bad) was accepted"); continue }
        }
    }
}

@Suite struct MailMessageTests {
    let message = MailMessage(
        from: "Liaison <noreply@clinic.example>", to: "ana@clinic.example", subject: "Référence R-1A2B",
        text: "Hello Ana,\n\nFollow https://liaison.example/referrals/1?x=<y> to answer.\n.hidden line", messageID: "abc@clinic.example",
        date: Date(timeIntervalSince1970: 0))

    @Test func headersAndTwoPartsWithCRLF() throws {
        let rendered = message.rendered(boundary: "B")
        #expect(rendered.hasPrefix("From: Liaison <noreply@clinic.example>\r\nTo: ana@clinic.example\r\nSubject: =?utf-8?B?"))
        #expect(rendered.contains("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"))
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: 1_800_000_000)) == "Fri, 15 Jan 2027 08:00:00 +0000")
        #expect(rendered.contains("Message-ID: <abc@clinic.example>\r\n"))
        #expect(rendered.contains("Content-Type: multipart/alternative; boundary=\"B\"\r\n"))
        #expect(rendered.contains("--B\r\nContent-Type: text/plain; charset=utf-8\r\n"))
        #expect(rendered.contains("--B\r\nContent-Type: text/html; charset=utf-8\r\n"))
        #expect(rendered.hasSuffix("--B--\r\n"))
        #expect(!rendered.replacing("\r\n", with: "").contains("\n"))
        #expect(rendered.split(separator: "\r\n").allSatisfy { $0.count <= 998 })
    }

    @Test func theHTMLPartEscapesAndLinks() {
        #expect(message.html.contains("<a href=\"https://liaison.example/referrals/1?x=&lt;y&gt;\">"))
        #expect(message.html.contains("<p>Hello Ana,</p>"))
    }

    @Test func headerInjectionIsImpossible() {
        #expect(MailMessage.encodedHeader("Hi\r\nBcc: someone@evil.example") == "HiBcc: someone@evil.example")
    }

    @Test func linesStartingWithADotAreDoubled() {
        #expect(MailMessage.dotStuffed("a\r\n.b\r\n..c") == "a\r\n..b\r\n...c")
    }
}

@Suite struct DeliveryPolicyTests {
    @Test func delaysDoubleUpToALimitWithBoundedJitter() {
        let policy = DeliveryPolicy()
        #expect(policy.retryDelay(afterAttempts: 1, jitter: 0) == 60)
        #expect(policy.retryDelay(afterAttempts: 3, jitter: 0) == 240)
        #expect(policy.retryDelay(afterAttempts: 20, jitter: 0) == 6 * 3600)
        #expect(policy.retryDelay(afterAttempts: 1, jitter: 1) == 72)
        #expect(policy.retryDelay(afterAttempts: 1, jitter: -5) == 48)
    }

    @Test func permanentFailuresAndTheLastTryAreSetAside() {
        let policy = DeliveryPolicy()
        #expect(policy.shouldRetry(afterAttempts: 1, permanent: false))
        #expect(!policy.shouldRetry(afterAttempts: 1, permanent: true))
        #expect(!policy.shouldRetry(afterAttempts: policy.maximumAttempts, permanent: false))
    }
}

@Suite struct MailLinkTests {
    @Test func everyWebAddressBecomesALinkAndTheRestIsLeftAlone() {
        #expect(MailMessage.linked("See https://a.example/x?y=1 and http://b.example/z, then reply.")
            == "See <a href=\"https://a.example/x?y=1\">https://a.example/x?y=1</a> and <a href=\"http://b.example/z,\">http://b.example/z,</a> then reply.")
        #expect(MailMessage.linked("No address here.") == "No address here.")
        #expect(MailMessage.linked("http://first.example<br>") == "<a href=\"http://first.example\">http://first.example</a><br>")
    }
}
