import Foundation
import Store

/// Where a PostgreSQL run database is: `postgresql://user[:password]@host[:port]/database`
/// (also `postgres://`), with an optional `?sslmode=disable|prefer|require`.
///
/// Missing parts take libpq's defaults: host `localhost`, port 5432, user `$PGUSER` or the
/// login name, database the user's name. The password comes from the URL, else `PGPASSWORD`,
/// else the password file (`PGPASSFILE` or `~/.pgpass`, `host:port:database:user:password`
/// lines with `*` wildcards); it is never shown (`description` leaves it out).
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode

    /// Whether `text` names a PostgreSQL database rather than an SQLite file.
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// Parses `text`, filling the password from the environment or the password file.
    ///
    /// - Throws: `StoreError.invalidDatabaseURL` naming what is wrong.
    public init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func refuse(_ reason: String) -> StoreError { .invalidDatabaseURL(url: Self.redact(text), reason: reason) }
        guard Self.isPostgres(text), let components = URLComponents(string: text) else {
            throw refuse("expected postgresql://user@host:port/database")
        }
        user = components.user.flatMap { $0.removingPercentEncoding } ?? environment["PGUSER"]
            ?? environment["USER"] ?? "postgres"
        password = components.password.flatMap { $0.removingPercentEncoding }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        port = components.port ?? 5432
        guard (1...65535).contains(port) else { throw refuse("port \(port) is outside 1–65535") }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : (path.removingPercentEncoding ?? path)
        if database.contains("/") { throw refuse("the database name '\(database)' contains '/'") }
        tls = .disable
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = TLSMode(rawValue: item.value ?? "") else {
                    throw refuse("sslmode '\(item.value ?? "")' is not one of disable, prefer, require")
                }
                tls = mode
            case "password":
                password = item.value
            default:
                throw refuse("unknown parameter '\(item.name)' (known: sslmode)")
            }
        }
        if password == nil {
            password = environment["PGPASSWORD"] ?? Self.passwordFromFile(environment: environment,
                                                                           host: host, port: port,
                                                                           database: database, user: user)
        }
    }

    /// `postgresql://user@host:port/database`, never with the password.
    public var description: String { "postgresql://\(user)@\(host):\(port)/\(database)" }

    /// `text` with any password between `:` and `@` replaced by `***`, for messages.
    static func redact(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://"),
              let colon = text[scheme.upperBound..<at].firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    /// The first matching line of the password file (`PGPASSFILE` or `~/.pgpass`), as libpq reads it.
    static func passwordFromFile(environment: [String: String], host: String, port: Int,
                                 database: String, user: String) -> String? {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let file = environment["PGPASSFILE"] ?? home + "/.pgpass"
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        let wanted = [host, String(port), database, user]
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where !line.hasPrefix("#") {
            let fields = splitEscaped(String(line))
            guard fields.count == 5 else { continue }
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// Splits a password-file line at unescaped `:` and removes the `\` escapes.
    private static func splitEscaped(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
