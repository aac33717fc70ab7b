import Foundation
import GRDB

/// The embedded backend: one SQLite file in WAL mode with `synchronous=FULL` (once a commit
/// returns it survives a crash, SIGKILL or power loss), or a database in memory for tests.
///
/// Opening never writes to a file that is not a Pareidolia database of a schema this build
/// knows: the schema is checked through a read-only connection first, and only then is the
/// file switched to WAL and migrated. Write transactions are IMMEDIATE, so writers of one
/// file take turns for `busyTimeout` seconds before `StoreError.busy`.
final class SQLiteBackend: SQLBackend {
    let location: String
    let readOnly: Bool
    let appliedSchema: Set<String>
    let busyTimeout: Double
    let lockRowClause = ""
    private let queue: DatabaseQueue

    /// Opens the file at `path`: for writing (creating it if needed and bringing its schema
    /// up to date) or read-only.
    init(path: String, busyTimeout: Double, readOnly: Bool) throws {
        try Self.checkLocation(path)
        location = path
        self.busyTimeout = busyTimeout
        self.readOnly = readOnly
        // Writers that open one file at once (workers started together) take turns here until
        // the file is in WAL mode and migrated: GRDB's migrator reads the applied migrations
        // outside the transaction that applies them, so two first openers would both apply v1.
        let opening = readOnly ? nil : SQLiteOpeningLock(path: path)
        defer { opening?.release() }
        let exists = Self.isNonEmptyFile(path)
        if readOnly {
            guard exists else { throw StoreError.databaseMissing(path: path) }
            (queue, appliedSchema) = try Self.openForReading(path, busyTimeout: busyTimeout)
            guard !appliedSchema.isEmpty else { throw StoreError.databaseMissing(path: path) }
            return
        }
        if exists {
            // Judge the file through a connection that cannot write before opening one that can.
            let probe = try Self.open(path, busyTimeout: busyTimeout, readOnly: true)
            _ = try Self.checkSchema(probe, path: path, busyTimeout: busyTimeout)
            try? probe.close()
        }
        let queue = try Self.open(path, busyTimeout: busyTimeout, readOnly: false)
        try Self.perform(path, busyTimeout, "opening the database") {
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        }
        self.queue = queue
        appliedSchema = try Self.migrate(queue, path: path, busyTimeout: busyTimeout)
    }

