import FluentKit
import Foundation
import SQLKit

/// Every hand-written read of a patient's record. These run on every patient page, so they are
/// SQL decoded by Fluent rather than built with the query builder.
public enum PatientQueries {
    public static func patient(_ id: UUID, on db: any Database) async throws -> Patient? {
        try await db.sql.models(Patient.self, "SELECT * FROM patients WHERE id = \(bind: id)").first
    }

    /// The person's unexpired emergency grants for the patient.
    public static func emergencyGrants(to patientID: UUID, for userID: UUID, at moment: Date, on db: any Database) async throws -> [EmergencyAccess] {
        try await db.sql.models(EmergencyAccess.self, """
            SELECT * FROM emergency_accesses WHERE patient_id = \(bind: patientID) AND user_id = \(bind: userID) AND expires_at > \(bind: moment)
            """)
    }

    /// The newest notes, newest first, with their authors loaded.
    public static func notes(of patientID: UUID, limit: Int = 200, on db: any Database) async throws -> [Note] {
        let notes = try await db.sql.models(Note.self, "SELECT * FROM notes WHERE patient_id = \(bind: patientID) ORDER BY created_at DESC LIMIT \(bind: limit)")
        let authors = try await db.sql.users(notes.map(\.$author.id))
        for note in notes { note.$author.value = authors[note.$author.id] }
        return notes
    }

    /// The newest timeline events, newest first.
    public static func events(of patientID: UUID, limit: Int = 200, on db: any Database) async throws -> [PatientEvent] {
        try await db.sql.models(PatientEvent.self, "SELECT * FROM patient_events WHERE patient_id = \(bind: patientID) ORDER BY created_at DESC LIMIT \(bind: limit)")
    }

    /// The patient's record numbers, with their organisations loaded.
    public static func identifiers(of patientID: UUID, on db: any Database) async throws -> [PatientIdentifier] {
        let identifiers = try await db.sql.models(PatientIdentifier.self, "SELECT * FROM patient_identifiers WHERE patient_id = \(bind: patientID)")
        let organisations = try await db.sql.organisations(identifiers.map(\.$organisation.id))
        for identifier in identifiers { identifier.$organisation.value = organisations[identifier.$organisation.id] }
        return identifiers
    }

    /// The role pairs the patient has withheld, as stored (comma-separated keys); empty if never recorded.
    public static func withheldConsent(of patientID: UUID, on db: any Database) async throws -> String {
        try await db.sql.raw("SELECT withheld FROM consents WHERE patient_id = \(bind: patientID)").first(decodingColumn: "withheld", as: String.self) ?? ""
    }
}

extension PatientQueries {
    /// Locks the patient's row until the transaction ends: changes to one patient's care team
    /// take turns, so a rule checked against the team (one responsible prescriber) still holds
    /// when the change is written.
    public static func lockTeam(of patientID: UUID, on db: any Database) async throws {
        _ = try await db.sql.raw("SELECT id FROM patients WHERE id = \(bind: patientID)\(forUpdate(db))").all()
    }

    /// The patient's row, locked until the transaction ends: a correction reads what it changes
    /// under the lock, so two corrections at once take turns and both are in the history.
    public static func lockForCorrection(_ patientID: UUID, on db: any Database) async throws -> Patient? {
        try await db.sql.models(Patient.self, "SELECT * FROM patients WHERE id = \(bind: patientID)\(forUpdate(db))").first
    }

    /// Every correction to the patient's details, newest first, with who made it.
    public static func corrections(of patientID: UUID, on db: any Database) async throws -> [PatientCorrection] {
        try await PatientCorrection.query(on: db).filter(\.$patient.$id == patientID).with(\.$correctedBy)
            .sort(\.$correctedAt, .descending).limit(200).all()
    }
}

extension PatientQueries {
    /// The record a patient's portal account belongs to.
    public static func patient(ofPortalUser userID: UUID, on db: any Database) async throws -> Patient? {
        try await db.sql.models(Patient.self, "SELECT * FROM patients WHERE portal_user_id = \(bind: userID)").first
    }
}
