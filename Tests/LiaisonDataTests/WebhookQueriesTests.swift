import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Testing

@Suite struct WebhookQueriesTests {
    func endpoint(_ records: Records, of organisation: Organisation, by user: UserAccount, events: [String], url: String = "https://hooks.example.org") async throws -> WebhookEndpoint {
        let endpoint = WebhookEndpoint(organisationID: organisation.id!, url: url, secret: "whsec_x", events: events, createdAt: Records.now, createdBy: user.id!)
        try await endpoint.create(on: records.db)
        return endpoint
    }

    @Test func subscribersAreTheEndpointsInUseOfTheOrganisationsThatAskedForTheEventExactly() async throws {
        try await withRecords { records in
            let clinic = try await records.organisation()
            let other = try await records.organisation("Harbour Practice")
            let chief = try await records.person("chief@clinic.example", in: clinic, role: .administrator)
            let both = try await endpoint(records, of: clinic, by: chief, events: ["referral.accepted", "referral.sent"])
            let closedOnly = try await endpoint(records, of: clinic, by: chief, events: ["referral.closed"])
            let elsewhere = try await endpoint(records, of: other, by: chief, events: ["referral.sent"])
            // "referral.sent" must not match a longer name that merely starts with it.
            _ = try await endpoint(records, of: clinic, by: chief, events: ["referral.sent-elsewhere"])

            let sent = try await WebhookQueries.subscribers(to: "referral.sent", organisations: [clinic.id!], on: records.db)
            #expect(sent.map(\.id) == [both.id!])
            #expect(sent.first?.secret == "whsec_x")
            let acrossBoth = try await WebhookQueries.subscribers(to: "referral.sent", organisations: [clinic.id!, other.id!], on: records.db)
            #expect(Set(acrossBoth.map(\.id)) == [both.id!, elsewhere.id!])
            #expect(try await WebhookQueries.subscribers(to: "referral.closed", organisations: [clinic.id!], on: records.db).map(\.id) == [closedOnly.id!])
            #expect(try await WebhookQueries.subscribers(to: "referral", organisations: [clinic.id!], on: records.db).isEmpty)
            #expect(try await WebhookQueries.subscribers(to: "referral.sent", organisations: [], on: records.db).isEmpty)
        }
    }

    @Test func removingAnEndpointSetsAsideItsWaitingCallsAndHidesItFromDelivery() async throws {
        try await withRecords { records in
            let clinic = try await records.organisation()
            let other = try await records.organisation("Harbour Practice")
            let chief = try await records.person("chief@clinic.example", in: clinic, role: .administrator)
            let endpoint = try await endpoint(records, of: clinic, by: chief, events: ["referral.sent"])
            let id = endpoint.id!
            try await OutboxQueries.enqueue(
                [NewOutboxMessage(channel: .webhook, recipient: id.uuidString, subject: "referral.sent", body: "{}"),
                 NewOutboxMessage(channel: .webhook, recipient: id.uuidString, subject: "referral.sent", body: "{}")],
                at: Records.now, on: records.db)
            let delivered = try await OutboxQueries.claim(.webhook, limit: 1, at: Records.now, leaseUntil: Records.now.addingTimeInterval(60), on: records.db)
            try await OutboxQueries.markDelivered(delivered[0].id, at: Records.now, on: records.db)
            #expect(try await WebhookQueries.targets([id], on: records.db)[id]?.url == "https://hooks.example.org")

            #expect(try await WebhookQueries.remove(id, ofOrganisation: other.id!, at: Records.now, on: records.db) == false, "not that organisation's")
            #expect(try await WebhookQueries.remove(id, ofOrganisation: clinic.id!, at: Records.now, on: records.db))
            #expect(try await WebhookQueries.remove(id, ofOrganisation: clinic.id!, at: Records.now, on: records.db) == false, "once")
            #expect(try await WebhookQueries.targets([id], on: records.db).isEmpty)
            #expect(try await WebhookQueries.endpoints(ofOrganisation: clinic.id!, on: records.db).isEmpty)
            #expect(try await WebhookQueries.endpoint(id, ofOrganisation: clinic.id!, on: records.db) == nil)
            let calls = try await OutboxQueries.latest(.webhook, to: [id.uuidString], on: records.db)
            #expect(calls.count == 2)
            #expect(calls.filter { $0.deadAt != nil }.map(\.lastError) == ["The endpoint was removed."], "the delivered call is left as it was")
            #expect(try await OutboxQueries.claim(.webhook, limit: 5, at: Records.now, leaseUntil: Records.now, on: records.db).isEmpty)
        }
    }

    @Test func channelsAreClaimedCountedAndRetriedApart() async throws {
        try await withRecords { records in
            try await OutboxQueries.enqueue([NewEmail(to: "a@example.org", subject: "s", body: "b")], at: Records.now, on: records.db)
            try await OutboxQueries.enqueue(
                [NewOutboxMessage(channel: .webhook, recipient: "E1", subject: "referral.sent", body: "{}")], at: Records.now, on: records.db)
            #expect(try await OutboxQueries.counts(.webhook, on: records.db) == OutboxCounts(waiting: 1, delivered: 0, setAside: 0))
            let call = try #require(try await OutboxQueries.claim(.webhook, limit: 5, at: Records.now, leaseUntil: Records.now, on: records.db).first)
            #expect(call.recipient == "E1")
            try await OutboxQueries.markFailed(call.id, error: "HTTP 410", retryAt: nil, at: Records.now, on: records.db)
            #expect(try await OutboxQueries.setAside(on: records.db).isEmpty, "the email page shows emails only")
            #expect(try await OutboxQueries.retry(call.id, at: Records.now, on: records.db) == false, "not an email")
            #expect(try await OutboxQueries.retry(call.id, channel: .webhook, recipients: ["E2"], at: Records.now, on: records.db) == false, "not to E2")
            #expect(try await OutboxQueries.retry(call.id, channel: .webhook, recipients: ["E1"], at: Records.now, on: records.db))
            #expect(try await OutboxQueries.claim(limit: 5, at: Records.now, leaseUntil: Records.now, on: records.db).map(\.recipient) == ["a@example.org"])
        }
    }

    @Test func aReferralConcernsTheOrganisationsOfBothEndsAndTheOneItWasSentTo() async throws {
        try await withRecords { records in
            let clinic = try await records.organisation()
            let harbour = try await records.organisation("Harbour Practice")
            let alone = try await records.organisation("Nobody's")
            let referrer = try await records.person("haddad@clinic.example", in: clinic)
            let recipient = try await records.person("lindqvist@harbour.example", in: harbour)
            let patient = try await records.patient(registeredBy: referrer)
            let referral = try await records.referral(patient, from: referrer, to: recipient)
            let involved = try await ReferralQueries.organisationsInvolved(in: [referral.id!, UUID()], on: records.db)
            #expect(involved.count == 1)
            #expect(involved[referral.id!]?.isSuperset(of: [clinic.id!, harbour.id!]) == true)
            #expect(involved[referral.id!]?.contains(alone.id!) == false)
        }
    }
}