    /// An empty database in memory, migrated.
    init(memory: Void) throws {
        location = ":memory:"
        busyTimeout = 0
        readOnly = false
        var config = Configuration()
        config.foreignKeysEnabled = true
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(configuration: config)
        } catch {
            throw Self.translate(error, path: ":memory:", busyTimeout: 0, operation: "opening memory")
        }
        self.queue = queue
        appliedSchema = try Self.migrate(queue, path: ":memory:", busyTimeout: 0)
    }

    // MARK: SQLBackend

    func write<T>(_ operation: String, _ body: (any SQLConnection) throws -> T) throws -> T {
        try Self.perform(location, busyTimeout, operation) {
            try queue.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(Connection(db: db))
                    return .commit
                }
                guard let result else {
                    throw StoreError.database(path: location, operation: operation,
                                              message: "transaction ended without a result")
                }
                return result
            }
        }
    }

    func read<T>(_ operation: String, _ body: (any SQLConnection) throws -> T) throws -> T {
        try Self.perform(location, busyTimeout, operation) { try queue.read { try body(Connection(db: $0)) } }
    }

    func constraintViolation(_ error: any Error) -> String? {
        guard let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT else { return nil }
        return error.message ?? "constraint failed"
    }

    /// `PRAGMA integrity_check` answers `ok` and `PRAGMA foreign_key_check` finds nothing.
    func integrityCheck() throws -> Bool {
        try Self.perform(location, busyTimeout, "checking integrity") {
            try queue.read { db in
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                let danglingKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
                return integrity == ["ok"] && danglingKeys.isEmpty
            }
        }
    }

    /// Statements on one GRDB connection, through its statement cache.
    private struct Connection: SQLConnection {
        let db: Database

        func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(arguments.map(\.grdb)))
            return db.changesCount
        }

        func fetchAll(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
            let statement = try db.cachedStatement(sql: sql)
            return try Row.fetchAll(statement, arguments: StatementArguments(arguments.map(\.grdb))).map { row in
                var values: [String: SQLValue] = [:]
                for (column, value) in row {
                    switch value.storage {
                    case .null: values[column] = .null
                    case .int64(let integer): values[column] = .integer(integer)
                    case .double(let real): values[column] = .real(real)
                    case .string(let text): values[column] = .text(text)
                    case .blob(let data): values[column] = .text(String(decoding: data, as: UTF8.self))
                    }
                }
                return SQLRow(values)
            }
        }
    }

    // MARK: Opening

    /// Refuses a path whose directory is missing or which is itself a directory.
    private static func checkLocation(_ path: String) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw StoreError.pathIsDirectory(path: path) }
            return
        }
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let shown = (path as NSString).deletingLastPathComponent
        if !manager.fileExists(atPath: parent, isDirectory: &isDirectory) || !isDirectory.boolValue {
            throw StoreError.directoryMissing(path: path, directory: shown.isEmpty ? parent : shown)
        }
    }

    /// Whether `path` is a file with at least one byte (SQLite treats an empty file as a
    /// new database).
    private static func isNonEmptyFile(_ path: String) -> Bool {
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        return (size ?? 0) > 0
    }

    /// A connection to `path`: read-only (no journal-mode change, SQLITE_OPEN_READONLY) or
    /// read-write in WAL mode.
    private static func open(_ path: String, busyTimeout: Double, readOnly: Bool) throws -> DatabaseQueue {
        var config = Configuration()
        config.readonly = readOnly
        if !readOnly { config.journalMode = .wal }
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        do {
            return try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw translate(error, path: path, busyTimeout: busyTimeout, operation: "opening the database")
        }
    }

    /// A read-only connection and the applied migrations. A WAL database on read-only media
    /// (a CD, a read-only mount, a snapshot) cannot be opened the usual way: SQLite needs its
    /// `-shm` file and cannot create it there. When that fails and no `-wal` file exists, every
    /// committed row is in the main file (the last writer checkpointed and removed the WAL),
    /// so the file is opened as immutable: SQLite then reads it without any lock or `-shm`.
    private static func openForReading(_ path: String, busyTimeout: Double) throws -> (DatabaseQueue, Set<String>) {
        do {
            let queue = try open(path, busyTimeout: busyTimeout, readOnly: true)
            return (queue, try checkSchema(queue, path: path, busyTimeout: busyTimeout))
        } catch StoreError.cannotWrite(_, let message) {
            guard !FileManager.default.fileExists(atPath: path + "-wal") else {
                throw StoreError.cannotWrite(path: path, message: message + " (its -wal file holds rows "
                                             + "not yet in the main file; open it once where it is writable)")
            }
            let queue = try open(immutableURI(path), busyTimeout: busyTimeout, readOnly: true)
            return (queue, try checkSchema(queue, path: path, busyTimeout: busyTimeout))
        }
    }

    /// `file:PATH?immutable=1`, the path percent-encoded where a URI needs it (Debian's SQLite
    /// is built with `SQLITE_USE_URI`, so every filename may be a URI).
    static func immutableURI(_ path: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let encoded = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        return "file:\(encoded)?immutable=1"
    }

    /// Refuses a foreign database and one migrated by a newer build, reading only; returns
    /// the applied migrations (empty for a new, empty database).
    private static func checkSchema(_ queue: DatabaseQueue, path: String, busyTimeout: Double) throws -> Set<String> {
        try perform(path, busyTimeout, "checking the schema version") {
            try queue.read { db in
                let applied = try SQLiteSchema.migrator.appliedIdentifiers(db)
                if applied.isEmpty {
                    let tables = try String.fetchAll(db, sql: """
                        SELECT name FROM sqlite_master
                        WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
                        ORDER BY name
                        """)
                    if !tables.isEmpty { throw StoreError.foreignDatabase(path: path, tables: tables) }
                    return applied
                }
                guard let first = Schema.known.first, applied.contains(first) else {
                    let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                    throw StoreError.foreignDatabase(path: path, tables: tables)
                }
                let unknown = applied.subtracting(Schema.known)
                if !unknown.isEmpty {
                    throw StoreError.schemaTooNew(path: path, unknown: unknown.sorted(), supported: Schema.known)
                }
                return applied
            }
        }
    }

    /// Checks the schema again (another process may have changed it since the read-only
    /// check), then applies the missing migrations.
    private static func migrate(_ queue: DatabaseQueue, path: String, busyTimeout: Double) throws -> Set<String> {
        _ = try checkSchema(queue, path: path, busyTimeout: busyTimeout)
        try perform(path, busyTimeout, "migrating the schema") { try SQLiteSchema.migrator.migrate(queue) }
        return Set(Schema.known)
    }

    // MARK: Errors

    /// Runs `body`, translating GRDB and SQLite errors into `StoreError`.
    private static func perform<T>(_ path: String, _ busyTimeout: Double, _ operation: String,
                                   _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw translate(error, path: path, busyTimeout: busyTimeout, operation: operation)
        }
    }

    /// Maps an error from GRDB or SQLite to the `StoreError` a user can act on.
    static func translate(_ error: any Error, path: String, busyTimeout: Double, operation: String) -> any Error {
        if error is StoreError { return error }
        if let decoding = error as? RowDecodingError {
            return StoreError.corruptValue(path: path, detail: String(describing: decoding))
        }
        if let decoding = error as? SQLRow.DecodingError {
            return StoreError.corruptValue(path: path, detail: decoding.description)
        }
        guard let sqlite = error as? DatabaseError else {
            return StoreError.database(path: path, operation: operation, message: String(describing: error))
        }
        let message = sqlite.message ?? "SQLite result code \(sqlite.resultCode.rawValue)"
        switch sqlite.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return StoreError.busy(path: path, seconds: busyTimeout)
        case .SQLITE_NOTADB:
            return StoreError.notADatabase(path: path)
        case .SQLITE_FULL:
            return StoreError.diskFull(path: path)
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return StoreError.cannotWrite(path: path, message: message)
        default:
            return StoreError.database(path: path, operation: operation,
                                       message: "\(message) (SQLite code \(sqlite.resultCode.rawValue))")
        }
    }
}

private extension SQLValue {
    /// The GRDB value: times as GRDB's own UTC text, so old and new rows compare and sort alike.
    var grdb: DatabaseValue {
        switch self {
        case .null: return .null
        case .integer(let value): return value.databaseValue
        case .real(let value): return value.databaseValue
        case .text(let value): return value.databaseValue
        case .date(let value): return value.databaseValue
        }
    }
}
