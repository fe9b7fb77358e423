import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Synthetic patients and care teams, created through the same services clinicians use, so the
/// demo's audit trail and timelines are real. Every name and date is invented.
enum DemoPatients {
    struct Team {
        let patient: PatientDraft
        let registrar: String
        let registrarRole: CareTeamRole
        let organisation: Int
        let members: [(email: String, role: CareTeamRole, responsible: Bool)]
        let notes: [(author: String, kind: NoteKind, body: String)]
        let withheld: [String]
        /// The care team's thread, oldest first.
        var thread: [(author: String, body: String)] = []
    }

    static let teams: [Team] = [
        // Split treatment: a therapist and a psychiatrist who need to talk.
        Team(
            patient: PatientDraft(givenName: "Jamie", familyName: "Calloway", dateOfBirth: "1988-05-14", pronouns: "they/them", phone: "+1 555 0201"),
            registrar: "m.lindqvist", registrarRole: .therapist, organisation: 1,
            members: [("dr.brennan", .prescriber, true)],
            notes: [
                ("m.lindqvist", .team, "Weekly CBT for depression since September. Mood lower after job loss; sleeping 4-5 hours. No safety concerns today."),
                ("dr.brennan", .team, "Sertraline increased to 100 mg. Review in 4 weeks; please tell me if sleep does not improve."),
                ("m.lindqvist", .privateProcess, "Strong reaction when discussing father's illness; explore next session."),
            ],
            withheld: [],
            thread: [
                ("m.lindqvist", "Jamie says sleep is still 4-5 hours two weeks after the increase. Anything you want me to watch for in session?"),
                ("dr.brennan", "Thanks. Please ask about early waking and appetite; I will see them on the 14th and may add something for sleep."),
            ]),
        // Primary care on the team; the patient keeps therapy notes from primary care.
        Team(
            patient: PatientDraft(givenName: "Priya", familyName: "Natarajan", dateOfBirth: "1972-11-02", phone: "+1 555 0202"),
            registrar: "dr.haddad", registrarRole: .primaryCare, organisation: 2,
            members: [("s.oconnor", .therapist, false), ("j.mensah", .prescriber, true)],
            notes: [("dr.haddad", .team, "Referred for anxiety with panic attacks; thyroid function normal. Please keep me informed of medication changes.")],
            withheld: ["primary-care:therapist"]),
        // No psychiatrist yet: a case manager and a counsellor are looking for one.
        Team(
            patient: PatientDraft(givenName: "Marcus", familyName: "Oyelaran", dateOfBirth: "1995-08-21", phone: "+1 555 0203"),
            registrar: "g.morales", registrarRole: .caseManager, organisation: 1,
            members: [("k.ibrahim", .therapist, false)],
            notes: [("g.morales", .team, "Housing stable since March. Needs a psychiatrist for medication review; currently none.")],
            withheld: []),
        // A second opinion in progress.
        Team(
            patient: PatientDraft(givenName: "Elena", familyName: "Vasquez", dateOfBirth: "1966-01-30"),
            registrar: "dr.sato", registrarRole: .prescriber, organisation: 1,
            members: [("r.delgado", .therapist, false)],
            notes: [("dr.sato", .team, "Partial response to two antidepressant trials. Second opinion requested from Dr. Okafor.")],
            withheld: []),
    ]

    static let portalEmail = "jamie.calloway@demo.liaison.example"

    static func load(database: LiaisonDatabase, clock: any Clock, organisations: [Organisation], portalPasswordHash: String) async throws {
        let db = database.db()
        // The teams were formed three months ago, before the demo referrals were sent.
        let past = DemoReferrals.ShiftedClock(base: clock, offset: -90 * 86400)
        let services = Services.offline(database: database, clock: past, label: "demo")
        let service = services.patients
        func caller(_ handle: String) async throws -> Caller {
            guard let user = try await UserAccount.query(on: db).filter(\.$email == "\(handle)@demo.liaison.example").first() else {
                throw OperatorError("demo clinician \(handle) is missing")
            }
            return Caller(identity: try await SessionService.identity(of: user, credential: .session(UUID()), on: db), requestID: "demo")
        }
        for (index, team) in teams.enumerated() {
            let registrar = try await caller(team.registrar)
            let patient = try await service.register(
                .init(draft: team.patient, role: team.registrarRole.rawValue, organisationID: organisations[team.organisation].id,
                      identifier: "DEMO-\(team.patient.familyName!.uppercased())", confirmedDifferentPerson: true),
                by: registrar)
            let patientID = try patient.requireID()
            for member in team.members {
                _ = try await service.addMember(to: patientID, email: "\(member.email)@demo.liaison.example", role: member.role.rawValue, responsible: member.responsible, by: registrar)
            }
            for note in team.notes {
                _ = try await service.addNote(to: patientID, kind: note.kind.rawValue, body: note.body, by: try await caller(note.author))
            }
            for message in team.thread {
                try await services.conversations.postToTeam(patientID, body: message.body, by: try await caller(message.author))
            }
            if !team.withheld.isEmpty {
                _ = try await service.updateConsent(of: patientID, withheld: team.withheld, by: registrar)
            }
            if index == 0 {
                // The first demo patient has a portal account with the demo password.
                let user = UserAccount(
                    email: portalEmail, displayName: "\(patient.givenName) \(patient.familyName)", passwordHash: portalPasswordHash,
                    kind: UserAccount.patientKind, createdAt: clock.now())
                try await user.create(on: db)
                patient.portalUserID = try user.requireID()
                try await patient.save(on: db)
            }
        }
        try await DemoReferrals.load(database: database, clock: clock, caller: caller)
        try await DemoWaitlists.load(database: database, clock: clock, caller: caller)
        try await DemoConsultations.load(database: database, clock: clock, caller: caller)
        try await DemoTransfers.load(database: database, clock: clock, caller: caller)
        try await DemoMeasurement.load(database: database, clock: clock, caller: caller)
        try await DemoCarePlans.load(database: database, clock: clock, caller: caller)
        try await DemoCareEvents.load(database: database, clock: clock, caller: caller)
    }
}
