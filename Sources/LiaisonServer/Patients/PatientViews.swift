import Foundation
import LiaisonCore
import LiaisonData

/// A care-team member as pages show them.
struct TeamMemberLine: Sendable {
    let name: String
    let role: String
    let responsible: Bool
    let since: String
    let until: String?
    let active: Bool
    let endPath: String
    let profileHref: String

    init(_ member: CareTeamMember, patientID: UUID, now: Date) {
        name = member.user.displayName
        role = CareTeamRole(rawValue: member.role)?.label ?? member.role
        responsible = member.isResponsiblePrescriber
        since = DisplayDate.dateTime(member.startedAt)
        until = member.endedAt.map { DisplayDate.dateTime($0) }
        active = member.membership.isActive(at: now)
        endPath = SiteURL.endMembership(patient: patientID, member: member.id!).path
        profileHref = SiteURL.clinician(member.$user.id).path
    }
}

/// The "My patients" page.
struct PatientsPage: Sendable {
    struct Row: Sendable {
        let name: String
        let dateOfBirth: String
        let role: String
        let href: String
    }

    let rows: [Row]
    let newPath = SiteURL.newPatient.path
    let newReferralPath = SiteURL.newReferral.path
    let emergencyPath = SiteURL.emergencyAccess.path
}

/// Registering a patient.
struct NewPatientPage: Sendable {
    let form: FormState
    let roles: [Choice]
    let organisations: [Choice]
    let duplicateWarning: String?
    let action = SiteURL.patients.path
}

/// The team record: team, consent summary, notes and timeline, filtered for the viewer.
struct PatientPage: Sendable {
    struct NoteLine: Sendable {
        let author: String
        let role: String
        let at: String
        let body: String
        let isPrivate: Bool
    }

    struct EventLine: Sendable {
        let at: String
        let summary: String
    }

    /// One of the patient's referrals, open or finished.
    struct ReferralLine: Sendable {
        let made: String
        let from: String
        let to: String
        let state: String
        let firstAppointment: String?
        /// Only where the viewer is on one side of the loop; the rest of the team sees that it exists.
        let href: String?
    }

    let name: String
    let dateOfBirth: String
    let pronouns: String?
    let phone: String?
    let email: String?
    let address: String?
    let preferredLanguage: String?
    let identifiers: [String]
    let detailsPath: String
    /// "corrected 2 times; see the history", when it has been.
    let corrected: String?
    let isEmergency: Bool
    let emergencyUntil: String?
    let canWrite: Bool
    let team: [TeamMemberLine]
    let formerMembers: [TeamMemberLine]
    let consentSummary: [String]
    let notes: [NoteLine]
    let events: [EventLine]
    let referrals: [ReferralLine]
    let hasReferrals: Bool
    let roles: [Choice]
    let noteKinds: [Choice]
    let hasPortalAccount: Bool
    let teamPath: String
    let notesPath: String
    let consentPath: String
    let accessLogPath: String
    let portalPath: String
    let referPath: String
    let matchPath: String
    let waitlistPath: String
    let threadPath: String
    let lettersPath: String
    let consultationsPath: String
    let transfersPath: String
    let measuresPath: String
    let careEventsPath: String
    let planPath: String
    /// Each instrument's scores over time.
    let charts: [ScoreChart]
    let hasCharts: Bool
    /// "2 alerts need acknowledging", when any do.
    let alerts: String?
    let form: FormState

