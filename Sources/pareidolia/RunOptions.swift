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

/// Options that say when to stop (relative to where the run is now).
struct StopOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Stop after this many (more) generations.") var generations: Int?
    @Option(parsing: .unconditional, help: "Stop once the best confidence reaches this (and the gate, if any, is met).") var until: Float?
    @Option(parsing: .unconditional, help: "Stop after this many (more) minutes.") var minutes: Double?

    func validate() throws {
        if let g = generations, !(0...StopOptions.maxGenerations).contains(g) {
            throw ValidationError("--generations must be 0…\(StopOptions.maxGenerations) (each generation is a stored row), got \(g)")
        }
        if let u = until, !(u > 0 && u <= 1) { throw ValidationError("--until must be a confidence in (0, 1], got \(u)") }
        if let m = minutes, !(m > 0 && m.isFinite) { throw ValidationError("--minutes must be a positive number, got \(m)") }
    }

    /// Most generations one command may ask for.
    static let maxGenerations = 10_000_000

    /// The condition asked of a run now at `generation` after `elapsedSeconds`; nil if none given.
    func condition(from generation: Int, elapsedSeconds: Double) -> StopCondition? {
        StopCondition.relative(generations: generations, confidence: until, minutes: minutes,
                               from: generation, elapsedSeconds: elapsedSeconds)
    }
}
