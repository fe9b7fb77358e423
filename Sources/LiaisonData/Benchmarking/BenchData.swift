import FluentKit
import Foundation
import LiaisonCore
import LiaisonData
import SQLKit

/// A synthetic health system for benchmarks, generated deterministically from a seed with bulk
/// inserts: at scale 1, 2,000 clinicians, 200,000 patients, 1,000,000 referrals with their notes
/// and 5,000,000 audit entries (a valid hash chain). All names are invented.
public struct BenchData: Sendable {
    public let scale: Double
    public let seed: UInt64
    /// Patients in measurement-based care at the first organisation (not scaled: the registry's
    /// benchmark wants them whatever the rest).
    public let measurementPatients: Int

    public init(scale: Double, seed: UInt64, measurementPatients: Int = 20_000) {
        self.scale = scale
        self.seed = seed
        self.measurementPatients = measurementPatients
    }

    public static let password = "bench-password"
    /// The clinician whose worklists and patients the benchmark requests use.
    public static let busyClinicianEmail = "clinician0@bench.liaison.example"
    public static let busyReferrerEmail = "clinician1@bench.liaison.example"
    /// The clinician the write benchmark refers patients to, and who then acknowledges them.
    public static let recipientEmail = "clinician2@bench.liaison.example"

    public struct Summary: Sendable, CustomStringConvertible {
        public var counts: [(String, Int)] = []
        public var seconds: Double = 0
        public var description: String {
            counts.map { "\($0.0): \($0.1)" }.joined(separator: ", ") + String(format: " in %.1f s", seconds)
        }
    }

    func count(_ base: Int) -> Int { max(1, Int((Double(base) * scale).rounded())) }

    /// Fills `database`; every account's password has `passwordHash` (of `BenchData.password`).
    /// The moment a generated dataset describes (its organisations were created then), or nil
    /// when the database holds none.
    public static func generatedAt(on db: any Database) async throws -> Date? {
        try await db.sql.raw("SELECT max(created_at) AS moment FROM organisations").first()?.decode(column: "moment", as: Date?.self)
    }

