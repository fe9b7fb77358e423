import FluentKit
import Foundation
import SQLKit

/// Every hand-written read of care teams.
public enum CareTeamQueries {
    /// Every membership of the patient's team, past and present, oldest first, with the people loaded.
    public static func team(of patientID: UUID, on db: any Database) async throws -> [CareTeamMember] {
        let team = try await db.sql.models(CareTeamMember.self, "SELECT * FROM care_team_members WHERE patient_id = \(bind: patientID) ORDER BY started_at")
        let users = try await db.sql.users(team.map(\.$user.id))
        for member in team { member.$user.value = users[member.$user.id] }
        return team
    }
}

extension CareTeamQueries {
    /// Whether the person is on the patient's team at `now`: a membership begun and not ended
    /// (a time-limited one, such as a consultant's, ends at its end date).
    public static func isCurrentMember(_ userID: UUID, of patientID: UUID, at now: Date, on db: any Database) async throws -> Bool {
        try await db.sql.raw("""
            SELECT 1 AS found FROM care_team_members WHERE patient_id = \(bind: patientID) AND user_id = \(bind: userID)
              AND started_at <= \(bind: now) AND (ended_at IS NULL OR ended_at > \(bind: now)) LIMIT 1
            """).first() != nil
    }
}
