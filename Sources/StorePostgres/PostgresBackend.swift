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
///
/// The backend does not reconnect: once the server closes the connection (it stopped, or ended
/// the session), or a statement goes unanswered for `statementTimeout`, every statement fails
/// at once with `StoreError.connectionLost` naming host and port.
public final class PostgresBackend: SQLBackend {
    public let location: String
    public let readOnly: Bool
    public let appliedSchema: Set<String>
    public let lockRowClause = " FOR UPDATE"
    let url: PostgresURL
    /// Seconds one statement may take (`statementTimeout` unless a test asks for less).
    let statementTimeout: Double
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
    /// - Parameter statementTimeout: seconds a statement may wait for the server's answer
    ///   before the connection counts as lost (and is closed).
    /// - Throws: `StoreError.serverUnreachable` (one line naming host and port),
    ///   `.serverRefused` (bad password, unknown user or database), `.foreignDatabase`,
    ///   `.schemaTooNew`; read-only: `.databaseMissing` when no Pareidolia schema is there.
    public init(url: PostgresURL, readOnly: Bool, statementTimeout: Double = PostgresBackend.statementTimeout) throws {
        self.url = url
        self.readOnly = readOnly
        self.statementTimeout = statementTimeout
        location = url.description
        (group, connection) = try Self.connect(url)
        do {
            appliedSchema = try PostgresSchema.prepare(Connection(connection: connection, logger: Self.logger),
                                                       url: url, readOnly: readOnly)
        } catch {
            Self.close(group, connection)
            throw Self.translate(error, url: url, operation: "checking the schema", connected: true)
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

    /// How long connecting (TCP, TLS, start-up and authentication) may take.
    static let connectTimeout: Double = 15

    /// After Ctrl-C or SIGTERM: every database wait under way or still to come ends `seconds`
    /// after the interrupt (or after it started, if later) with `StoreError.connectionLost`,
    /// so a command blocked on a server that stopped answering still stops. A healthy server
    /// answers far sooner, so the commit that ends an interrupted run is not affected.
    public static func interruptWaits(after seconds: Double) {
        Interruption.begin(bound: seconds)
    }

    /// One connection to `url` on its own event-loop thread.
    private static func connect(_ url: PostgresURL) throws -> (MultiThreadedEventLoopGroup, PostgresConnection) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            var configuration = PostgresConnection.Configuration(
                host: url.host, port: url.port, username: url.user, password: url.password,
                database: url.database, tls: try tls(url))
            configuration.options.connectTimeout = .seconds(10)
            let connection = try BoundedWait.result(
                of: PostgresConnection.connect(on: group.next(), configuration: configuration, id: 1, logger: logger),
                seconds: connectTimeout)
            return (group, connection)
        } catch {
            try? group.syncShutdownGracefully()
            throw translate(error, url: url, operation: "connecting", connected: false)
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
            throw translate(error, url: server, operation: "creating database \(name)", connected: true)
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
        let session = Connection(connection: connection, logger: Self.logger, timeout: statementTimeout)
        do {
            try session.execute(begin, [SQLValue]())
            let result = try body(session)
            try session.execute("COMMIT", [SQLValue]())
            return result
        } catch {
            if !connection.isClosed { _ = try? session.execute("ROLLBACK", [SQLValue]()) }
            // The connection worked when the store opened: failing now, it was lost.
            throw Self.translate(error, url: url, operation: operation, connected: true)
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
        var timeout = PostgresBackend.statementTimeout

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
            // 1.33): refuse it here, stop waiting when the connection closes, and bound every
            // wait, so a lost server ends the command.
            guard !connection.isClosed else { throw BoundedWait.Lost(reason: "the server closed the connection") }
            let connection = self.connection
            return try BoundedWait.result(of: connection.query(query, logger: logger),
                                          seconds: timeout, closed: connection.closeFuture) {
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
