import Foundation

/// The run database: runs, generations, populations, records, atlas elites and run leases,
/// written one generation (or atlas batch) per transaction.
///
/// The logic lives here once; where the rows live is the backend's business: one SQLite file
/// (`init(path:)`, the embedded default) or a PostgreSQL database that processes on many
/// machines share (`RunStore(backend:)` with the `StorePostgres` module). Both keep the same
/// tables under the same ordered migrations (`Schema.known`).
///
/// All methods are synchronous and thread-safe (the backend serialises them on one
/// connection). Once `commitGeneration` or `commitBatch` returns, what it wrote is durable.
public final class RunStore: Sendable {
    /// The database as shown in messages: the SQLite file path (or `":memory:"`), or a
    /// PostgreSQL URL without its password.
    public let path: String
    /// How long a write waits for another process's lock before `StoreError.busy`, in seconds
    /// (SQLite; PostgreSQL writers queue on row locks).
    public let busyTimeout: Double
    /// Whether the store was opened read-only (every write throws `StoreError.readOnly`).
    public let readOnly: Bool
    /// Whether the schema has the `run_locks` table (false for a read-only v1 database).
    let hasLocks: Bool
    /// Whether the schema has run kinds and the `elites` table (false for a read-only
    /// database older than v4).
    let hasAtlases: Bool
    /// Whether the schema has atlas workers and island migrants (false for a read-only
    /// database older than v5).
    let hasWorkers: Bool
    /// Identifies this store's leases in `run_locks` (one random token per `RunStore`).
    let token: String
    let backend: any SQLBackend

    /// Opens the SQLite database at `path`: for writing (creating it if needed, and bringing
    /// its schema up to date) or read-only.
    ///
    /// - Parameters:
    ///   - busyTimeout: seconds to wait for another process's lock (default 5).
    ///   - readOnly: open without ever writing (for `runs`, `show`, `gallery`): works on a
    ///     file without write permission, and leaves the file as it is.
    /// - Throws: `StoreError.directoryMissing`, `.pathIsDirectory`, `.notADatabase`,
    ///   `.foreignDatabase`, `.schemaTooNew` (the file is left untouched), `.busy`,
    ///   `.cannotWrite`; read-only: `.databaseMissing` for a missing or empty file.
    public convenience init(path: String, busyTimeout: Double = 5, readOnly: Bool = false) throws {
        try self.init(backend: SQLiteBackend(path: path, busyTimeout: busyTimeout, readOnly: readOnly),
                      busyTimeout: busyTimeout)
    }

    /// A store over an opened (and, unless read-only, migrated) backend.
    public init(backend: any SQLBackend, busyTimeout: Double = 5) {
        self.backend = backend
        path = backend.location
        readOnly = backend.readOnly
        self.busyTimeout = busyTimeout
        token = UUID().uuidString
        hasLocks = backend.appliedSchema.contains("v2")
        hasAtlases = backend.appliedSchema.contains("v4")
        hasWorkers = backend.appliedSchema.contains("v5")
    }

    /// Gives back the leases this store still holds (best effort: a lease left behind by a
    /// crash is taken over once its process is gone). A store that holds none writes nothing.
    deinit {
        guard !readOnly, hasLocks, (try? holdsLeases()) == true else { return }
        try? releaseAllLocks()
    }

    /// Creates an empty SQLite database in memory, for tests.
    public static func inMemory() throws -> RunStore {
        RunStore(backend: try SQLiteBackend(memory: ()), busyTimeout: 0)
    }

    /// Identifiers of the schema migrations this build knows, oldest first (`["v1", "v2", …]`).
    public static var supportedSchema: [String] { Schema.known }

    /// Runs the database's consistency checks (SQLite: `PRAGMA integrity_check` answers `ok`
    /// and `PRAGMA foreign_key_check` finds no dangling reference).
    public func integrityCheck() throws -> Bool {
        try backend.integrityCheck()
    }

    // MARK: Access

    /// Runs `body` in one write transaction: all of it is committed, or none.
    @discardableResult
    func transaction<T>(_ operation: String, _ body: (any SQLConnection) throws -> T) throws -> T {
        if readOnly { throw StoreError.readOnly(path: path, operation: operation) }
        return try backend.write(operation, body)
    }

    /// Runs `body` with read-only access to the database.
    func read<T>(_ operation: String, _ body: (any SQLConnection) throws -> T) throws -> T {
        try backend.read(operation, body)
    }

    /// Runs `body`, turning the database's constraint violation into `refusal(message)`.
    @discardableResult
    func refusingConstraints<T>(_ refusal: (String) -> StoreError, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            if let message = backend.constraintViolation(error) { throw refusal(message) }
            throw error
        }
    }
}