    init(_ record: PatientRecord, now: Date, form: FormState = .empty) {
        let patient = record.patient
        let id = patient.id!
        name = "\(patient.givenName) \(patient.familyName)"
        dateOfBirth = patient.dateOfBirth
        pronouns = patient.pronouns.nilIfEmpty
        phone = patient.phone.nilIfEmpty
        email = patient.email.nilIfEmpty
        address = patient.address.nilIfEmpty
        preferredLanguage = patient.preferredLanguage.nilIfEmpty
        detailsPath = SiteURL.patientDetails(id).path
        corrected = record.corrections == 0 ? nil : "corrected \(record.corrections == 1 ? "once" : "\(record.corrections) times"); the history is there"
        identifiers = record.identifiers.map { "\($0.organisation.name): \($0.value)" }
        if case .emergency(let until) = record.access {
            isEmergency = true
            emergencyUntil = DisplayDate.dateTime(until)
        } else {
            isEmergency = false
            emergencyUntil = nil
        }
        canWrite = record.access.mayWrite
        let lines = record.team.map { TeamMemberLine($0, patientID: id, now: now) }
        team = lines.filter(\.active)
        formerMembers = lines.filter { !$0.active }
        consentSummary = record.consent.withheld.sorted().map { "Notes are not shared between \($0.first.label.lowercased()) and \($0.second.label.lowercased())." }
        notes = record.notes.map {
            NoteLine(
                author: $0.author.displayName, role: CareTeamRole(rawValue: $0.authorRole)?.label ?? $0.authorRole,
                at: DisplayDate.dateTime($0.createdAt), body: $0.body, isPrivate: $0.kind == NoteKind.privateProcess.rawValue)
        }
        events = record.events.map { EventLine(at: DisplayDate.dateTime($0.createdAt), summary: $0.summary) }
        referrals = record.referrals.map { referral, mayOpen in
            ReferralLine(
                made: DisplayDate.day(referral.sentAt ?? referral.createdAt),
                from: referral.referrerName,
                to: referral.recipientName ?? "\(referral.organisationName ?? "Organisation") intake",
                state: referral.referralState.label,
                firstAppointment: referral.firstAppointmentAt.map { DisplayDate.day($0) },
                href: mayOpen ? SiteURL.referral(referral.id).path : nil)
        }
        hasReferrals = !referrals.isEmpty
        roles = Choice.all(CareTeamRole.self, selected: form.values["role"] ?? CareTeamRole.therapist.rawValue)
        noteKinds = Choice.all(NoteKind.self, selected: form.values["kind"] ?? NoteKind.team.rawValue)
        hasPortalAccount = patient.portalUserID != nil
        teamPath = SiteURL.patientTeam(id).path
        notesPath = SiteURL.patientNotes(id).path
        consentPath = SiteURL.patientConsent(id).path
        accessLogPath = SiteURL.patientAccessLog(id).path
        portalPath = SiteURL.patientPortalInvitation(id).path
        referPath = SiteURL.newReferral.path + "?patientID=" + id.uuidString.lowercased()
        matchPath = SiteURL.patientMatches(id).path
        waitlistPath = SiteURL.patientWaitlist(id).path
        threadPath = SiteURL.patientThread(id).path
        lettersPath = SiteURL.patientLetters(id).path
        consultationsPath = SiteURL.patientConsultations(id).path
        transfersPath = SiteURL.patientTransfers(id).path
        measuresPath = SiteURL.patientMeasures(id).path
        careEventsPath = SiteURL.patientCareEvents(id).path
        planPath = SiteURL.patientPlan(id).path
        charts = InstrumentKind.allCases.compactMap { kind in
            let responses = record.responses.filter { $0.kind == kind }
            return responses.isEmpty ? nil : ScoreChart(kind, responses: responses)
        }
        hasCharts = !charts.isEmpty
        alerts = record.openAlerts == 0 ? nil : "\(record.openAlerts) alert\(record.openAlerts == 1 ? " needs" : "s need") acknowledging"
        self.form = form
    }
}

/// The consent form: one checkbox per pair of roles, ticked when sharing is withheld, named by
/// the clinicians in those roles now, and above it, in plain words, whose notes each clinician on
/// the team reads.
struct ConsentPage: Sendable {
    struct Pair: Sendable {
        let key: String
        let label: String
        let withheld: Bool
    }

    /// One clinician on the team, and what they read.
    struct Reader: Sendable {
        let name: String
        let role: String
        let reads: String
    }

    let forPatient: Bool
    let readers: [Reader]
    /// Pairs of roles both held on the team now, then the rest (for clinicians who may join).
    let pairs: [Pair]
    let otherPairs: [Pair]
    let action: String
    let backPath: String

