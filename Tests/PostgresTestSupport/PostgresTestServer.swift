import Foundation
import Store
import StorePostgres
import XCTest

/// The throw-away PostgreSQL server the test command starts (`scripts/pg-scratch`), named by
/// `PAREIDOLIA_TEST_POSTGRES`. Each test gets databases of its own.
///
/// Without the variable, a test on PostgreSQL is skipped when run by hand and FAILS under CI
/// (`CI=true`): CI must start the server, not skip the tests.
public enum PostgresTestServer {
    public static let variable = "PAREIDOLIA_TEST_POSTGRES"

    /// The server's URL (its maintenance database).
    public static func url() throws -> PostgresURL {
        let environment = ProcessInfo.processInfo.environment
        guard let text = environment[variable], !text.isEmpty else {
            if environment["CI"] == "true" {
                throw Unavailable(message: "\(variable) is not set: CI must run scripts/test, which starts a server")
            }
            throw XCTSkip("\(variable) is not set (scripts/test starts a throw-away PostgreSQL server and sets it)")
        }
        return try PostgresURL(text)
    }

    /// A new, empty database on the server.
    public static func freshDatabase() throws -> PostgresURL {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return try PostgresBackend.createDatabase(name, server: try url())
    }

    /// A new connection (a new `RunStore`) to `url`.
    public static func store(_ url: PostgresURL, readOnly: Bool = false) throws -> RunStore {
        RunStore(backend: try PostgresBackend(url: url, readOnly: readOnly))
    }

    public struct Unavailable: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }
}

/// The backends a store test runs on.
public enum StoreBackend: String, CaseIterable, Sendable {
    case sqlite, postgres

    /// A fresh database of this backend (a file in `directory`, or a new PostgreSQL
    /// database): its `--db` text, and an opener that gives a new `RunStore` on it each call.
    public func freshDatabase(in directory: URL) throws -> (location: String, open: () throws -> RunStore) {
        switch self {
        case .sqlite:
            let path = directory.appendingPathComponent("each-\(UUID().uuidString).sqlite").path
            return (path, { try RunStore(path: path) })
        case .postgres:
            let url = try PostgresTestServer.freshDatabase()
            return (url.description, { try PostgresTestServer.store(url) })
        }
    }
}
