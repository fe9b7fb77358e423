import FluentKit
import FluentSQL
import Foundation
import SQLKit

/// Reads on the hottest pages, written as SQL and decoded by Fluent: the query builders cost more
/// than these small queries themselves (reflection over the model and re-serialising the SQL at
/// every call).
extension SQLDatabase {
    /// Models of one table chosen by a hand-written `SELECT * FROM …`.
    func models<M: Model>(_ type: M.Type, _ query: SQLQueryString) async throws -> [M] {
        try await raw(query).all(decodingFluent: M.self)
    }

    /// The `id` column of each row a statement returns (`SELECT id …`, `UPDATE … RETURNING id`).
    func ids(_ statement: SQLQueryString) async throws -> [UUID] {
        try await raw(statement).all().map { try $0.decode(column: "id", as: UUID.self) }
    }

    /// The people with these ids, by id.
    func users(_ ids: some Sequence<UUID>) async throws -> [UUID: UserAccount] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        let users = try await models(UserAccount.self, "SELECT * FROM users WHERE id IN (\(binds: unique))")
        return Dictionary(uniqueKeysWithValues: users.compactMap { user in user.id.map { ($0, user) } })
    }

    /// The organisations with these ids, by id.
    func organisations(_ ids: some Sequence<UUID>) async throws -> [UUID: Organisation] {
        let unique = Array(Set(ids))
        guard !unique.isEmpty else { return [:] }
        let organisations = try await models(Organisation.self, "SELECT * FROM organisations WHERE id IN (\(binds: unique))")
        return Dictionary(uniqueKeysWithValues: organisations.compactMap { organisation in organisation.id.map { ($0, organisation) } })
    }
}
