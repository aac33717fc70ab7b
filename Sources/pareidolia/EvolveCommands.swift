import ArgumentParser
import Evolution
import Foundation
import Genome
import Net
import Scoring
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

/// Options that say when to stop.
struct StopOptions: ParsableArguments {
    @Option(help: "Stop after this many (more) generations.") var generations: Int?
    @Option(help: "Stop once the best confidence reaches this (and the gate, if any, is met).") var until: Float?
    @Option(help: "Stop after this many minutes.") var minutes: Double?

    func validate() throws {
        if let g = generations, g < 0 { throw ValidationError("--generations must be 0 or more, got \(g)") }
        if let u = until, !(u > 0 && u <= 1) { throw ValidationError("--until must be a confidence in (0, 1], got \(u)") }
        if let m = minutes, !(m > 0) { throw ValidationError("--minutes must be positive, got \(m)") }
    }

    /// The condition; with nothing given: until 0.99, for at most 10 minutes.
    var condition: StopCondition {
        if generations == nil && until == nil && minutes == nil {
            return StopCondition(generations: nil, confidence: 0.99, minutes: 10)
        }
        return StopCondition(generations: generations, confidence: until, minutes: minutes)
    }
}

struct Evolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Breed formula images toward an ImageNet class; saves every generation.",
        discussion: """
            Every generation is committed to the database as it completes; Ctrl-C stops after the generation in flight, and `pareidolia resume RUN` continues exactly where it stopped. Each new best image is written at once to runs/RUN/ beside the database.
            Examples:
              pareidolia evolve --class "rock crab" --minutes 10
              pareidolia evolve --class 119 --class "king crab" --until 0.99 --gate 0.05
              pareidolia evolve --class goldfish --opposite "tench" --generations 100 --run fish
            """)

    @Option(name: .customLong("class"), help: "Target class: name, synonym or index (repeat to merge classes).")
    var classes: [String] = []
    @Option(help: "A class the image must not look like (repeatable).") var opposite: [String] = []
    @Option(name: .customLong("run"), help: "Run name (letters, digits, . _ -); default: from the class.")
    var runName: String?
    @Option(help: "Random seed: the same seed and settings give the same run.") var seed: UInt64 = 1
    @Option(help: "Weight λ of the total-variation penalty.") var tv: Float = 0.3
    @Option(help: "Naturalness gate: largest TV-denoise distance (Chambolle, weight 0.2) allowed, e.g. 0.05.")
    var gate: Float?
    @Option(help: "Classifier: lite0, lite1 or lite2.") var model = "lite0"
    @Option(help: "Robustness: average the score over this many views (shifted, slightly zoomed renders).")
    var robust = 1
    @Option(help: "Initial population: random (random genomes: --wave-share of them wave sums, the rest trees), library (genomes/library, topped up with random ones), or run:NAME (another run's population).")
    var seedFrom = "random"
    @OptionGroup(title: "Search") var search: SearchOptions
    @OptionGroup(title: "Polish") var polish: RunPolishOptions
    @OptionGroup var stop: StopOptions
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard tv >= 0, tv.isFinite else { throw ValidationError("--tv must be 0 or more, got \(tv)") }
        if let g = gate, !(g > 0) { throw ValidationError("--gate must be positive, got \(g)") }
        guard (1...16).contains(robust) else { throw ValidationError("--robust must be 1…16, got \(robust)") }
    }

    func run() throws {
        let resolver = try ClassResolver()
        guard !classes.isEmpty || !opposite.isEmpty else { throw RunError.noTarget }
        let positive = try classes.map(resolver.index)
        let negative = try opposite.map(resolver.index)
        var objective: Objective? = positive.isEmpty ? nil : .classes(positive)
        for n in negative { objective = objective.map { $0 + .opposite(n) } ?? .opposite(n) }
        guard let objective else { throw RunError.noTarget }
        let target = (positive.map(resolver.shortName) + negative.map { "not " + resolver.shortName($0) })
            .joined(separator: " + ")

        var settings = EvolveSettings(evolution: search.config,
                                      fitness: FitnessFunction(objective: objective, tvWeight: tv, gate: gate),
                                      model: model.lowercased(), views: robust, seededFrom: seedFrom)
        polish.apply(to: &settings)
        let net = try loadModel(model)
        let store = try database.open()
        let seeds = try seedGenomes(seedFrom, store: store)
        let name = try runName ?? defaultRunName(target: positive.first.map(resolver.shortName) ?? target, store: store)
        let newRun = try store.createRun(NewRun(name: name, target: target, config: try settings.json(),
                                                model: settings.model, seed: seed))
        var terminal = Terminal()
        terminal.log("run \(name): evolving toward \(target) with \(model), population \(search.population), seed \(seed)")

        var (loop, state, evaluator) = try RunLoop.start(store: store, run: newRun, settings: settings, net: net,
                                                         seeds: seeds, recordDirectory: database.recordDirectory(run: name))
        let ending = try loop.run(&state, evaluator: &evaluator, stop: stop.condition, terminal: &terminal)
        try finish(ending, store: store, run: newRun, state: state, terminal: &terminal)
    }

    /// `rock-crab-1`, `rock-crab-2`, …: the first name not taken.
    func defaultRunName(target: String, store: RunStore) throws -> String {
        let slug = target.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
            .reduce(into: "") { s, c in if !(c == "-" && s.last == "-") { s.append(c) } }
            .trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        let base = String(slug.prefix(40)).isEmpty ? "run" : String(slug.prefix(40))
        let taken = Set(try store.runs().map(\.name))
        var i = 1
        while taken.contains("\(base)-\(i)") { i += 1 }
        return "\(base)-\(i)"
    }
}

