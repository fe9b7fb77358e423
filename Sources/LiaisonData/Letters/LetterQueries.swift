import FluentKit
import Foundation
import LiaisonCore
import SQLKit

/// Every statement about letters between a patient's clinicians.
public enum LetterQueries {
    /// The patient's letters the person wrote or received, newest first, with both people loaded.
    public static func letters(of patientID: UUID, writtenOrReceivedBy userID: UUID, on db: any Database) async throws -> [LetterRecord] {
        try await LetterRecord.query(on: db).filter(\.$patient.$id == patientID)
            .group(.or) { $0.filter(\.$author.$id == userID).filter(\.$recipient.$id == userID) }
            .with(\.$author).with(\.$recipient).sort(\.$createdAt, .descending).all()
    }

    /// One letter with its people and patient.
    public static func letter(_ id: UUID, on db: any Database) async throws -> LetterRecord? {
        try await LetterRecord.query(on: db).filter(\.$id == id).with(\.$author).with(\.$recipient).with(\.$patient).first()
    }

    /// The letters shared with the patient, newest first, with both people loaded.
    public static func released(toPatient patientID: UUID, on db: any Database) async throws -> [LetterRecord] {
        try await LetterRecord.query(on: db).filter(\.$patient.$id == patientID).filter(\.$releasedAt != nil)
            .with(\.$author).with(\.$recipient).sort(\.$releasedAt, .descending).limit(100).all()
    }

    /// Shares the letter with the patient; false if it was shared before (one statement, so a
    /// second click or a second server changes nothing).
    public static func release(_ id: UUID, at now: Date, on db: any Database) async throws -> Bool {
        try await db.sql.raw("UPDATE letters SET released_at = \(bind: now) WHERE id = \(bind: id) AND released_at IS NULL RETURNING id").first() != nil
    }

    /// The recipient's first opening; false if it was opened before.
    @discardableResult
    public static func markRead(_ id: UUID, at now: Date, on db: any Database) async throws -> Bool {
        try await db.sql.raw("UPDATE letters SET read_at = \(bind: now) WHERE id = \(bind: id) AND read_at IS NULL RETURNING id").first() != nil
    }
}

extension LetterRecord {
    /// The letter's sections.
    public var letter: Letter? { Letter(storedText: content) }
}
