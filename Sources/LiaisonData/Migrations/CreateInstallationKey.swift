import FluentKit
import Foundation
import SQLKit

/// A random key of this installation's own, made once and shared by every server through the
/// database: the server signs the anti-forgery tokens it hands out with it, so a token a browser
/// brings must have come from Liaison.
struct CreateInstallationKey: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("installation_keys")
            .field("purpose", .string, .identifier(auto: false))
            .field("secret", .string, .required)
            .create()
        var generator = SystemRandomNumberGenerator()
        let key = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
        try await database.sql.raw("INSERT INTO installation_keys (purpose, secret) VALUES ('forms', \(bind: key))").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("installation_keys").delete()
    }
}
