import Foundation
import Testing
@testable import LiaisonCore

@Suite struct PatientAccessPolicyTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let therapist = UUID(), outsider = UUID(), patient = UUID()

    func connections(team: [CareTeamMembership] = [], grants: [(UUID, Date)] = [], patientUser: UUID? = nil) -> PatientConnections {
        PatientConnections(team: team, emergencyGrants: grants.map { (userID: $0.0, expiresAt: $0.1) }, patientUserID: patientUser)
    }

    func member(_ id: UUID, _ role: CareTeamRole = .therapist, from: TimeInterval = -100, to: TimeInterval? = nil) -> CareTeamMembership {
        CareTeamMembership(userID: id, role: role, isResponsiblePrescriber: false, startedAt: now.addingTimeInterval(from), endedAt: to.map { now.addingTimeInterval($0) })
    }

    @Test func activeTeamMemberReadsAndWrites() {
        let access = PatientAccessPolicy.access(of: therapist, to: connections(team: [member(therapist)]), at: now)
        #expect(access == .careTeam(.therapist))
        #expect(access.mayWrite && access.mayReadClinicalRecord && access.mayReadAccessLog)
    }

    @Test func outsiderSeesNothing() {
        #expect(PatientAccessPolicy.access(of: outsider, to: connections(team: [member(therapist)]), at: now) == .none)
    }

    @Test func endedMembershipGivesNothing() {
        #expect(PatientAccessPolicy.access(of: therapist, to: connections(team: [member(therapist, to: -1)]), at: now) == .none)
    }

    @Test func membershipThatHasNotStartedGivesNothing() {
        #expect(PatientAccessPolicy.access(of: therapist, to: connections(team: [member(therapist, from: 60)]), at: now) == .none)
    }

    @Test func emergencyGrantReadsUntilItExpires() {
        let grant = connections(grants: [(outsider, now.addingTimeInterval(60))])
        let access = PatientAccessPolicy.access(of: outsider, to: grant, at: now)
        #expect(access == .emergency(until: now.addingTimeInterval(60)))
        #expect(access.mayReadClinicalRecord && !access.mayWrite && !access.mayReadAccessLog)
        #expect(PatientAccessPolicy.access(of: outsider, to: grant, at: now.addingTimeInterval(60)) == .none)
    }

    @Test func patientSeesTheirOwnPortalButNotClinicalNotes() {
        let access = PatientAccessPolicy.access(of: patient, to: connections(patientUser: patient), at: now)
        #expect(access == .patientSelf)
        #expect(access.mayReadAccessLog && !access.mayReadClinicalRecord && !access.mayWrite)
    }
}

@Suite struct CareTeamRulesTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let a = UUID(), b = UUID()

    @Test func aMemberCannotJoinTwice() {
        let team = [CareTeamMembership(userID: a, role: .therapist, isResponsiblePrescriber: false, startedAt: now, endedAt: nil)]
        #expect(throws: ValidationErrors.self) { try CareTeamRules.checkJoin(userID: a, role: .consultant, responsible: false, team: team, at: now) }
    }

    @Test func aFormerMemberMayRejoin() throws {
        let team = [CareTeamMembership(userID: a, role: .therapist, isResponsiblePrescriber: false, startedAt: now.addingTimeInterval(-100), endedAt: now.addingTimeInterval(-1))]
        try CareTeamRules.checkJoin(userID: a, role: .therapist, responsible: false, team: team, at: now)
    }

    @Test func atMostOneResponsiblePrescriber() {
        let team = [CareTeamMembership(userID: a, role: .prescriber, isResponsiblePrescriber: true, startedAt: now, endedAt: nil)]
        #expect {
            try CareTeamRules.checkJoin(userID: b, role: .prescriber, responsible: true, team: team, at: now)
        } throws: { ($0 as? ValidationErrors)?.message(for: "responsible")?.contains("already has a responsible prescriber") == true }
        // A second, covering prescriber is fine.
        #expect(throws: Never.self) { try CareTeamRules.checkJoin(userID: b, role: .prescriber, responsible: false, team: team, at: now) }
    }

    @Test func onlyAPrescriberCanBeResponsible() {
        #expect(throws: ValidationErrors.self) { try CareTeamRules.checkJoin(userID: b, role: .therapist, responsible: true, team: [], at: now) }
    }
}

@Suite struct ConsentAndNoteTests {
    let author = UUID(), reader = UUID()

