import ArgumentParser
import Foundation
import Search
import Store

/// Options shared by the commands that open the run database.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "Run database (SQLite); its directory must exist.")
    var db = "genomes/pareidolia.sqlite"

    func open() throws -> RunStore { try RunStore(path: db) }

    /// Where a run's record PNGs go: `runs/<run>/` beside the database.
    func recordDirectory(run: String) -> String {
        let dir = (db as NSString).deletingLastPathComponent
        return ((dir.isEmpty ? "." : dir) as NSString).appendingPathComponent("runs/\(run)")
    }
}

/// Options that say when to stop (relative to where the run is now).
struct StopOptions: ParsableArguments {
    @Option(help: "Stop after this many (more) generations.") var generations: Int?
    @Option(help: "Stop once the best confidence reaches this (and the gate, if any, is met).") var until: Float?
    @Option(help: "Stop after this many (more) minutes.") var minutes: Double?

    func validate() throws {
        if let g = generations, g < 0 { throw ValidationError("--generations must be 0 or more, got \(g)") }
        if let u = until, !(u > 0 && u <= 1) { throw ValidationError("--until must be a confidence in (0, 1], got \(u)") }
        if let m = minutes, !(m > 0 && m.isFinite) { throw ValidationError("--minutes must be a positive number, got \(m)") }
    }

    /// The condition asked of a run now at `generation` after `elapsedSeconds`; nil if none given.
    func condition(from generation: Int, elapsedSeconds: Double) -> StopCondition? {
        StopCondition.relative(generations: generations, confidence: until, minutes: minutes,
                               from: generation, elapsedSeconds: elapsedSeconds)
    }
}