/// Gradient polish during evolution.
enum EvolvePolish: String, ExpressibleByArgument, CaseIterable { case none, constants }

/// Marks the run's status and tells the user what happened and what to do next.
func finish(_ ending: RunLoop.Ending, store: RunStore, run: Run, state: EvolutionState,
            terminal: inout Terminal) throws {
    terminal.endLiveLine()
    let best = state.best.evaluation
    let summary = String(format: "best confidence %.2f%%, naturalness %.4f after %d generations (%d evaluations)",
                         best.confidence * 100, best.naturalness, state.generation, state.evaluations)
    switch ending {
    case .interrupted:
        try store.setStatus(.paused, run: run.id)
        terminal.log("stopped: \(summary). Resume with: pareidolia resume \(run.name)")
    case .reachedConfidence:
        try store.setStatus(.finished, run: run.id)
        terminal.log("target reached: \(summary)")
    case .reachedGenerations, .outOfTime:
        try store.setStatus(.paused, run: run.id)
        terminal.log("\(summary). Continue with: pareidolia resume \(run.name)")
    }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Continue a saved run exactly where it stopped.",
        discussion: """
            The run continues with its own settings and random state: k generations, then `resume` for N − k more, give the same result as N generations straight.
            Examples:
              pareidolia resume rock-crab-1 --generations 50
              pareidolia resume rock-crab-1 --until 0.99 --minutes 20
            """)

    @Argument(help: "The run's name (see pareidolia runs).") var name: String
    @OptionGroup var stop: StopOptions
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.open()
        let run = try store.run(named: name)
        let settings = try EvolveSettings.decode(run.config, run: run.name)
        guard let snapshot = try store.lastGeneration(run: run.id) else { throw RunError.noGenerations(run: run.name) }
        let counters: EvolutionState.Counters
        do { counters = try JSONDecoder().decode(EvolutionState.Counters.self, from: Data(snapshot.rngState.utf8)) } catch {
            throw RunError.unreadableConfig(run: run.name, reason: "generation state: \(error)")
        }
        let net = try loadModel(settings.model)
        var evaluator = try GenomeEvaluator(net: net, settings: settings)
        // Phenotypes are derived data: re-render to restore them exactly.
        let population = try snapshot.population.map { row -> Evolution.Individual in
            let genome = try Genome(parsing: row.genome)
            let phenotype = Phenotype.hash(try evaluator.image(of: genome))
            return Evolution.Individual(genome: genome, evaluation: Evaluation(
                fitness: row.fitness, confidence: row.confidence, naturalness: row.naturalness, phenotype: phenotype))
        }
        var state = EvolutionState(counters: counters, population: population)
        try store.setStatus(.running, run: run.id)
        var terminal = Terminal()
        terminal.log("run \(run.name): resuming at generation \(state.generation) toward \(run.target)")
        let evolver = Evolver(config: settings.evolution)
        var loop = RunLoop(store: store, run: run, settings: settings, evolver: evolver,
                           recordDirectory: database.recordDirectory(run: run.name),
                           elapsedBefore: snapshot.stats.elapsedSeconds)
        let ending = try loop.run(&state, evaluator: &evaluator, stop: stop.condition, terminal: &terminal)
        try finish(ending, store: store, run: run, state: state, terminal: &terminal)
    }
}

/// Seed genomes per `--seed-from`: `random` (none: the population is all random genomes),
/// `library` (genomes/library), or `run:NAME` (that run's last population in `store`).
func seedGenomes(_ seedFrom: String, store: RunStore?) throws -> [Genome] {
    switch seedFrom {
    case "library": return try GenomeFiles.library().map(\.genome)
    case "random", "none": return []
    case let s where s.hasPrefix("run:"):
        guard let store else {
            throw CLIError.invalidValue(option: "--seed-from", value: seedFrom,
                                        expected: "random or library (a benchmark has no database to take a run from)")
        }
        let other = try store.run(named: String(s.dropFirst(4)))
        guard let snapshot = try store.lastGeneration(run: other.id) else {
            throw RunError.noGenerations(run: other.name)
        }
        return try snapshot.population.map { try Genome(parsing: $0.genome) }
    default:
        throw CLIError.invalidValue(option: "--seed-from", value: seedFrom, expected: "random, library or run:NAME")
    }
}