    func mayRead(_ kind: NoteKind, by access: PatientAccess, consent: ConsentSettings = .init(), authorRole: CareTeamRole = .therapist, viewer: UUID? = nil) -> Bool {
        NoteVisibility.mayRead(kind: kind, authorID: author, authorRole: authorRole, viewerID: viewer ?? reader, viewerAccess: access, consent: consent)
    }

    @Test func teamNotesAreSharedByDefault() {
        #expect(mayRead(.team, by: .careTeam(.primaryCare)))
    }

    @Test func privateProcessNotesAreTheAuthorsAlone() {
        #expect(!mayRead(.privateProcess, by: .careTeam(.prescriber)))
        #expect(mayRead(.privateProcess, by: .careTeam(.therapist), viewer: author))
    }

    @Test func withheldPairHidesNotesBothWays() throws {
        let consent = try ConsentSettings.parse(withheldKeys: ["therapist:primary-care"])
        #expect(!mayRead(.team, by: .careTeam(.primaryCare), consent: consent))
        #expect(!mayRead(.team, by: .careTeam(.therapist), consent: consent, authorRole: .primaryCare))
        #expect(mayRead(.team, by: .careTeam(.prescriber), consent: consent))
    }

    @Test func emergencyReaderIsTreatedAsAnOutsiderToTheTeam() throws {
        #expect(mayRead(.team, by: .emergency(until: .distantFuture)))
        let consent = try ConsentSettings.parse(withheldKeys: ["other:therapist"])
        #expect(!mayRead(.team, by: .emergency(until: .distantFuture), consent: consent))
    }

    @Test func patientsDoNotReadClinicalNotesHere() {
        #expect(!mayRead(.team, by: .patientSelf))
    }

    @Test func unknownConsentPairsAreRefused() {
        #expect(throws: ValidationErrors.self) { try ConsentSettings.parse(withheldKeys: ["therapist:astrologer"]) }
    }

    @Test func pairKeysAreOrderIndependent() {
        #expect(ConsentSettings.RolePair(.therapist, .primaryCare) == ConsentSettings.RolePair(.primaryCare, .therapist))
    }
}

@Suite struct PatientDetailsTests {
    let today = DateOnly(year: 2026, month: 11, day: 23)!

    func draft(_ change: (inout PatientDraft) -> Void = { _ in }) -> PatientDraft {
        var draft = PatientDraft(givenName: "Sam", familyName: "Rivera", dateOfBirth: "1984-03-27")
        change(&draft)
        return draft
    }

    @Test func validPatient() throws {
        let details = try draft().validated(today: today)
        #expect(details.dateOfBirth == DateOnly(year: 1984, month: 3, day: 27))
    }

    @Test(arguments: ["1984-02-30", "27/03/1984", "1984-3-27", "", "tomorrow"])
    func datesOfBirthMustBeRealDates(_ raw: String) {
        #expect(throws: ValidationErrors.self) { try draft { $0.dateOfBirth = raw }.validated(today: today) }
    }

    @Test func futureBirthIsRefused() {
        #expect {
            try draft { $0.dateOfBirth = "2026-11-24" }.validated(today: today)
        } throws: { ($0 as? ValidationErrors)?.message(for: "dateOfBirth") == "Date of birth cannot be in the future." }
    }

    @Test func matchKeyIgnoresCaseAccentsAndSpaces() {
        let birth = DateOnly(year: 1990, month: 1, day: 2)!
        #expect(PatientDetails.matchKey(givenName: "José", familyName: "De la Cruz", dateOfBirth: birth)
            == PatientDetails.matchKey(givenName: "jose ", familyName: "delacruz", dateOfBirth: birth))
    }
}

@Suite struct AuditChainTests {
    /// A toy hash so the pure walk can be tested; the real one is SHA-256 in LiaisonData.
    static func hash(_ text: String) -> String { String(text.hashValue, radix: 16) }

    func chain(_ count: Int) -> [(record: AuditRecord, hash: String)] {
        var previous = AuditChain.genesis
        return (1...count).map { index in
            let record = AuditRecord(sequence: Int64(index), occurredAtMilliseconds: Int64(index * 1000), actorID: nil, action: "patient.read", patientID: nil, subject: "s\(index)", purpose: "treatment", requestID: "r\(index)", previousHash: previous)
            previous = Self.hash(record.canonicalText)
            return (record, previous)
        }
    }

