import FluentKit
import Foundation
import LiaisonCore
import LiaisonData

/// Correcting a patient's demographics: by the clinicians treating them, with a reason, the old
/// value of every changed field kept in the record's history, an audit entry, a line on the
/// timeline, and the rest of the team told.
extension PatientService {
    /// A correction as the form or the API gives it. In `details`, a field left out (nil) stays as
    /// it is; `recordNumbers` are the patient's record numbers at the caller's organisations.
    struct Correction: Sendable {
        var details: PatientDraft
        var recordNumbers: [UUID: String]
        var reason: String?
    }

    /// The record's demographics with their history of corrections, for the correction page.
    struct Corrections: Sendable {
        let patient: Patient
        let identifiers: [PatientIdentifier]
        let history: [PatientCorrection]
    }

    func corrections(of patientID: UUID, by caller: Caller) async throws -> Corrections {
        let corrections = try await database.reader().transaction { db in
            let authorized = try await access.authorize(patientID, for: caller, need: .clinicalRecord, on: db)
            return Corrections(
                patient: authorized.patient, identifiers: try await PatientQueries.identifiers(of: patientID, on: db),
                history: try await PatientQueries.corrections(of: patientID, on: db))
        }
        try await auditor.recordRead(.patientRead, patient: patientID, subject: "corrections:\(patientID)", by: caller, in: database)
        return corrections
    }

    @discardableResult
    func correct(_ patientID: UUID, _ correction: Correction, by caller: Caller) async throws -> Patient {
        var check = FieldChecker()
        let reason = check.text(correction.reason, field: "reason", label: "Why the details are corrected", required: true, maxLength: 500)
        let organisations = Dictionary(caller.identity.organisations.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        var numbers: [(organisationID: UUID, label: String, value: String)] = []
        for (organisationID, raw) in correction.recordNumbers.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            guard let name = organisations[organisationID] else {
                check.errors.add("recordNumbers", "You can correct record numbers only at your own organisations.")
                continue
            }
            let value = check.text(raw, field: "recordNumbers.\(organisationID.uuidString.lowercased())", label: "Record number at \(name)", maxLength: 60)
            numbers.append((organisationID, "Record number at \(name)", value))
        }
        if !check.errors.isEmpty { throw AppError.invalid(check.errors) }
        let today = DateOnly.of(clock.now(), in: .gmt), recordNumbers = numbers
        return try await database.write { db in
            // Locked before it is read: two corrections at once take turns, and each is in the history.
            guard let patient = try await PatientQueries.lockForCorrection(patientID, on: db) else { throw AppError.notFound }
            let authorized = try await access.authorize(patientID, for: caller, need: .write, on: db)
            guard case .careTeam = authorized.access else { throw AppError.forbidden }
            let current = patient.details
            var errors = ValidationErrors()
            var details = current
            do throws(ValidationErrors) { details = try correction.details.filling(from: current).validated(today: today) } catch { errors = error }
            var changes = details.changes(from: current)
            let identifiers = try await PatientQueries.identifiers(of: patientID, on: db)
            var numberChanges: [(organisationID: UUID, existing: PatientIdentifier?, value: String)] = []
            for number in recordNumbers {
                let existing = identifiers.first { $0.$organisation.id == number.organisationID }
                guard number.value != (existing?.value ?? "") else { continue }
                if !number.value.isEmpty, try await PatientIdentifier.query(on: db).filter(\.$organisation.$id == number.organisationID)
                    .filter(\.$value == number.value).first() != nil {
                    errors.add("recordNumbers.\(number.organisationID.uuidString.lowercased())", "\(number.label) \(number.value) is already another patient's.")
                    continue
                }
                numberChanges.append((number.organisationID, existing, number.value))
                changes.append(.init(field: "identifier", label: number.label, old: existing?.value ?? "", new: number.value))
            }
            if !errors.isEmpty { throw AppError.invalid(errors) }
            guard !changes.isEmpty else {
                throw AppError.invalid(ValidationErrors("reason", "Nothing was changed: every field is as it was. Change a field, then save."))
            }
            let now = clock.now()
            patient.apply(details)
            try await patient.save(on: db)
            for change in numberChanges {
                switch (change.existing, change.value.isEmpty) {
                case (let existing?, true): try await existing.delete(on: db)
                case (let existing?, false):
                    existing.value = change.value
                    try await existing.save(on: db)
                case (nil, _): try await PatientIdentifier(patientID: patientID, organisationID: change.organisationID, value: change.value).create(on: db)
                }
            }
            for change in changes {
                try await PatientCorrection(patientID: patientID, change: change, reason: reason, by: caller.userID, at: now).create(on: db)
            }
            // "date of birth, record number at Riverside Clinic": the label's first letter only is lowered.
            let fields = changes.map { $0.label.prefix(1).lowercased() + $0.label.dropFirst() }.joined(separator: ", ")
            try await timeline.record(.corrected, "\(caller.identity.displayName) corrected the patient's \(fields): \(reason)", patient: patientID, by: caller, on: db)
            try await auditor.record(.patientCorrect, patient: patientID, subject: "patient:\(patientID):\(changes.map(\.field).joined(separator: ","))", by: caller, on: db)
            let team = authorized.team.filter { $0.membership.isActive(at: now) }.map(\.$user.id).filter { $0 != caller.userID }
            try await notifier.notify(
                team, patient: patientID, kind: .patientCorrected,
                message: "\(caller.identity.displayName) corrected \(details.displayName)'s \(fields).",
                link: SiteURL.patientDetails(patientID).path, on: db)
            return patient
        }
    }
}