    init(forPatient: Bool, consent: ConsentSettings, team: [(name: String, role: CareTeamRole)], patientID: UUID, backPath: String) {
        self.forPatient = forPatient
        let names = Dictionary(grouping: team, by: \.role).mapValues { $0.map(\.name).joined(separator: ", ") }
        readers = team.indices.map { index in
            let member = team[index]
            let unread = team.indices.filter { $0 != index && !consent.allowsSharing(between: member.role, and: team[$0].role) }.map { team[$0] }
            let reads = unread.isEmpty
                ? "reads the notes of everyone on the team"
                : "does not read the notes of " + unread.map { "\($0.name) (\($0.role.label.lowercased()))" }.joined(separator: ", ") + "; reads everyone else's"
            return Reader(name: member.name, role: member.role.label.lowercased(), reads: reads)
        }
        func label(_ role: CareTeamRole) -> String {
            names[role].map { "\(role.label) (\($0))" } ?? role.label
        }
        let all = ConsentSettings.allPairs.filter { $0.first != $0.second }.map {
            (pair: Pair(key: $0.key, label: "\(label($0.first)) and \(label($0.second).prefix(1).lowercased())\(label($0.second).dropFirst())",
                        withheld: consent.withheld.contains($0)),
             onTeam: names[$0.first] != nil && names[$0.second] != nil)
        }
        pairs = all.filter(\.onTeam).map(\.pair)
        otherPairs = all.filter { !$0.onTeam }.map(\.pair)
        action = SiteURL.patientConsent(patientID).path
        self.backPath = backPath
    }
}

/// Who looked at the record.
struct AccessLogPage: Sendable {
    struct Line: Sendable {
        let at: String
        let who: String
        let action: String
        let purpose: String
        let sentence: String
    }

    let name: String
    let lines: [Line]
    let backPath: String

    init(name: String, lines: [AccessLogService.Line], backPath: String) {
        self.name = name
        self.lines = lines.map { Line(at: DisplayDate.dateTime($0.at), who: $0.who, action: $0.action, purpose: $0.purpose, sentence: $0.sentence) }
        self.backPath = backPath
    }
}

/// Breaking the glass.
struct EmergencyAccessPage: Sendable {
    struct Match: Sendable {
        let name: String
        let dateOfBirth: String
        let href: String
    }

    let form: FormState
    let noMatch: Bool
    var matches: [Match] = []
    /// Emergency access asks for a two-factor code; people without it set it up first.
    let needsTwoFactor: Bool
    let hours = Int(PatientAccessPolicy.emergencyAccessDuration / 3600)
    let action = SiteURL.emergencyAccess.path
    let twoFactorPath = SiteURL.twoFactor.path
}

/// The patient's own page.
struct PortalPage: Sendable {
    struct Member: Sendable {
        let name: String
        let role: String
        let discipline: String?
        let contactMethod: String?
        let phone: String?
        let email: String?
        let hours: String?
    }

    /// One referral as the patient reads it.
    struct ReferralLine: Sendable {
        let sent: String
        let status: String
    }

    /// A questionnaire the team asked for.
    struct QuestionnaireLine: Sendable {
        let title: String
        let due: String
        let href: String
    }

    /// A care event, as the patient reads it: what happened, and that the team was told.
    struct EventLine: Sendable {
        let what: String
        let told: String
    }

    /// A letter its author shared with the patient.
    struct LetterLine: Sendable {
        let title: String
        let between: String
        let href: String
    }

    let name: String
    let letters: [LetterLine]
    let hasLetters: Bool
    let team: [Member]
    let referrals: [ReferralLine]
    let hasReferrals: Bool
    let events: [EventLine]
    let hasEvents: Bool
    let questionnaires: [QuestionnaireLine]
    let hasQuestionnaires: Bool
    /// The organisation's crisis text, or the standard one.
    let crisis: String
    let consent: ConsentPage
    let accessLog: [AccessLogPage.Line]
}

struct EmergencyReportPage: Sendable {
    struct Line: Sendable {
        let at: String
        let accessor: String
        let reason: String
        let until: String
        let patientReference: String
    }

    struct Refusal: Sendable {
        let at: String
        let who: String
        let patientReference: String
    }

    let organisation: String
    let lines: [Line]
    let refusals: [Refusal]

    /// The first eight characters of a patient's id: enough to find them, not a name.
    static func reference(_ patientID: UUID?) -> String {
        patientID.map { String($0.uuidString.prefix(8)).lowercased() } ?? "–"
    }
}