    public func generate(into database: LiaisonDatabase, passwordHash hash: String, now: Date = Date()) async throws -> Summary {
        let start = Date()
        var random = SplitMix64(seed: seed)
        let sql = database.sql()
        let clinicians = count(2_000), organisations = max(2, count(50)), patients = count(200_000)
        let referrals = count(1_000_000), audit = count(5_000_000)

        let organisationIDs = (0..<organisations).map { _ in random.uuid() }
        try await insertRows(database, Organisation.schema,
            ["id", "name", "kind", "time_zone", "business_days", "created_at", "ack_routine_days", "ack_urgent_days", "ack_emergent_days", "closing_note_days", "escalation_days", "expiry_days"],
            organisationIDs.enumerated().map { index, id in
                [SQLBind(id), SQLBind("Bench Organisation \(index)"), SQLBind("community-clinic"), SQLBind("America/New_York"), SQLBind("23456"), SQLBind(now),
                 SQLBind(3), SQLBind(1), SQLBind(0), SQLBind(14), SQLBind(2), SQLBind(30)]
            })

        let clinicianIDs = (0..<clinicians).map { _ in random.uuid() }
        let disciplines = Discipline.allCases
        try await insertRows(database, UserAccount.schema, ["id", "email", "display_name", "password_hash", "is_system_admin", "failed_sign_ins", "created_at", "kind"],
            clinicianIDs.enumerated().map { index, id in
                [SQLBind(id), SQLBind("clinician\(index)@bench.liaison.example"), SQLBind("Clinician \(index)"), SQLBind(hash), SQLBind(false), SQLBind(0), SQLBind(now), SQLBind("clinician")]
            })
        try await insertRows(database, Membership.schema, ["id", "user_id", "organisation_id", "role", "created_at"],
            clinicianIDs.enumerated().map { index, id in
                [SQLBind(random.uuid()), SQLBind(id), SQLBind(organisationIDs[index % organisations]), SQLBind(index % 40 == 0 ? "administrator" : "clinician"), SQLBind(now)]
            })
        // Administrators sign in with two-factor codes (they must), from one published bench key.
        try await insertRows(database, TwoFactorCredential.schema, ["id", "user_id", "secret", "created_at", "confirmed_at", "last_used_step"],
            clinicianIDs.enumerated().filter { $0.offset % 40 == 0 }.map { _, id in
                [SQLBind(random.uuid()), SQLBind(id), SQLBind(Self.authenticatorSecret), SQLBind(now), SQLBind(now), SQLBind(Int64(0))]
            })
        let profileIDs = clinicianIDs.map { _ in random.uuid() }
        let languages = ["|English|", "|English|Spanish|", "|English|French|", "|English|Vietnamese|"]
        try await insertRows(database, Profile.schema,
            ["id", "user_id", "discipline", "credentials", "about", "contact_method", "contact_phone", "contact_email", "contact_hours", "languages", "insurance",
             "modality", "locations", "accepting_new_patients", "transfer_policy", "prioritises_without_psychiatrist", "listed", "total_openings", "search_text", "updated_at"],
            clinicianIDs.enumerated().map { index, id in
                let openings = Int(random.next() % 4)
                return [SQLBind(profileIDs[index]), SQLBind(id), SQLBind(disciplines[index % disciplines.count].rawValue), SQLBind("Licensed"), SQLBind("Synthetic bench clinician."),
                        SQLBind("secure-message"), SQLBind(""), SQLBind(""), SQLBind(""), SQLBind(languages[index % languages.count]), SQLBind("|Medicaid|"),
                        SQLBind(["both", "in-person", "telehealth"][index % 3]), SQLBind("|Riverside|"), SQLBind(openings > 0), SQLBind("accepts"), SQLBind(false), SQLBind(true),
                        SQLBind(openings), SQLBind("clinician \(index) licensed synthetic bench clinician."), SQLBind(now)]
            })
        try await insertRows(database, ServiceOpening.schema, ["id", "profile_id", "service", "openings"],
            profileIDs.enumerated().map { index, id in
                [SQLBind(random.uuid()), SQLBind(id), SQLBind(ClinicalService.allCases[index % ClinicalService.allCases.count].rawValue), SQLBind(index % 4)]
            })

        // Patients, each with a two-person care team; the busy clinician is on every 50th team.
        var patientIDs: [UUID] = []
        patientIDs.reserveCapacity(patients)
        try await inBatches(patients) { range in
            var patientRows: [[any SQLExpression]] = [], teamRows: [[any SQLExpression]] = []
            for index in range {
                let id = random.uuid()
                patientIDs.append(id)
                let birth = String(format: "19%02d-%02d-%02d", 30 + index % 70, 1 + index % 12, 1 + index % 28)
                patientRows.append([SQLBind(id), SQLBind("Given\(index)"), SQLBind("Family\(index)"), SQLBind(birth), SQLBind("given\(index)|family\(index)|\(birth)"),
                                    SQLBind(""), SQLBind(""), SQLBind(""), SQLBind(""), SQLBind(clinicianIDs[index % clinicians]), SQLBind(organisationIDs[index % organisations]), SQLBind(now.addingTimeInterval(-200 * 86400))])
                let first = index % 50 == 0 ? clinicianIDs[0] : clinicianIDs[index % clinicians]
                let second = clinicianIDs[(index * 7 + 1) % clinicians]
                for (member, role) in [(first, "therapist"), (second == first ? clinicianIDs[(index + 2) % clinicians] : second, "prescriber")] {
                    teamRows.append([SQLBind(random.uuid()), SQLBind(id), SQLBind(member), SQLBind(role), SQLBind(false), SQLBind(now.addingTimeInterval(-200 * 86400)), SQLBind(member)])
                }
            }
            try await insertRows(database, Patient.schema, ["id", "given_name", "family_name", "date_of_birth", "match_key", "pronouns", "phone", "email", "address", "registered_by", "registered_organisation_id", "created_at"], patientRows)
            try await insertRows(database, CareTeamMember.schema, ["id", "patient_id", "user_id", "role", "responsible", "started_at", "added_by"], teamRows)
        }

        // Referrals across every state, with acknowledgement and closing notes where the state has them.
        let states: [ReferralState] = [.sent, .received, .accepted, .scheduled, .inCare, .closed, .closed, .closed, .declined, .cancelled, .expired]
        let letter = try Letter(kind: .referral, sections: [.init(key: "reason", title: "Reason for referral", text: "Synthetic bench referral.")]).storedText
        let acknowledgement = try Letter(kind: .acknowledgement, sections: [.init(key: "plan", title: "Focus and plan of treatment", text: "Weekly sessions.")]).storedText
        var noteCount = 0, reminderCount = 0
        let lead = ServiceLevelTargets.standard.reminderLead
        try await inBatches(referrals) { range in
            var rows: [[any SQLExpression]] = [], notes: [[any SQLExpression]] = [], reminders: [[any SQLExpression]] = []
            for index in range {
                let id = random.uuid()
                let patientIndex = Int(random.next() % UInt64(patients))
                // The busy clinician receives every 100th referral and sends every 101st.
                let recipient = index % 100 == 0 ? clinicianIDs[0] : clinicianIDs[Int(random.next() % UInt64(clinicians))]
                let referrer = index % 101 == 0 ? clinicianIDs[1] : clinicianIDs[(patientIndex * 7 + 1) % clinicians]
                let state = states[index % states.count]
                // A referral still awaiting an answer was sent within its 30-day expiry window: the
                // sweep, running every minute, would have expired any older one.
                let window: UInt64 = state.awaitsAcknowledgement ? 30 * 86400 : 120 * 86400
                let sent = now.addingTimeInterval(-Double(random.next() % window))
                let due = sent.addingTimeInterval(3 * 86400)
                let escalate = due.addingTimeInterval(2 * 86400)
                let acknowledged: Date? = state.awaitsAcknowledgement || state == .expired || state == .cancelled ? nil : sent.addingTimeInterval(Double(random.next() % (5 * 86400)))
                let closed: Date? = state == .closed ? sent.addingTimeInterval(40 * 86400) : nil
                rows.append([SQLBind(id), SQLBind(patientIDs[patientIndex]), SQLBind(referrer), SQLBind(recipient), SQLBind(organisationIDs[index % organisations]),
                             SQLBind(index % 10 == 0 ? "urgent" : "routine"), SQLBind(state.rawValue), SQLBind(letter), SQLBind(sent), SQLBind(now), SQLBind(sent),
                             SQLBind(due), SQLBind(acknowledged), SQLBind(escalate), SQLBind(sent.addingTimeInterval(30 * 86400)), SQLBind(closed)])
                // The reminders a running sweep has already sent for it.
                if state.awaitsAcknowledgement {
                    for (kind, at) in [(ReminderKind.dueSoon, due.addingTimeInterval(-lead)), (.overdue, due), (.escalated, escalate)] where at < now {
                        reminders.append([SQLBind(random.uuid()), SQLBind(id), SQLBind(kind.rawValue), SQLBind(at)])
                    }
                }
                if let acknowledged {
                    notes.append([SQLBind(random.uuid()), SQLBind(id), SQLBind(recipient), SQLBind("acknowledgement"), SQLBind(acknowledgement), SQLBind(acknowledged)])
                }
            }
            noteCount += notes.count
            try await insertRows(database, Referral.schema,
                ["id", "patient_id", "referrer_id", "recipient_id", "recipient_organisation_id", "urgency", "state", "letter", "created_at", "updated_at", "sent_at",
                 "acknowledgement_due_at", "acknowledged_at", "escalate_at", "expires_at", "closed_at"], rows)
            try await insertRows(database, ReferralNoteRecord.schema, ["id", "referral_id", "author_id", "kind", "content", "created_at"], notes)
            try await insertRows(database, ReferralReminder.schema, ["id", "referral_id", "kind", "created_at"], reminders)
            reminderCount += reminders.count
        }

        // The audit trail: a valid chain, continuing whatever is there.
        var previous = AuditChain.genesis
        let actions = [AuditAction.patientRead, .patientRead, .patientRead, .referralRead, .noteCreate, .careTeamAdd].map(\.rawValue)
        try await inBatches(audit) { range in
            var rows: [[any SQLExpression]] = []
            for index in range {
                let record = AuditRecord(
                    sequence: Int64(index + 1), occurredAtMilliseconds: Int64(now.timeIntervalSince1970 * 1000) - Int64(audit - index) * 1000,
                    actorID: clinicianIDs[index % clinicians], action: actions[index % actions.count], patientID: patientIDs[index % patients],
                    subject: "patient:bench", purpose: "treatment", requestID: "bench", previousHash: previous)
                let digest = AuditLog.sha256(record.canonicalText)
                rows.append([SQLBind(random.uuid()), SQLBind(record.sequence), SQLBind(record.occurredAtMilliseconds), SQLBind(record.actorID), SQLBind(record.action),
                             SQLBind(record.patientID), SQLBind(record.subject), SQLBind(record.purpose), SQLBind(record.requestID), SQLBind(previous), SQLBind(digest)])
                previous = digest
            }
            try await insertRows(database, AuditEntry.schema, ["id", "sequence", "occurred_at_ms", "actor_id", "action", "patient_id", "subject", "purpose", "request_id", "previous_hash", "hash"], rows)
        }
        try await sql.update("audit_chain_head").set("sequence", to: Int64(audit)).set("hash", to: previous).where("id", .equal, 1).run()
        try await generateMeasurement(into: database, clinicianIDs: clinicianIDs, organisations: organisations, now: now, random: &random)
        // Fresh statistics, so the query planner sees the real table sizes.
        try await sql.raw("ANALYZE").run()

        var summary = Summary()
        summary.counts = [("organisations", organisations), ("clinicians", clinicians), ("patients", patients), ("referrals", referrals), ("referral notes", noteCount), ("reminders already sent", reminderCount), ("audit entries", audit),
                          ("patients in measurement-based care", measurementPatients)]
        summary.seconds = Date().timeIntervalSince(start)
        return summary
    }

