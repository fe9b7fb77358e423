import Foundation
import LiaisonCore
import LiaisonData

/// Correcting the patient's details, with the history of corrections.
struct PatientDetailsPage: Sendable {
    struct RecordNumber: Sendable {
        let organisationID: String
        let organisation: String
        let value: String
    }

    struct Correction: Sendable {
        let at: String
        let who: String
        let field: String
        let old: String
        let new: String
        let reason: String
    }

    let name: String
    let form: FormState
    /// The record numbers at the viewer's organisations, which they may correct.
    let recordNumbers: [RecordNumber]
    /// Record numbers at other organisations, shown but kept by those organisations.
    let otherRecordNumbers: [String]
    let history: [Correction]
    let hasHistory: Bool
    let action: String
    let backPath: String

    /// - Parameter form: what was typed, when the form came back with an error; else the record's values.
    init(_ corrections: PatientService.Corrections, organisations: [(id: UUID, name: String)], form: FormState?) {
        let patient = corrections.patient
        let id = patient.id!
        name = "\(patient.givenName) \(patient.familyName)"
        var values = [
            "givenName": patient.givenName, "familyName": patient.familyName, "dateOfBirth": patient.dateOfBirth, "pronouns": patient.pronouns,
            "phone": patient.phone, "email": patient.email, "address": patient.address, "preferredLanguage": patient.preferredLanguage,
        ]
        for identifier in corrections.identifiers {
            values["recordNumbers.\(identifier.$organisation.id.uuidString.lowercased())"] = identifier.value
        }
        let shown = form ?? FormState(values: values, errors: [:], problems: [])
        self.form = shown
        recordNumbers = organisations.map { organisation in
            let key = organisation.id.uuidString.lowercased()
            return RecordNumber(organisationID: key, organisation: organisation.name, value: shown.values["recordNumbers.\(key)"] ?? "")
        }
        let mine = Set(organisations.map(\.id))
        otherRecordNumbers = corrections.identifiers.filter { !mine.contains($0.$organisation.id) }
            .map { "Record number at \($0.organisation.name): \($0.value) (kept by that organisation)" }
        history = corrections.history.map {
            Correction(
                at: DisplayDate.dateTime($0.correctedAt), who: $0.correctedBy.displayName, field: $0.label,
                old: $0.oldValue.isEmpty ? "(empty)" : $0.oldValue, new: $0.newValue.isEmpty ? "(empty)" : $0.newValue, reason: $0.reason)
        }
        hasHistory = !history.isEmpty
        action = SiteURL.patientDetails(id).path
        backPath = SiteURL.patient(id).path
    }
}
