import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Synthetic demonstration data: four organisations and thirty clinicians of every discipline.
///
/// Every name, address and number is invented. Profiles go through the same validation as a
/// clinician's own edits, so the demo can never show data the product would refuse.
public enum DemoData {
    public static let password = "liaison-demo"
    public static let administratorEmail = "admin@demo.liaison.example"
    /// The demo's administrators (who must) and its emergency physician (who breaks the glass)
    /// sign in with two-factor codes from this published key: demo data only.
    static let authenticatorSecret = "LIAISONDEMOAUTHENTICATORKEY23456"
    static let twoFactorEmails = [
        administratorEmail, "riverside.admin@demo.liaison.example", "dr.kim@demo.liaison.example", "dr.brennan@demo.liaison.example",
    ]
    /// The key to type into an authenticator app, as `serve --demo` prints it.
    public static var authenticatorKey: String { TwoFactorService.setup(secret: authenticatorSecret, for: administratorEmail).key }

    /// The sign-ins printed by `serve --demo`.
    public static let signIns: [(email: String, role: String)] = [
        (administratorEmail, "system administrator"),
        ("riverside.admin@demo.liaison.example", "administrator, Riverside Community Mental Health"),
        ("dr.okafor@demo.liaison.example", "psychiatrist, Harbour Psychiatry (solo practice)"),
        ("m.lindqvist@demo.liaison.example", "psychologist, Riverside Community Mental Health"),
        ("dr.brennan@demo.liaison.example", "psychiatrist and administrator, Riverside (Jamie Calloway's psychiatrist; owes a handoff summary)"),
        ("dr.sato@demo.liaison.example", "psychiatrist, Riverside (taking over Jamie Calloway's care at the first visit)"),
        ("dr.haddad@demo.liaison.example", "primary-care physician, Elm Street Family Medicine"),
        ("dr.kim@demo.liaison.example", "emergency physician, St. Brendan's (try emergency access)"),
        (DemoPatients.portalEmail, "patient portal (Jamie Calloway)"),
    ]

    struct Clinician {
        let email: String
        let name: String
        let organisation: Int
        let role: MembershipRole
        let draft: ClinicianProfileDraft
    }

    /// Loads the demo set unless the database already has people in it. Returns whether it loaded.
    @discardableResult
    public static func loadIfEmpty(database: LiaisonDatabase, clock: any Clock = SystemClock(), bcryptCost: UInt8) async throws -> Bool {
        let db = database.db()
        guard try await UserAccount.query(on: db).count() == 0 else { return false }
        let now = clock.now()
        let hash = try await PasswordHasher(cost: bcryptCost).hash(password)
        let directory = DirectoryService(database: database, clock: clock)
        let organisations = [
            ("Harbour Psychiatry", OrganisationKind.privatePractice, "America/New_York"),
            ("Riverside Community Mental Health", .communityClinic, "America/New_York"),
            ("Elm Street Family Medicine", .primaryCareGroup, "America/Chicago"),
            ("St. Brendan's General Hospital", .hospital, "America/New_York"),
        ].map { name, kind, zone in
            Organisation(settings: OrganisationSettings(name: name, kind: kind, timeZone: TimeZone(identifier: zone)!, businessDays: Weekday.mondayToFriday), createdAt: now)
        }
        try await db.transaction { db in
            for organisation in organisations { try await organisation.create(on: db) }
            try await UserAccount(email: administratorEmail, displayName: "Demo Administrator", passwordHash: hash, isSystemAdministrator: true, createdAt: now).create(on: db)
            let riversideAdmin = UserAccount(email: "riverside.admin@demo.liaison.example", displayName: "Jordan Avery", passwordHash: hash, createdAt: now)
            try await riversideAdmin.create(on: db)
            try await Membership(userID: riversideAdmin.id!, organisationID: organisations[1].id!, role: .administrator, createdAt: now).create(on: db)
            for clinician in clinicians {
                let user = UserAccount(email: clinician.email, displayName: clinician.name, passwordHash: hash, createdAt: now)
                try await user.create(on: db)
                try await Membership(userID: user.id!, organisationID: organisations[clinician.organisation].id!, role: clinician.role, createdAt: now).create(on: db)
            }
        }
        for clinician in clinicians {
            guard let user = try await UserAccount.query(on: db).filter(\.$email == clinician.email).first() else { continue }
            _ = try await directory.saveProfile(of: user.requireID(), clinician.draft)
        }
        for user in try await UserAccount.query(on: db).filter(\.$email ~~ twoFactorEmails).all() {
            let credential = TwoFactorCredential(userID: try user.requireID(), secret: authenticatorSecret, createdAt: now)
            credential.confirmedAt = now
            try await credential.create(on: db)
        }
        try await DemoPatients.load(database: database, clock: clock, organisations: organisations, portalPasswordHash: hash)
        return true
    }