    @Test func intactChainVerifies() {
        #expect(AuditChain.verify(chain(5), hash: Self.hash) == .intact(entries: 5))
    }

    @Test func changedEntryIsFound() {
        var entries = chain(5)
        let r = entries[2].record
        entries[2].record = AuditRecord(sequence: r.sequence, occurredAtMilliseconds: r.occurredAtMilliseconds, actorID: r.actorID, action: "patient.read", patientID: r.patientID, subject: "edited", purpose: r.purpose, requestID: r.requestID, previousHash: r.previousHash)
        #expect(AuditChain.verify(entries, hash: Self.hash) == .broken(sequence: 3, reason: "its content does not match its hash (the entry was changed)"))
    }

    @Test func removedEntryIsFound() {
        var entries = chain(5)
        entries.remove(at: 1)
        guard case .broken(let sequence, _) = AuditChain.verify(entries, hash: Self.hash) else { Issue.record("not detected"); return }
        #expect(sequence == 3)
    }

    @Test func rehashedEntryStillBreaksTheNextLink() {
        var entries = chain(5)
        let r = entries[1].record
        let forged = AuditRecord(sequence: r.sequence, occurredAtMilliseconds: r.occurredAtMilliseconds, actorID: r.actorID, action: "patient.read", patientID: r.patientID, subject: "forged", purpose: r.purpose, requestID: r.requestID, previousHash: r.previousHash)
        entries[1] = (forged, Self.hash(forged.canonicalText))
        #expect(AuditChain.verify(entries, hash: Self.hash) == .broken(sequence: 3, reason: "its link to the previous entry does not match"))
    }

    @Test func fieldsCannotBeShiftedBetweenEachOther() {
        let a = AuditRecord(sequence: 1, occurredAtMilliseconds: 1, actorID: nil, action: "a|b", patientID: nil, subject: "c", purpose: "", requestID: "", previousHash: "")
        let b = AuditRecord(sequence: 1, occurredAtMilliseconds: 1, actorID: nil, action: "a", patientID: nil, subject: "b|c", purpose: "", requestID: "", previousHash: "")
        #expect(a.canonicalText != b.canonicalText)
    }
}

@Suite struct CareTeamEndingTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let a = UUID(), b = UUID()

    @Test func theLastMemberStays() throws {
        let alone = [
            CareTeamMembership(userID: a, role: .therapist, isResponsiblePrescriber: false, startedAt: now, endedAt: nil),
            CareTeamMembership(userID: b, role: .prescriber, isResponsiblePrescriber: false, startedAt: now.addingTimeInterval(-100), endedAt: now.addingTimeInterval(-1)),
        ]
        #expect(throws: ValidationErrors.self) { try CareTeamRules.checkEnd(userID: a, team: alone, at: now) }
        let two = alone + [CareTeamMembership(userID: b, role: .prescriber, isResponsiblePrescriber: false, startedAt: now, endedAt: nil)]
        try CareTeamRules.checkEnd(userID: a, team: two, at: now)
    }

    @Test func onlyTheResponsiblePrescriberEndsAnothersPlaceAndAnyoneTheirOwn() throws {
        let c = UUID()
        let team = [
            CareTeamMembership(userID: a, role: .therapist, isResponsiblePrescriber: false, startedAt: now, endedAt: nil),
            CareTeamMembership(userID: b, role: .prescriber, isResponsiblePrescriber: true, startedAt: now, endedAt: nil),
            CareTeamMembership(userID: c, role: .caseManager, isResponsiblePrescriber: false, startedAt: now, endedAt: nil),
        ]
        #expect(throws: ValidationErrors.self) { try CareTeamRules.checkEnd(userID: c, by: a, team: team, at: now) }
        #expect(throws: ValidationErrors.self) { try CareTeamRules.checkEnd(userID: b, by: a, team: team, at: now) }
        try CareTeamRules.checkEnd(userID: c, by: b, team: team, at: now)
        try CareTeamRules.checkEnd(userID: a, by: a, team: team, at: now)
        // A team without a responsible prescriber is every member's to keep.
        let without = team.map { CareTeamMembership(userID: $0.userID, role: $0.role, isResponsiblePrescriber: false, startedAt: now, endedAt: nil) }
        try CareTeamRules.checkEnd(userID: c, by: a, team: without, at: now)
    }
}
