import Foundation
import GRDB

/// The run database: one SQLite file (WAL mode) holding runs, generations, populations and
/// records, written one generation per transaction.
///
/// All methods are synchronous and thread-safe (GRDB serialises them on one connection).
/// File databases use `journal_mode=WAL` with `synchronous=FULL`: once `commitGeneration`
/// returns, the generation survives a crash, SIGKILL or power loss.
public final class RunStore: Sendable {
    /// The database file path, or `":memory:"`.
    public let path: String
    /// How long a write waits for another process's lock before `StoreError.busy`, in seconds.
    public let busyTimeout: Double
    let queue: DatabaseQueue

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// - Parameter busyTimeout: seconds to wait for another process's lock (default 5).
    /// - Throws: `StoreError.directoryMissing`, `.pathIsDirectory`, `.notADatabase`,
    ///   `.foreignDatabase`, `.schemaTooNew` (the file is left untouched), `.busy`,
    ///   `.cannotWrite`.
    public init(path: String, busyTimeout: Double = 5) throws {
        try Self.checkLocation(path)
        var config = Configuration()
        config.journalMode = .wal
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        self.path = path
        self.busyTimeout = busyTimeout
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
        } catch {
            throw Self.translate(error, path: path, busyTimeout: busyTimeout,
                                 operation: "opening the database")
        }
        try perform("opening the database") {
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        }
        try migrate()
    }

    /// Creates an empty database in memory, for tests.
    public static func inMemory() throws -> RunStore {
        try RunStore(memory: ())
    }

    private init(memory: Void) throws {
        var config = Configuration()
        config.foreignKeysEnabled = true
        path = ":memory:"
        busyTimeout = 0
        do {
            queue = try DatabaseQueue(configuration: config)
        } catch {
            throw Self.translate(error, path: path, busyTimeout: 0, operation: "opening memory")
        }
        try migrate()
    }

    /// Identifiers of the schema migrations this build knows, oldest first (`["v1"]`).
    public static var supportedSchema: [String] { Schema.known }

    /// Runs SQLite's consistency checks: true when `PRAGMA integrity_check` answers `ok` and
    /// `PRAGMA foreign_key_check` finds no dangling reference.
    public func integrityCheck() throws -> Bool {
        try read("checking integrity") { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            let danglingKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            return integrity == ["ok"] && danglingKeys.isEmpty
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

    /// Refuses foreign and newer databases, then applies the missing migrations.
    private func migrate() throws {
        try read("checking the schema version") { db in
            let applied = try Schema.migrator.appliedIdentifiers(db)
            let known = Set(Schema.known)
            if applied.isEmpty {
                let tables = try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master
                    WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations'
                    ORDER BY name
                    """)
                if !tables.isEmpty { throw StoreError.foreignDatabase(path: path, tables: tables) }
                return
            }
            guard let first = Schema.known.first, applied.contains(first) else {
                let tables = try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name
                    """)
                throw StoreError.foreignDatabase(path: path, tables: tables)
            }
            let unknown = applied.subtracting(known)
            if !unknown.isEmpty {
                throw StoreError.schemaTooNew(path: path, unknown: unknown.sorted(),
                                              supported: Schema.known)
            }
        }
        try perform("migrating the schema") { try Schema.migrator.migrate(queue) }
    }

    // MARK: Access with error translation

    /// Runs `body` in one IMMEDIATE write transaction: all of it is committed, or none.
    func transaction<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        try perform(operation) {
            try queue.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                guard let result else {
                    throw StoreError.database(path: path, operation: operation,
                                              message: "transaction ended without a result")
                }
                return result
            }
        }
    }

    /// Runs `body` with read-only access to the database.
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        try perform(operation) { try queue.read(body) }
    }

    /// Runs `body`, translating GRDB and SQLite errors into `StoreError`.
    func perform<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw Self.translate(error, path: path, busyTimeout: busyTimeout, operation: operation)
        }
    }

    /// Maps an error from GRDB or SQLite to the `StoreError` a user can act on.
    static func translate(_ error: any Error, path: String, busyTimeout: Double,
                          operation: String) -> any Error {
        if error is StoreError { return error }
        if let decoding = error as? RowDecodingError {
            return StoreError.corruptValue(path: path, detail: String(describing: decoding))
        }
        guard let sqlite = error as? DatabaseError else {
            return StoreError.database(path: path, operation: operation,
                                       message: String(describing: error))
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
