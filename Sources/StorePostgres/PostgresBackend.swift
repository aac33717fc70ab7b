import Foundation
import PostgresNIO
import Store

/// The shared backend: one PostgreSQL database that processes on many machines write at
/// once, through one connection per store (`vapor/postgres-nio`).
///
/// Write transactions lock the run row they change (`SELECT … FOR UPDATE`), so writers of
/// one run take turns while other runs go on; reads see one snapshot (`REPEATABLE READ`).
/// The schema is the SQLite one under the same migration identifiers, applied under an
/// advisory lock so that workers starting together migrate once.
public final class PostgresBackend: SQLBackend {
    public let location: String
    public let readOnly: Bool
    public let appliedSchema: Set<String>
    public let lockRowClause = " FOR UPDATE"
    let url: PostgresURL
    private let group: MultiThreadedEventLoopGroup
    private let connection: PostgresConnection
    /// One transaction at a time on the connection.
    private let lock = NSLock()
    /// Errors reach the user as `StoreError`s; the driver's own log stays quiet.
    private static let logger: Logger = {
        var logger = Logger(label: "pareidolia.postgres")
        logger.logLevel = .critical
        return logger
    }()

    /// Connects to `url` and, unless `readOnly`, brings the schema up to date.
    ///
    /// - Throws: `StoreError.serverUnreachable` (one line naming host and port),
    ///   `.serverRefused` (bad password, unknown user or database), `.foreignDatabase`,
    ///   `.schemaTooNew`; read-only: `.databaseMissing` when no Pareidolia schema is there.
    public init(url: PostgresURL, readOnly: Bool) throws {
        self.url = url
        self.readOnly = readOnly
        location = url.description
        (group, connection) = try Self.connect(url)
        do {
            appliedSchema = try PostgresSchema.prepare(Connection(connection: connection, logger: Self.logger),
                                                       url: url, readOnly: readOnly)
        } catch {
            Self.close(group, connection)
            throw Self.translate(error, url: url, operation: "checking the schema")
        }
    }

    deinit { Self.close(group, connection) }

    /// Closes a connection and stops its event-loop thread (best effort: it may be gone already,
    /// so the close is waited for 2 s at most).
    private static func close(_ group: MultiThreadedEventLoopGroup, _ connection: PostgresConnection) {
        _ = try? BoundedWait.result(of: connection.close(), seconds: 2)
        try? group.syncShutdownGracefully()
    }

    /// How long one statement may take before the connection counts as lost: a server that has
    /// gone silent (a network partition, a frozen host) would otherwise keep the command, and the
    /// run's lease, forever. Statements here are small; the longest wait is for another worker's
    /// transaction on the same run row.
    public static let statementTimeout: Double = 30

