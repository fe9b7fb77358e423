import FluentKit
import SQLKit

/// What the delivery worker needs: when to try a message again, who holds it now, when it was set
/// aside after failing, and whether its body is a secret (a single-use link) to drop once delivered.
struct AddDeliveryToOutbox: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // One column per statement: SQLite adds columns one at a time.
        try await database.schema(OutboxMessage.schema).field("next_attempt_at", .datetime).update()
        try await database.schema(OutboxMessage.schema).field("lease_until", .datetime).update()
        try await database.schema(OutboxMessage.schema).field("dead_at", .datetime).update()
        try await database.schema(OutboxMessage.schema).field("secret", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        for column in ["secret", "dead_at", "lease_until", "next_attempt_at"] {
            try await database.schema(OutboxMessage.schema).deleteField(FieldKey(stringLiteral: column)).update()
        }
    }
}
