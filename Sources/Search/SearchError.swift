import Store

/// Errors about runs and their inputs, each naming the bad input and the fix.
public enum SearchError: Error, CustomStringConvertible, Equatable {
    case unreadableConfig(run: String, reason: String)
    case unreadableGenome(run: String, generation: Int, reason: String)
    case noGenerations(run: String)
    case interruptedBeforeFirstGeneration(run: String)
    case interrupted
    case emptyRunExists(run: String)
    case noTarget
    case unknownModel(String)
    case invalidSeedSource(String, reason: String)
    case notAGenomeSource(path: String)
    case noGenomeInPNG(path: String)
    case unreadable(path: String, reason: String)
    case badGenomeFile(path: String, reason: String)
    case cannotCreateDirectory(path: String, reason: String, option: String)
    /// The folder for a run's record PNGs (`runs/RUN/` beside the database) cannot be made.
    case cannotWriteRecords(path: String, reason: String)
    case libraryNotFound(searched: [String])
    case emptyLibrary(path: String)
    case notAnAtlas(run: String)
    case isAnAtlas(run: String)
    case noConfidenceTarget(run: String, confidence: Float)
    /// Run `run` exists without a committed generation because a live process is creating it.
    case runBeingCreated(run: String, holder: LockHolder)

    public var description: String {
        switch self {
        case let .unreadableConfig(run, reason):
            return "run '\(run)' has a configuration this version cannot read (\(reason)); start a new run with pareidolia evolve"
        case let .unreadableGenome(run, generation, reason):
            return "run '\(run)', generation \(generation): a stored genome cannot be read (\(reason)); the database may be damaged — start a new run, or seed one from another run with --seed-from run:NAME"
        case let .noGenerations(run):
            return "run '\(run)' has no committed generation to resume from; delete it with pareidolia runs --delete \(run), then start it again with pareidolia evolve --run \(run)"
        case let .interruptedBeforeFirstGeneration(run):
            return "stopped before run '\(run)' committed its first generation; nothing was kept (the run was removed), start it again with pareidolia evolve"
        case .interrupted:
            return "interrupted"
        case let .runBeingCreated(run, holder):
            return "run '\(run)' is being created by another pareidolia: \(holder); wait for its first generation, then continue it with pareidolia resume \(run) once that process has stopped, or choose another --run"
        case let .emptyRunExists(run):
            return "run '\(run)' exists but never committed a generation; delete it with pareidolia runs --delete \(run), or choose another --run"
        case .noTarget:
            return "no target: give --class NAME (e.g. --class \"rock crab\") or --opposite NAME; pareidolia classes QUERY lists names"
        case let .unknownModel(name):
            return "unknown model '\(name)': use lite0, lite1 or lite2"
        case let .invalidSeedSource(value, reason):
            return "invalid --seed-from '\(value)': \(reason)"
        case let .notAGenomeSource(path):
            return "'\(path)' is neither a .genome file nor a .png: give a formula file (see genomes/library/) or a PNG written by pareidolia"
        case let .noGenomeInPNG(path):
            return "'\(path)' carries no genome (no 'genome' text chunk): only PNGs written by pareidolia render, evolve or gallery can be re-rendered"
        case let .unreadable(path, reason):
            return "cannot read '\(path)': \(reason)"
        case let .badGenomeFile(path, reason):
            return "\(path): \(reason)"
        case let .cannotCreateDirectory(path, reason, option):
            return "cannot create directory '\(path)': \(reason); make its parent writable or choose another \(option)"
        case let .cannotWriteRecords(path, reason):
            return "cannot create the records folder '\(path)': \(reason); record PNGs go to runs/RUN/ beside the database: make that folder writable, or give --db a database file in a writable directory"
        case let .libraryNotFound(searched):
            return "genome library not found (looked in \(searched.joined(separator: ", "))); run pareidolia from the repository, or pass --library DIR"
        case let .emptyLibrary(path):
            return "no .genome files in '\(path)': add some, or pass --library DIR"
        case let .notAnAtlas(run):
            return "run '\(run)' is an evolve run, not an atlas: continue it with pareidolia resume \(run), or choose another --run for the atlas"
        case let .isAnAtlas(run):
            return "run '\(run)' is an atlas: continue it with pareidolia atlas --run \(run)"
        case let .noConfidenceTarget(run, confidence):
            return "'\(run)' is an atlas, which stops on --generations or --minutes only (each cell has its own confidence): drop --until \(confidence)"
        }
    }
}