    /// One connection to `url` on its own event-loop thread.
    private static func connect(_ url: PostgresURL) throws -> (MultiThreadedEventLoopGroup, PostgresConnection) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            var configuration = PostgresConnection.Configuration(
                host: url.host, port: url.port, username: url.user, password: url.password,
                database: url.database, tls: try tls(url))
            configuration.options.connectTimeout = .seconds(10)
            let connection = try PostgresConnection.connect(on: group.next(), configuration: configuration,
                                                            id: 1, logger: logger).wait()
            return (group, connection)
        } catch {
            try? group.syncShutdownGracefully()
            throw translate(error, url: url, operation: "connecting")
        }
    }

    /// Creates an empty database `name` on the server `server` names (connecting to
    /// `server`'s own database), for tests and scripts; returns its URL.
    ///
    /// - Throws: `StoreError.invalidDatabaseURL` for a name other than letters, digits and
    ///   `_`; the connection's errors; `.database` when it exists.
    public static func createDatabase(_ name: String, server: PostgresURL) throws -> PostgresURL {
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw StoreError.invalidDatabaseURL(url: server.description,
                                                reason: "database name '\(name)' must be letters, digits and _")
        }
        let (group, connection) = try connect(server)
        defer { close(group, connection) }
        do {
            _ = try Connection(connection: connection, logger: logger).execute("CREATE DATABASE \(name)", [SQLValue]())
        } catch {
            throw translate(error, url: server, operation: "creating database \(name)")
        }
        var created = server
        created.database = name
        return created
    }

    private static func tls(_ url: PostgresURL) throws -> PostgresConnection.Configuration.TLS {
        switch url.tls {
        case .disable: return .disable
        case .prefer: return .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    // MARK: SQLBackend

    public func write<T>(_ operation: String, _ body: (any SQLConnection) throws -> T) throws -> T {
        try transaction(operation, begin: "BEGIN", body)
    }

    public func read<T>(_ operation: String, _ body: (any SQLConnection) throws -> T) throws -> T {
        try transaction(operation, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    private func transaction<T>(_ operation: String, begin: String,
                                _ body: (any SQLConnection) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let session = Connection(connection: connection, logger: Self.logger)
        do {
            try session.execute(begin, [SQLValue]())
            let result = try body(session)
            try session.execute("COMMIT", [SQLValue]())
            return result
        } catch {
            if !connection.isClosed { _ = try? session.execute("ROLLBACK", [SQLValue]()) }
            let translated = Self.translate(error, url: url, operation: operation)
            // A connection that worked and then failed was lost, not unreachable.
            if case let .serverUnreachable(host, port, message)? = translated as? StoreError {
                throw StoreError.connectionLost(host: host, port: port, message: message, operation: operation)
            }
            throw translated
        }
    }

    public func constraintViolation(_ error: any Error) -> String? {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState],
              state.hasPrefix("23") else { return nil }
        return error.serverInfo?[.message] ?? "constraint \(error.serverInfo?[.constraintName] ?? "") failed"
    }

    /// PostgreSQL enforces every constraint at each statement; this checks that no row
    /// refers to a missing run or generation (as SQLite's `foreign_key_check` does).
    public func integrityCheck() throws -> Bool {
        try read("checking integrity") { db in
            let dangling = try db.fetchAll("""
                SELECT 1 FROM generations g LEFT JOIN runs r ON r.id = g.run_id WHERE r.id IS NULL
                UNION ALL
                SELECT 1 FROM individuals i LEFT JOIN generations g ON g.run_id = i.run_id AND g.idx = i.generation
                WHERE g.run_id IS NULL
                UNION ALL
                SELECT 1 FROM elites e LEFT JOIN runs r ON r.id = e.run_id WHERE r.id IS NULL
                LIMIT 1
                """, [SQLValue]())
            return dangling.isEmpty
        }
    }

    // MARK: Statements

    /// Statements on the connection, waited for on the calling thread.
    struct Connection: SQLConnection {
        let connection: PostgresConnection
        let logger: Logger

        @discardableResult
        func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
            try run(sql, arguments).metadata.rows ?? 0
        }

        func fetchAll(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
            try run(sql, arguments).rows.map(Self.row)
        }

        private func run(_ sql: String, _ arguments: [SQLValue]) throws -> PostgresQueryResult {
            var binds = PostgresBindings(capacity: arguments.count)
            for argument in arguments {
                switch argument {
                case .null: binds.appendNull()
                case .integer(let value): binds.append(value)
                case .real(let value): binds.append(value)
                case .text(let value): binds.append(value)
                case .date(let value): binds.append(value)
                }
            }
            let query = PostgresQuery(unsafeSQL: Placeholders.numbered(sql), binds: binds)
            // A query sent on a connection the server has closed never completes (postgres-nio
            // 1.33): refuse it here, and bound every wait, so a lost server ends the command.
            guard !connection.isClosed else { throw BoundedWait.Lost(reason: "the server closed the connection") }
            let connection = self.connection
            return try BoundedWait.result(of: connection.query(query, logger: logger),
                                          seconds: PostgresBackend.statementTimeout) {
                let _: EventLoopFuture<Void> = connection.close()
            }
        }

        private static func row(_ row: PostgresRow) throws -> SQLRow {
            var values: [String: SQLValue] = [:]
            for cell in row {
                values[cell.columnName] = try value(cell)
            }
            return SQLRow(values)
        }

        private static func value(_ cell: PostgresCell) throws -> SQLValue {
            guard cell.bytes != nil else { return .null }
            switch cell.dataType {
            case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
            case .float4, .float8, .numeric: return .real(try cell.decode(Double.self))
            case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
            case .timestamptz, .timestamp, .date: return .date(try cell.decode(Date.self))
            default: return .text(try cell.decode(String.self))
            }
        }
    }

    // MARK: Errors

    /// Maps a postgres-nio error to the `StoreError` a user can act on (one line).
    static func translate(_ error: any Error, url: PostgresURL, operation: String) -> any Error {
        if error is StoreError { return error }
        if let decoding = error as? SQLRow.DecodingError {
            return StoreError.corruptValue(path: url.description, detail: decoding.description)
        }
        if let lost = error as? BoundedWait.Lost {
            return StoreError.serverUnreachable(host: url.host, port: url.port, message: lost.reason)
        }
        guard let psql = error as? PSQLError else {
            if error is PostgresDecodingError {
                return StoreError.corruptValue(path: url.description, detail: "\(operation): \(String(reflecting: error))")
            }
            return StoreError.serverUnreachable(host: url.host, port: url.port, message: shortReason("\(error)"))
        }
        let message = psql.serverInfo?[.message] ?? "\(psql.code)"
        switch psql.code {
        case .server:
            let state = psql.serverInfo?[.sqlState] ?? ""
            switch state {
            case "28P01", "28000":
                return StoreError.serverRefused(url: url.description, message: message,
                                                fix: "give the password in PGPASSWORD or ~/.pgpass, or a user the server accepts")
            case "3D000":
                return StoreError.serverRefused(url: url.description, message: message,
                                                fix: "create it with `createdb -h \(url.host) -p \(url.port) \(url.database)`")
            case "40001", "40P01", "55P03":
                return StoreError.busy(path: url.description, seconds: 0)
            case "53100":
                return StoreError.diskFull(path: url.description)
            case "25006", "42501":
                return StoreError.cannotWrite(path: url.description, message: message)
            default:
                return StoreError.database(path: url.description, operation: operation,
                                           message: "\(message) (SQLSTATE \(state))")
            }
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
            let reason = psql.underlying.map { shortReason("\($0)") } ?? "\(psql.code)"
            return StoreError.serverUnreachable(host: url.host, port: url.port, message: reason)
        default:
            return StoreError.database(path: url.description, operation: operation, message: "\(psql.code)")
        }
    }
}

/// The gist of a socket error's long description ("connection refused", …), for a one-line message.
func shortReason(_ text: String) -> String {
    let known = ["Connection refused": "connection refused", "timed out": "timed out",
                 "Network is unreachable": "network unreachable", "No route to host": "no route to host",
                 "resolve": "host name not found", "Connection reset": "connection reset"]
    for (needle, reason) in known where text.contains(needle) { return reason }
    return text
}

/// The store's `?` placeholders as PostgreSQL's `$1, $2, …` (none of its statements has a `?`
/// inside a string literal; literals are skipped all the same).
enum Placeholders {
    static func numbered(_ sql: String) -> String {
        var result = ""
        result.reserveCapacity(sql.count + 16)
        var index = 0
        var inLiteral = false
        for character in sql {
            if character == "'" { inLiteral.toggle() }
            if character == "?" && !inLiteral {
                index += 1
                result += "$\(index)"
            } else {
                result.append(character)
            }
        }
        return result
    }
}