    /// Patients in measurement-based care, all treated by clinicians of the first organisation:
    /// each with a two-person team, a PHQ-9 baseline and latest response (and their summary), a
    /// prescriber follow-up cadence, and open alerts on some.
    private func generateMeasurement(into database: LiaisonDatabase, clinicianIDs: [UUID], organisations: Int, now: Date, random: inout SplitMix64) async throws {
        let first = stride(from: 0, to: clinicianIDs.count, by: organisations).map { clinicianIDs[$0] }
        guard first.count >= 2, measurementPatients > 0 else { return }
        let bands = InstrumentKind.phq9.instrument
        var localRandom = random
        try await inBatches(measurementPatients) { range in
            var patients: [[any SQLExpression]] = [], team: [[any SQLExpression]] = [], responses: [[any SQLExpression]] = []
            var summaries: [[any SQLExpression]] = [], flags: [[any SQLExpression]] = [], cadences: [[any SQLExpression]] = []
            for index in range {
                let id = localRandom.uuid()
                let since = now.addingTimeInterval(-Double(56 + Int(localRandom.next() % 112)) * 86400)
                patients.append([SQLBind(id), SQLBind("Measured\(index)"), SQLBind("Patient\(index)"), SQLBind("1980-01-01"), SQLBind("measured\(index)|patient\(index)|1980-01-01"),
                                 SQLBind(""), SQLBind(""), SQLBind(""), SQLBind(""), SQLBind(first[index % first.count]), SQLBind(Optional<UUID>.none), SQLBind(since)])
                let therapist = first[index % first.count], prescriber = first[(index * 3 + 1) % first.count] == therapist ? first[(index + 1) % first.count] : first[(index * 3 + 1) % first.count]
                for (member, role, responsible) in [(therapist, "therapist", false), (prescriber, "prescriber", true)] {
                    team.append([SQLBind(localRandom.uuid()), SQLBind(id), SQLBind(member), SQLBind(role), SQLBind(responsible), SQLBind(since), SQLBind(member)])
                }
                let baseline = 10 + Int(localRandom.next() % 18), latest = Int(localRandom.next() % 28)
                let latestAt = now.addingTimeInterval(-Double(localRandom.next() % 14) * 86400)
                var responseIDs: [UUID] = []
                for (total, at) in [(baseline, since), (latest, latestAt)] {
                    let responseID = localRandom.uuid()
                    responseIDs.append(responseID)
                    responses.append([SQLBind(responseID), SQLBind(id), SQLBind("phq-9"), SQLBind("{}"), SQLBind(total), SQLBind(bands.band(for: total)?.label ?? ""),
                                      SQLBind(Optional<Bool>.none), SQLBind(therapist), SQLBind(true), SQLBind(at), SQLBind(Optional<UUID>.none)])
                }
                let due = now.addingTimeInterval(Double(Int(localRandom.next() % 60) - 30) * 86400)
                summaries.append([SQLBind(localRandom.uuid()), SQLBind(id), SQLBind("phq-9"), SQLBind(baseline), SQLBind(since), SQLBind(latest), SQLBind(bands.band(for: latest)?.label ?? ""),
                                  SQLBind(latestAt), SQLBind(Outcome.change(baseline: baseline, latest: latest) ?? 0), SQLBind(2), SQLBind(due)])
                if index % 25 == 0 {
                    flags.append([SQLBind(localRandom.uuid()), SQLBind(id), SQLBind(responseIDs[1]), SQLBind("self-harm-item"), SQLBind(latestAt), SQLBind(latestAt.addingTimeInterval(4 * 3600)), SQLBind(latestAt.addingTimeInterval(4 * 3600))])
                } else if index % 7 == 0 {
                    flags.append([SQLBind(localRandom.uuid()), SQLBind(id), SQLBind(responseIDs[1]), SQLBind("not-improving"), SQLBind(latestAt), SQLBind(Optional<Date>.none), SQLBind(Optional<Date>.none)])
                }
                let interval = index % 3 == 0 ? 28 : 90
                cadences.append([SQLBind(localRandom.uuid()), SQLBind(id), SQLBind("prescriber"), SQLBind(interval == 28 ? "worsening" : "stable"), SQLBind(interval), SQLBind(prescriber), SQLBind(since),
                                 SQLBind(due)])
            }
            try await insertRows(database, Patient.schema, ["id", "given_name", "family_name", "date_of_birth", "match_key", "pronouns", "phone", "email", "address", "registered_by", "registered_organisation_id", "created_at"], patients)
            try await insertRows(database, CareTeamMember.schema, ["id", "patient_id", "user_id", "role", "responsible", "started_at", "added_by"], team)
            try await insertRows(database, QuestionnaireResponse.schema, ["id", "patient_id", "instrument", "answers", "total", "band", "positive", "entered_by", "on_behalf", "completed_at", "request_id"], responses)
            try await insertRows(database, MeasurementSummary.schema, ["id", "patient_id", "instrument", "baseline_total", "baseline_at", "latest_total", "latest_band", "latest_at", "change", "responses", "next_due_at"], summaries)
            try await insertRows(database, MeasurementFlag.schema, ["id", "patient_id", "response_id", "kind", "created_at", "escalate_at", "escalated_at"], flags)
            try await insertRows(database, FollowUpCadence.schema, ["id", "patient_id", "role", "level", "interval_days", "set_by", "set_at", "next_due_at"], cadences)
        }
        random = localRandom
    }

