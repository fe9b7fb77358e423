import FluentKit
import Foundation
import LiaisonCore
import SQLKit

/// One refused attempt at a patient's record, for the organisation's administrators.
public struct RefusalRow: Decodable, Sendable, Equatable {
    public let occurredAtMs: Int64
    public let patientID: UUID?
    /// Who tried.
    public let displayName: String?

    public var occurredAt: Date { Date(timeIntervalSince1970: Double(occurredAtMs) / 1000) }

    private enum CodingKeys: String, CodingKey {
        case occurredAtMs = "occurred_at_ms", patientID = "patient_id", displayName = "display_name"
    }
}

/// Reads of the audit log beyond the chain itself.
public enum AuditQueries {
    /// Refused attempts by the organisation's members, or at patients registered there, newest first.
    public static func refusals(forOrganisation organisationID: UUID, limit: Int = 500, on db: any Database) async throws -> [RefusalRow] {
        try await db.sql.rows(RefusalRow.self, """
            SELECT a.occurred_at_ms, a.patient_id, u.display_name FROM audit_entries a LEFT JOIN users u ON u.id = a.actor_id
            WHERE a.action = \(bind: AuditAction.accessRefused.rawValue)
                AND (a.patient_id IN (SELECT id FROM patients WHERE registered_organisation_id = \(bind: organisationID))
                     OR a.actor_id IN (SELECT user_id FROM memberships WHERE organisation_id = \(bind: organisationID)))
            ORDER BY a.sequence DESC LIMIT \(bind: limit)
            """)
    }

    /// How many entries record `action` (e.g. refused attempts, for `liaison audit verify`).
    public static func count(of action: AuditAction, on db: any Database) async throws -> Int {
        try await db.sql.raw("SELECT COUNT(*) AS n FROM audit_entries WHERE action = \(bind: action.rawValue)").first(decodingColumn: "n", as: Int.self) ?? 0
    }
}
