import FluentKit
import Foundation
import SQLKit

/// The installation's own keys (see `CreateInstallationKey`).
public enum InstallationQueries {
    /// The key the server signs anti-forgery tokens with.
    public static func formsKey(on db: any Database) async throws -> String {
        guard let key = try await db.sql.raw("SELECT secret FROM installation_keys WHERE purpose = 'forms'").first(decodingColumn: "secret", as: String.self) else {
            throw InstallationKeyMissing()
        }
        return key
    }
}

public struct InstallationKeyMissing: Error, CustomStringConvertible {
    public var description: String { "the installation key is missing; run `liaison migrate`" }
}