    /// Rows per transaction.
    static let batch = 10_000

    private func inBatches(_ total: Int, _ body: (Range<Int>) async throws -> Void) async throws {
        var start = 0
        while start < total {
            let end = min(total, start + Self.batch)
            try await body(start..<end)
            start = end
        }
    }

    /// The bench administrators' authenticator key (synthetic data only).
    public static let authenticatorSecret = "BENCHAUTHENTICATORKEY234567ABCDE"

    private func insertRows(_ database: LiaisonDatabase, _ table: String, _ columns: [String], _ rows: [[any SQLExpression]]) async throws {
        guard !rows.isEmpty else { return }
        let rows = UncheckedRows(rows: rows)
        try await database.db().transaction { db in
            try await db.sql.insertRows(into: table, columns: columns, rows.rows)
        }
    }

    /// Bound values are plain data; this only carries them into the transaction closure.
    private struct UncheckedRows: @unchecked Sendable {
        let rows: [[any SQLExpression]]
    }
}

/// A small, fast, seedable generator: the same seed gives the same data.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uuid() -> UUID {
        let a = next(), b = next()
        var bytes = (
            UInt8(truncatingIfNeeded: a), UInt8(truncatingIfNeeded: a >> 8), UInt8(truncatingIfNeeded: a >> 16), UInt8(truncatingIfNeeded: a >> 24),
            UInt8(truncatingIfNeeded: a >> 32), UInt8(truncatingIfNeeded: a >> 40), UInt8(truncatingIfNeeded: a >> 48), UInt8(truncatingIfNeeded: a >> 56),
            UInt8(truncatingIfNeeded: b), UInt8(truncatingIfNeeded: b >> 8), UInt8(truncatingIfNeeded: b >> 16), UInt8(truncatingIfNeeded: b >> 24),
            UInt8(truncatingIfNeeded: b >> 32), UInt8(truncatingIfNeeded: b >> 40), UInt8(truncatingIfNeeded: b >> 48), UInt8(truncatingIfNeeded: b >> 56))
        bytes.6 = (bytes.6 & 0x0F) | 0x40
        bytes.8 = (bytes.8 & 0x3F) | 0x80
        return UUID(uuid: bytes)
    }
}
