import Foundation

/// Where the data lives: a SQLite file (the default), an in-memory SQLite database (tests),
/// or a PostgreSQL server shared by several app servers.
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqliteFile(path: String)
    case sqliteMemory(identifier: String)
    case postgres(url: String)

    public static let defaultSQLiteFile = "liaison.sqlite"

    /// Accepts `postgres://…` / `postgresql://…`, `sqlite:///absolute/path`, `sqlite://relative/path`,
    /// `sqlite::memory:`, or a bare file path.
    public init(parsing raw: String) throws(DatabaseLocationError) {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { throw .empty }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            guard let url = URL(string: text), url.host?.isEmpty == false else { throw .malformed(text) }
            self = .postgres(url: text)
        } else if text == "sqlite::memory:" {
            self = .sqliteMemory(identifier: UUID().uuidString)
        } else if text.hasPrefix("sqlite://") {
            let path = String(text.dropFirst("sqlite://".count))
            guard !path.isEmpty else { throw .malformed(text) }
            self = .sqliteFile(path: path)
        } else if text.contains("://") {
            throw .unsupportedScheme(String(text.prefix { $0 != ":" }))
        } else {
            self = .sqliteFile(path: text)
        }
    }

    public var isPostgres: Bool {
        if case .postgres = self { return true }
        return false
    }

    /// A description safe for logs: passwords are masked.
    public var description: String {
        switch self {
        case .sqliteFile(let path):
            return "SQLite file \(path)"
        case .sqliteMemory:
            return "in-memory SQLite"
        case .postgres(let url):
            guard var parts = URLComponents(string: url) else { return "PostgreSQL" }
            if parts.password != nil { parts.password = "****" }
            return "PostgreSQL \(parts.string ?? "")"
        }
    }
}

public enum DatabaseLocationError: Error, Equatable, CustomStringConvertible {
    case empty
    case malformed(String)
    case unsupportedScheme(String)

    public var description: String {
        switch self {
        case .empty: "is empty"
        case .malformed: "is not a valid database URL (expected postgres://user@host:port/database or a SQLite file path)"
        case .unsupportedScheme(let scheme): "uses \"\(scheme)\", which Liaison does not support (use postgres:// or a SQLite file path)"
        }
    }
}
