/// Every failure of the run database a user can cause; each names the input and the fix.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    /// The database file's directory does not exist.
    case directoryMissing(path: String, directory: String)
    /// The database path names a directory, not a file.
    case pathIsDirectory(path: String)
    /// The file exists but is not an SQLite database.
    case notADatabase(path: String)
    /// The file is an SQLite database written by some other program.
    case foreignDatabase(path: String, tables: [String])
    /// The database was migrated by a newer Pareidolia: it lists migrations this build lacks.
    case schemaTooNew(path: String, unknown: [String], supported: [String])
    /// Another process kept the database locked for longer than the busy timeout.
    case busy(path: String, seconds: Double)
    /// The file cannot be opened or written (permissions, read-only file system).
    case cannotWrite(path: String, message: String)
    /// The disk is full.
    case diskFull(path: String)
    /// Any other SQLite failure; carries SQLite's message and what was being done.
    case database(path: String, operation: String, message: String)
    /// A stored value cannot be read back (hand-edited or damaged database).
    case corruptValue(path: String, detail: String)
    /// A stored genome cannot be parsed; `position` is the individual's (nil for a record).
    /// The store keeps genomes as text; the caller that parses them throws this.
    case damagedGenome(path: String, run: String, generation: Int, position: Int?, reason: String)
    /// A write was asked of a store opened read-only.
    case readOnly(path: String, operation: String)
    /// A read-only open found no database (the file is missing or empty).
    case databaseMissing(path: String)

    /// A `--db postgresql://…` URL that cannot be used.
    case invalidDatabaseURL(url: String, reason: String)
    /// The PostgreSQL server did not answer at `host:port`.
    case serverUnreachable(host: String, port: Int, message: String)
    /// The PostgreSQL server refused the user, or the database does not exist.
    case serverRefused(url: String, message: String, fix: String)
    /// The connection to the PostgreSQL server at `host:port` was lost (or stopped answering)
    /// while `operation` was under way; what was committed before is safe.
    case connectionLost(host: String, port: Int, message: String, operation: String)

    /// Another live process holds the run's write lease.
    case runLocked(run: String, holder: LockHolder)
    /// Live worker processes share the atlas, so one process cannot take it alone.
    case sharedByWorkers(run: String, workers: Int)
    /// This store's lease on the run was released or taken over; `holder` is the new one.
    case lockLost(run: String, holder: LockHolder?)

    /// A run with this name already exists.
    case runExists(name: String)
    /// No run has this name; `existing` lists the stored names, closest first.
    case runNotFound(name: String, existing: [String])
    /// No run has this id (a stale id held by the caller).
    case runIDNotFound(id: Int64)
    /// The run name cannot be used (it also names the gallery directory).
    case invalidRunName(name: String, reason: String)
    /// The run configuration is not JSON text.
    case invalidConfig(run: String, message: String)

    /// A generation was committed with an index other than the run's next one.
    case generationOutOfOrder(run: String, expected: Int, got: Int)
    /// A commit carried no individuals.
    case emptyPopulation(run: String, generation: Int)
    /// A generation's statistics are invalid (negative counts or times).
    case invalidStats(run: String, generation: Int, reason: String)
    /// A population entry is invalid; nothing of its generation was written.
    case invalidIndividual(run: String, generation: Int, position: Int, reason: String)
    /// A record is invalid (empty genome, negative counts, unknown generation).
    case invalidRecord(run: String, generation: Int, reason: String)
    /// No record has this id.
    case recordNotFound(id: Int64)

    /// Whether `path` names a PostgreSQL database (its messages suggest other fixes).
    static func isServer(_ path: String) -> Bool { path.hasPrefix("postgresql://") }

    public var description: String {
        switch self {
        case let .directoryMissing(path, directory):
            return "cannot create database '\(path)': directory '\(directory)' does not exist; "
                + "create it with `mkdir -p '\(directory)'` or choose another file with --db"
        case let .pathIsDirectory(path):
            return "database path '\(path)' is a directory; give a file name such as "
                + "'\(path)/pareidolia.sqlite' with --db"
        case let .notADatabase(path):
            return "'\(path)' is not an SQLite database (wrong header or encrypted); "
                + "choose another file with --db, or move this one aside"
        case let .foreignDatabase(path, tables):
            return "'\(path)' is \(Self.isServer(path) ? "a PostgreSQL database" : "an SQLite database") "
                + "of another program (tables: \(tables.joined(separator: ", "))); Pareidolia will not modify it: "
                + (Self.isServer(path) ? "create an empty database for it with `createdb`" : "choose another file")
                + " and give it with --db"
        case let .schemaTooNew(path, unknown, supported):
            return "'\(path)' was written by a newer Pareidolia (found schema migrations "
                + "\(unknown.joined(separator: ", ")); this program supports "
                + "\(supported.joined(separator: ", "))); upgrade pareidolia, or choose another "
                + "file with --db. The database was not modified"
        case let .busy(path, seconds):
            return "'\(path)' stayed locked by another process for \(seconds) s; wait for the "
                + "other pareidolia to finish, or use another file with --db"
        case let .cannotWrite(path, message):
            return "cannot open or write '\(path)': \(message); check the file's and its "
                + "directory's permissions, or choose another file with --db"
        case let .diskFull(path):
            return "disk full while writing '\(path)'; free some space and run the command "
                + "again (committed generations are intact)"
        case let .database(path, operation, message):
            return "database error in '\(path)' while \(operation): \(message); "
                + (Self.isServer(path) ? "see the PostgreSQL server's log"
                    : "run `sqlite3 '\(path)' 'PRAGMA integrity_check'` to check the file")
        case let .corruptValue(path, detail):
            return "cannot read a stored value in '\(path)': \(detail); the database "
                + "was edited or damaged: restore it or start a new one with --db"
        case let .damagedGenome(path, run, generation, position, reason):
            let who = position.map { "individual \($0)" } ?? "a record"
            return "run '\(run)' generation \(generation) \(who) in '\(path)' has a genome that cannot "
                + "be read (\(reason)); the database was edited or damaged: restore it from a backup, "
                + "or start a new run"
        case let .readOnly(path, operation):
            return "cannot write '\(path)' while \(operation): the database was opened read-only; "
                + "use a command that changes runs (evolve, resume, polish) for that"
        case let .databaseMissing(path) where Self.isServer(path):
            return "no Pareidolia runs in '\(path)' yet (it has no Pareidolia tables); runs are stored by "
                + "`pareidolia evolve --db \(path)` or `pareidolia atlas --db \(path)`"
        case let .databaseMissing(path):
            return "no Pareidolia database at '\(path)' (the file is missing or empty); runs are "
                + "stored by `pareidolia evolve`; give the right file with --db"
        case let .invalidDatabaseURL(url, reason):
            return "cannot use database URL '\(url)': \(reason); write it as "
                + "postgresql://user@host:5432/database (password from PGPASSWORD or ~/.pgpass)"
        case let .serverUnreachable(host, port, message):
            return "cannot connect to PostgreSQL at \(host):\(port) (\(message)); start the server or "
                + "correct host and port in --db"
        case let .serverRefused(url, message, fix):
            return "PostgreSQL at \(url) refused: \(message); \(fix)"
        case let .connectionLost(host, port, message, operation):
            return "lost the connection to PostgreSQL at \(host):\(port) (\(message)) while \(operation); "
                + "everything committed before is safe: start the server again, then continue with "
                + "pareidolia resume RUN (or the same atlas --worker command)"
        case let .runLocked(run, holder):
            return "run '\(run)' is being written by another pareidolia: \(holder); wait for it to "
                + "finish or stop it (kill \(holder.pid) on '\(holder.host)'); a lease whose process "
                + "has died is taken over automatically"
        case let .sharedByWorkers(run, workers):
            return "atlas '\(run)' is shared by \(workers) live worker process(es); add another with "
                + "`pareidolia atlas --worker --run \(run)`, or wait for them to stop before continuing it alone"
        case let .lockLost(run, holder):
            let now = holder.map { "it is now held by \($0)" } ?? "nobody holds it now"
            return "this process no longer holds the write lease of run '\(run)' (\(now)); stop "
                + "writing it, and resume it once the other writer is done"
        case let .runExists(name):
            return "a run named '\(name)' already exists; choose another name with --run "
                + "(e.g. '\(name)-2'), or continue it with `pareidolia resume \(name)`"
        case let .runNotFound(name, existing):
            guard let closest = existing.first else {
                return "no run named '\(name)': the database has no runs yet; "
                    + "start one with `pareidolia evolve --run \(name)`"
            }
            let list = existing.prefix(10).joined(separator: ", ")
            let more = existing.count > 10 ? ", … (\(existing.count) runs)" : ""
            return "no run named '\(name)'; did you mean '\(closest)'? Known runs: "
                + "\(list)\(more) (see `pareidolia runs`)"
        case let .runIDNotFound(id):
            return "no run with id \(id) (it may have been deleted); list runs with "
                + "`pareidolia runs`"
        case let .invalidRunName(name, reason):
            return "invalid run name '\(name)': \(reason); use 1–64 letters, digits, '.', '_' "
                + "or '-', not starting with '.'"
        case let .invalidConfig(run, message):
            return "configuration of run '\(run)' is not valid JSON (\(message)); "
                + "encode the configuration with JSONEncoder"
        case let .generationOutOfOrder(run, expected, got):
            return "run '\(run)' cannot commit generation \(got): the next generation is "
                + "\(expected); resume from the last committed generation instead"
        case let .emptyPopulation(run, generation):
            return "run '\(run)' generation \(generation) has an empty population; "
                + "commit at least one individual"
        case let .invalidStats(run, generation, reason):
            return "run '\(run)' generation \(generation) statistics: \(reason); "
                + "nothing of generation \(generation) was written"
        case let .invalidIndividual(run, generation, position, reason):
            return "run '\(run)' generation \(generation) individual \(position): \(reason); "
                + "nothing of generation \(generation) was written"
        case let .invalidRecord(run, generation, reason):
            return "run '\(run)' record at generation \(generation): \(reason); "
                + "nothing was written"
        case let .recordNotFound(id):
            return "no record with id \(id) (it may have been deleted with its run); "
                + "re-read the run's records"
        }
    }
}
