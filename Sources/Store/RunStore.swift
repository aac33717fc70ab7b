import Foundation
import GRDB

/// The run database: one SQLite file (WAL mode) holding runs, generations, populations,
/// records and run leases, written one generation per transaction.
///
/// All methods are synchronous and thread-safe (GRDB serialises them on one connection).
/// File databases use `journal_mode=WAL` with `synchronous=FULL`: once `commitGeneration`
/// returns, the generation survives a crash, SIGKILL or power loss.
///
/// Opening never writes to a file that is not a Pareidolia database of a schema this build
/// knows: the schema is checked through a read-only connection first, and only then is the
/// file switched to WAL and migrated. A read-only store (`readOnly: true`) never writes.
public final class RunStore: Sendable {
    /// The database file path, or `":memory:"`.
    public let path: String
    /// How long a write waits for another process's lock before `StoreError.busy`, in seconds.
    public let busyTimeout: Double
    /// Whether the store was opened read-only (every write throws `StoreError.readOnly`).
    public let readOnly: Bool
    /// Whether the schema has the `run_locks` table (false for a read-only v1 database).
    let hasLocks: Bool
    /// Whether the schema has run kinds and the `elites` table (false for a read-only
    /// database older than v4).
    let hasAtlases: Bool
    /// Identifies this store's leases in `run_locks` (one random token per `RunStore`).
    let token: String
    let queue: DatabaseQueue

    /// Opens the database at `path`: for writing (creating it if needed, and bringing its
    /// schema up to date) or read-only.
    ///
    /// - Parameters:
    ///   - busyTimeout: seconds to wait for another process's lock (default 5).
    ///   - readOnly: open without ever writing (for `runs`, `show`, `gallery`): works on a
    ///     file without write permission, and leaves the file as it is.
    /// - Throws: `StoreError.directoryMissing`, `.pathIsDirectory`, `.notADatabase`,
    ///   `.foreignDatabase`, `.schemaTooNew` (the file is left untouched), `.busy`,
    ///   `.cannotWrite`; read-only: `.databaseMissing` for a missing or empty file.
    public init(path: String, busyTimeout: Double = 5, readOnly: Bool = false) throws {
        try Self.checkLocation(path)
        self.path = path
        self.busyTimeout = busyTimeout
        self.readOnly = readOnly
        self.token = UUID().uuidString
        let exists = Self.isNonEmptyFile(path)
        if readOnly {
            guard exists else { throw StoreError.databaseMissing(path: path) }
            queue = try Self.open(path, busyTimeout: busyTimeout, readOnly: true)
            let applied = try Self.checkSchema(queue, path: path, busyTimeout: busyTimeout)
            guard !applied.isEmpty else { throw StoreError.databaseMissing(path: path) }
            hasLocks = applied.contains("v2")
            hasAtlases = applied.contains("v4")
            return
        }
        if exists {
            // Judge the file through a connection that cannot write before opening one that can.
            let probe = try Self.open(path, busyTimeout: busyTimeout, readOnly: true)
            _ = try Self.checkSchema(probe, path: path, busyTimeout: busyTimeout)
            try? probe.close()
        }
        queue = try Self.open(path, busyTimeout: busyTimeout, readOnly: false)
        hasLocks = true
        hasAtlases = true
        try perform("opening the database") {
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
        }
        try migrate()
    }

    /// Gives back the leases this store still holds (best effort: a lease left behind by a
    /// crash is taken over once its process is gone). A store that holds none writes nothing,
    /// so a store whose opening failed never touches the file here.
    deinit {
        guard !readOnly, hasLocks, (try? holdsLeases()) == true else { return }
        try? releaseAllLocks()
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
        readOnly = false
        hasLocks = true
        hasAtlases = true
        token = UUID().uuidString
        do {
            queue = try DatabaseQueue(configuration: config)
        } catch {
            throw Self.translate(error, path: path, busyTimeout: 0, operation: "opening memory")
        }
        try migrate()
    }

    /// Identifiers of the schema migrations this build knows, oldest first (`["v1", "v2"]`).
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

    /// Refuses a foreign database and one migrated by a newer build, reading only; returns
    /// the applied migrations (empty for a new, empty database).
    private static func checkSchema(_ queue: DatabaseQueue, path: String, busyTimeout: Double) throws -> Set<String> {
        do {
            return try queue.read { db in
                let applied = try Schema.migrator.appliedIdentifiers(db)
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
                    let tables = try String.fetchAll(db, sql: """
                        SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name
                        """)
                    throw StoreError.foreignDatabase(path: path, tables: tables)
                }
                let unknown = applied.subtracting(Schema.known)
                if !unknown.isEmpty {
                    throw StoreError.schemaTooNew(path: path, unknown: unknown.sorted(),
                                                  supported: Schema.known)
                }
                return applied
            }
        } catch {
            throw translate(error, path: path, busyTimeout: busyTimeout, operation: "checking the schema version")
        }
    }

    /// Checks the schema again (another process may have changed it since the read-only
    /// check), then applies the missing migrations.
    private func migrate() throws {
        _ = try Self.checkSchema(queue, path: path, busyTimeout: busyTimeout)
        try perform("migrating the schema") { try Schema.migrator.migrate(queue) }
    }

    // MARK: Access with error translation

    /// Runs `body` in one IMMEDIATE write transaction: all of it is committed, or none.
    func transaction<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        if readOnly { throw StoreError.readOnly(path: path, operation: operation) }
        return try perform(operation) {
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