    /// Thirty clinicians built from a few tables, so every discipline, service and policy appears.
    static let clinicians: [Clinician] = {
        let people: [(String, String, Discipline, Int)] = [
            ("dr.okafor", "Dr. Adaeze Okafor", .psychiatrist, 0),
            ("dr.brennan", "Dr. Liam Brennan", .psychiatrist, 1),
            ("dr.sato", "Dr. Keiko Sato", .psychiatrist, 1),
            ("dr.ramirez", "Dr. Elena Ramírez", .psychiatrist, 3),
            ("dr.novak", "Dr. Petr Novak", .psychiatrist, 3),
            ("j.mensah", "Joseph Mensah, PMHNP", .psychiatricNursePractitioner, 1),
            ("a.kowalski", "Anna Kowalski, PMHNP", .psychiatricNursePractitioner, 2),
            ("m.lindqvist", "Dr. Maja Lindqvist", .psychologist, 1),
            ("dr.feld", "Dr. Aaron Feld", .psychologist, 0),
            ("dr.achebe", "Dr. Ngozi Achebe", .psychologist, 1),
            ("s.oconnor", "Siobhan O'Connor, LCSW", .clinicalSocialWorker, 1),
            ("r.delgado", "Rosa Delgado, LCSW", .clinicalSocialWorker, 1),
            ("t.nguyen", "Thanh Nguyen, LCSW", .clinicalSocialWorker, 2),
            ("k.ibrahim", "Karim Ibrahim, LPC", .counsellor, 1),
            ("h.larsen", "Helga Larsen, LPC", .counsellor, 0),
            ("b.walker", "Brianna Walker, LMHC", .counsellor, 1),
            ("dr.haddad", "Dr. Samir Haddad", .primaryCarePhysician, 2),
            ("dr.chen", "Dr. Wei Chen", .primaryCarePhysician, 2),
            ("dr.obrien", "Dr. Fiona O'Brien", .primaryCarePhysician, 2),
            ("dr.patel", "Dr. Nisha Patel", .primaryCarePhysician, 2),
            ("dr.moreau", "Dr. Luc Moreau", .otherPhysician, 3),
            ("dr.silva", "Dr. Carla Silva", .otherPhysician, 3),
            ("dr.kim", "Dr. Daniel Kim", .emergencyPhysician, 3),
            ("dr.osei", "Dr. Kwame Osei", .emergencyPhysician, 3),
            ("dr.weiss", "Dr. Hannah Weiss", .emergencyPhysician, 3),
            ("l.fischer", "Lena Fischer, RN", .nurse, 3),
            ("p.addo", "Priscilla Addo, RN", .nurse, 1),
            ("g.morales", "Gabriel Morales", .caseManager, 1),
            ("e.petrov", "Elena Petrova", .caseManager, 1),
            ("c.dubois", "Camille Dubois", .caseManager, 2),
        ]
        let languageSets = ["English", "English, Spanish", "English, French", "English, Yoruba", "English, Japanese", "English, Spanish, Portuguese", "English, Polish", "English, Vietnamese", "English, Arabic"]
        let insuranceSets = ["Medicaid, BlueCross", "Aetna, Cigna, Medicare", "Self-pay", "BlueCross, UnitedHealthcare", "Medicaid, Medicare"]
        let places = ["Riverside", "Harbour District", "Elm Heights", "Northgate"]
        return people.enumerated().map { index, person in
            let (handle, name, discipline, organisation) = person
            let openings = Self.openings(for: discipline, index: index)
            let accepting = openings.values.contains { $0 != "0" }
            let transfers: TransferPolicy = handle == "dr.okafor" ? .secondOpinionsOnly : (index % 4 == 1 ? .declines : .accepts)
            var offered = openings
            if transfers == .secondOpinionsOnly { offered[ClinicalService.secondOpinion.rawValue] = "2" }
            let modality: Modality = [.both, .inPerson, .telehealth][index % 3]
            return Clinician(
                email: "\(handle)@demo.liaison.example", name: name, organisation: organisation,
                role: index == 1 ? .administrator : .clinician,
                draft: ClinicianProfileDraft(
                    displayName: name, discipline: discipline.rawValue,
                    credentials: Self.credentials[discipline] ?? "",
                    about: "Synthetic demo clinician. \(discipline.label) seeing adults\(index % 2 == 0 ? " and adolescents" : "").",
                    contactMethod: [ContactMethod.secureMessage, .phone, .email][index % 3].rawValue,
                    contactPhone: "+1 555 01\(String(format: "%02d", index))", contactEmail: "\(handle)@demo.liaison.example",
                    contactHours: ["Weekdays 8–9 am", "Tuesdays and Thursdays after 4 pm", "Any weekday, replies within one business day"][index % 3],
                    openings: offered, languages: languageSets[index % languageSets.count],
                    insurance: insuranceSets[index % insuranceSets.count], modality: modality.rawValue,
                    locations: modality == .telehealth ? "" : places[index % places.count],
                    acceptingNewPatients: accepting, transfers: transfers.rawValue,
                    prioritisesPatientsWithoutPsychiatrist: discipline.isPrescriber && index % 2 == 0, listedInDirectory: true))
        }
    }()

    private static let credentials: [Discipline: String] = [
        .psychiatrist: "MD, board certified in psychiatry", .psychiatricNursePractitioner: "PMHNP-BC",
        .psychologist: "PhD, licensed clinical psychologist", .clinicalSocialWorker: "LCSW",
        .counsellor: "Licensed professional counsellor", .primaryCarePhysician: "MD, family medicine",
        .otherPhysician: "MD, neurology", .emergencyPhysician: "MD, emergency medicine", .nurse: "RN, psychiatric nursing",
        .caseManager: "Certified case manager",
    ]

    private static func openings(for discipline: Discipline, index: Int) -> [String: String] {
        let count = String([0, 1, 3, 0, 2, 5][index % 6])
        switch discipline {
        case .psychiatrist: return [ClinicalService.medicationManagement.rawValue: count, ClinicalService.combinedTherapyAndMedication.rawValue: "0", ClinicalService.secondOpinion.rawValue: "1"]
        case .psychiatricNursePractitioner: return [ClinicalService.medicationManagement.rawValue: count]
        case .psychologist, .clinicalSocialWorker, .counsellor: return [ClinicalService.psychotherapy.rawValue: count]
        case .primaryCarePhysician: return [ClinicalService.primaryCare.rawValue: count]
        case .caseManager: return [ClinicalService.caseManagement.rawValue: count]
        case .otherPhysician, .emergencyPhysician, .nurse: return [:]
        }
    }
}
