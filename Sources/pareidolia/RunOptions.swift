import ArgumentParser
import Foundation
import Search
import Store
import StorePostgres

/// Options shared by the commands that open the run database.
struct DatabaseOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Run database: an SQLite file (its directory must exist), or postgresql://user@host:port/database to share runs between processes and machines.",
        discussion: "PostgreSQL passwords come from the URL, PGPASSWORD or ~/.pgpass, and are never printed."))
    var db = "genomes/pareidolia.sqlite"

    /// Opens the database to write runs (created if missing).
    func open() throws -> RunStore { try RunStore.open(location: db) }

    /// Opens the database only to read it: never writes, works on read-only files.
    func openForReading() throws -> RunStore { try RunStore.open(location: db, readOnly: true) }

    /// Where a run's record PNGs go: `runs/<run>/` beside an SQLite database; under
    /// `genomes/runs/<run>/` on this machine for a PostgreSQL one.
    func recordDirectory(run: String) -> String {
        let dir = PostgresURL.isPostgres(db) ? "genomes" : (db as NSString).deletingLastPathComponent
        return ((dir.isEmpty ? "." : dir) as NSString).appendingPathComponent("runs/\(run)")
    }
}

/// When to stop, the same words for every kind of run (relative to where the run is now): an
/// atlas's generation is one batch.
struct StopOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Stop after this many (more) generations (an atlas: batches).") var generations: Int?
    @Option(parsing: .unconditional, help: "Stop after this many (more) minutes.") var minutes: Double?

    func validate() throws {
        if let g = generations, !(0...StopOptions.maxGenerations).contains(g) {
            throw ValidationError("--generations must be 0…\(StopOptions.maxGenerations) (each generation is a stored row), got \(g)")
        }
        if let m = minutes, !(m > 0 && m.isFinite) { throw ValidationError("--minutes must be a positive number, got \(m)") }
    }

    /// Most generations one command may ask for.
    static let maxGenerations = 10_000_000

    /// The condition asked of a run now at `generation` after `elapsedSeconds` (with `until`, a
    /// confidence to reach); nil if none given.
    func condition(from generation: Int, elapsedSeconds: Double, until: Float? = nil) -> StopCondition? {
        StopCondition.relative(generations: generations, confidence: until, minutes: minutes,
                               from: generation, elapsedSeconds: elapsedSeconds)
    }
}

/// `--until`: a population's confidence target (an atlas has one per cell, and stops on time or
/// batches only).
struct UntilOption: ParsableArguments {
    @Option(parsing: .unconditional, help: "Stop once the best confidence reaches this (and the gate, if any, is met).") var until: Float?

    func validate() throws {
        if let u = until, !(u > 0 && u <= 1) { throw ValidationError("--until must be a confidence in (0, 1], got \(u)") }
    }
}

/// `--threads`, for the commands that render and classify. A run stores its count in its plan
/// (the last bits of a score depend on it) and a resume uses the stored one.
struct ThreadsOption: ParsableArguments {
    @Option(parsing: .unconditional, help: "Threads for rendering and the classifiers (default: every core, \(ModelCache.defaultThreads) here). A run keeps its count: the last digits of its scores depend on it.")
    var threads: Int?

    func validate() throws {
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be 1…256, got \(threads)") }
    }

    /// The count in force: as given, else every core.
    var count: Int { threads ?? ModelCache.defaultThreads }

    /// The classifiers, loaded on first use, with these threads.
    func cache() -> ModelCache { ModelCache(threads: count) }
}
