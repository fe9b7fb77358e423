import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import Testing

@Suite struct ConversationQueriesTests {
    @Test func threadsAndDirectConversationsAreStartedOnceAndReceiptsCountUntilRead() async throws {
        try await withRecords { records in
            let therapist = try await records.person("t@clinic.example")
            let psychiatrist = try await records.person("p@clinic.example")
            let patient = try await records.patient(registeredBy: therapist)
            _ = try await records.member(therapist, of: patient, role: .therapist)
            _ = try await records.member(psychiatrist, of: patient, role: .prescriber)

            let thread = try await ConversationQueries.openTeamThread(of: patient.id!, at: Records.now, on: records.db)
            #expect(try await ConversationQueries.openTeamThread(of: patient.id!, at: Records.now, on: records.db) == thread)
            let key = ConversationRules.directKey(psychiatrist.id!, therapist.id!, patient: nil)
            #expect(key == ConversationRules.directKey(therapist.id!, psychiatrist.id!, patient: nil), "the same whoever starts it")
            let direct = try await ConversationQueries.openDirect(key: key, between: therapist.id!, and: psychiatrist.id!, patient: nil, at: Records.now, on: records.db)
            #expect(try await ConversationQueries.openDirect(key: key, between: psychiatrist.id!, and: therapist.id!, patient: nil, at: Records.now, on: records.db) == direct)
            #expect(Set(try await ConversationQueries.members(of: direct, on: records.db)) == [therapist.id!, psychiatrist.id!])

            let later = Records.now.addingTimeInterval(60)
            try await ConversationQueries.post(
                ConversationMessage(conversationID: thread, authorID: therapist.id!, authorRole: "therapist", body: "Sleep is worse.", createdAt: later),
                for: [therapist.id!, psychiatrist.id!], on: records.db)
            try await ConversationQueries.post(
                ConversationMessage(conversationID: direct, authorID: therapist.id!, authorRole: nil, body: "Call me?", createdAt: later),
                for: [psychiatrist.id!], on: records.db)
            #expect(try await ConversationQueries.unreadCount(of: psychiatrist.id!, on: records.db) == 2)
            #expect(try await ConversationQueries.unreadCount(of: therapist.id!, on: records.db) == 0, "no receipt for the writer")
            let messages = try await ConversationQueries.messages(in: thread, on: records.db)
            #expect(messages.map(\.body) == ["Sleep is worse."])
            #expect(messages.first?.authorName == "Test Person")

            let list = try await ConversationQueries.list(of: psychiatrist.id!, at: later, on: records.db)
            #expect(Set(list.map(\.id)) == [thread, direct])
            #expect(list.allSatisfy { $0.unread == 1 })
            #expect(list.first { $0.id == direct }?.otherID == therapist.id!)
            #expect(try await ConversationQueries.markRead(thread, by: psychiatrist.id!, at: later, on: records.db) == 1)
            #expect(try await ConversationQueries.markRead(thread, by: psychiatrist.id!, at: later, on: records.db) == 0)
            try await ConversationQueries.settleUnreadOutside([thread], for: psychiatrist.id!, at: later, on: records.db)
            #expect(try await ConversationQueries.unreadCount(of: psychiatrist.id!, on: records.db) == 0)
            // Someone not on the team sees neither.
            let outsider = try await records.person("o@clinic.example")
            #expect(try await ConversationQueries.list(of: outsider.id!, at: later, on: records.db).isEmpty)
        }
    }
}

@Suite struct NoticePreferenceQueriesTests {
    @Test func choicesAreSavedOncePerPersonAndASummaryIsClaimedOnce() async throws {
        try await withRecords { records in
            let ana = try await records.person("ana@clinic.example")
            let ben = try await records.person("ben@clinic.example")
            let dublin = TimeZone(identifier: "Europe/Dublin")!
            try await NoticePreferenceQueries.save(NoticePreferences(email: .never, timeZone: dublin), for: ana.id!, at: Records.now, on: records.db)
            try await NoticePreferenceQueries.save(NoticePreferences(email: .daily, digestHour: 7, quietFrom: 22, quietUntil: 6, timeZone: dublin), for: ana.id!, at: Records.now, on: records.db)
            let stored = try await NoticePreferenceQueries.preferences(of: [ana.id!, ben.id!], on: records.db)
            #expect(stored.count == 1, "no row: the standard choices")
            #expect(stored[ana.id!] == NoticePreferences(email: .daily, digestHour: 7, quietFrom: 22, quietUntil: 6, timeZone: dublin))
            #expect(try await NoticePreferenceQueries.dailyCandidates(on: records.db).map(\.email) == ["ana@clinic.example"])

            let due = Records.now.addingTimeInterval(-3600)
            #expect(try await NoticePreferenceQueries.claimDigest(for: ana.id!, due: due, at: Records.now, on: records.db))
            #expect(try await NoticePreferenceQueries.claimDigest(for: ana.id!, due: due, at: Records.now, on: records.db) == false)
            #expect(try await NoticePreferenceQueries.dailyCandidates(on: records.db).first?.lastDigestAt == Records.now)
            let counts = try await NoticePreferenceQueries.digestCounts(for: ana.id!, since: due, on: records.db)
            #expect(counts.notices == 0 && counts.messages == 0)
        }
    }
}
