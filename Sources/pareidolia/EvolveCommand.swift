import ArgumentParser
import Foundation
import Net
import Genome
import Scoring
import Search
import Store

struct Evolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Breed formula images toward an ImageNet class; saves every generation.",
        discussion: """
            Every generation is committed to the database as it completes; Ctrl-C stops after the generation in flight, and `pareidolia resume RUN` continues exactly where it stopped. The stop condition is part of the run: a bare `resume` finishes what the run was asked to do. Each new best image is written at once to runs/RUN/ beside the database.
            With no stop option: until 0.99 confidence, for at most 10 minutes. By default the genomes are textured soft shapes on a textured ground (--family layered, 8 ground waves, 2 per shape), scored with a light TV penalty (0.05) on 8 random framings, bred by crossover and mutation with constant polish (--search memetic): the settings the held-out network agreed with most (README, "Figures on a ground, textured").
            Examples:
              pareidolia evolve --class "rock crab" --minutes 10
              pareidolia evolve --class 119 --class "king crab" --until 0.99 --gate 0.05
              pareidolia evolve --class goldfish --opposite "tench" --generations 100 --run fish
              pareidolia evolve --objective "channel(block12, 57)" --minutes 5
              pareidolia evolve --objective "match(photo.png)" --model lite0 --model lite1
              pareidolia evolve --class goldfish --family waves --waves 24 --tv 0.3
              pareidolia evolve --class "king penguin" --start-from cloud.png --generations 20
            Starting from a photo: --start-from PNG seeds the population with the picture as formulas (photo@KEY: the picture sampled at formula coordinates) warped and recoloured; breeding and polish bend it toward the target. The picture (its centred square, at most 512 pixels a side) is stored with the run, so resume never needs the file. Unless --tv is given, such a run has no TV penalty (the photo's own detail would cost more than any shape gains).
            Islands: --run NAME --island K makes this process island K of archipelago NAME (its run is NAME.island-K, seed + K − 1). Every --migrate-every generations it sends its best through the database and takes in the newest best of every other island, which stays only if selection keeps it. Start islands on any machines sharing one PostgreSQL database (or one SQLite file on one machine):
              pareidolia evolve --class "rock crab" --search memetic --run crab --island 1 --db postgresql://me@dbhost/pareidolia
              pareidolia evolve --class "rock crab" --search memetic --run crab --island 2 --db postgresql://me@dbhost/pareidolia
            """)

    @Option(name: .customLong("class"), help: "Target class: name, synonym or index (repeat to merge classes).")
    var classes: [String] = []
    @Option(help: "A class the image must not look like (repeatable).") var opposite: [String] = []
    @Option(parsing: .unconditional, help: ObjectiveOption.help) var objective: String?
    @Option(name: .customLong("run"), help: "Run name (letters, digits, . _ -); default: from the class.")
    var runName: String?
    @Option(parsing: .unconditional, help: "Random seed: the same seed and settings give the same run.") var seed: UInt64 = 1
    @Option(help: "Initial population: random (random genomes of --family), library (genomes/library, topped up with random ones), or run:NAME (another run's population).")
    var seedFrom = "random"
    @Option(help: "Start from a picture: the population begins as warps and recolourings of this PNG (stored with the run).")
    var startFrom: String?
    @OptionGroup var plan: PopulationPlanOptions
    @OptionGroup(title: "Breeding") var mode: SearchModeOption
    @OptionGroup(title: "Stop") var stop: StopOptions
    @OptionGroup(title: "Stop") var until: UntilOption
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Print the plan the run would store (JSON) and exit; nothing is created.") var dryRun = false
    @Option(parsing: .unconditional, help: "Run as island K (from 1) of archipelago --run NAME.") var island: Int?
    @Option(parsing: .unconditional, help: "Generations between an island's migrations.")
    var migrateEvery = IslandSettings.defaultMigrateEvery

    func validate() throws {
        _ = try ObjectiveOption.parse(objective, shorthands: classes + opposite)
        try plan.polish.validate(mode: mode.mode)
        if let runName { try RunStore.validateName(runName) }
        if let island {
            guard let runName else { throw ValidationError("--island needs --run NAME: the islands of an archipelago find each other by its name") }
            guard (1...1000).contains(island) else { throw ValidationError("--island must be 1…1000, got \(island)") }
            let derived = IslandSettings.runName(archipelago: runName, island: island)
            do { try RunStore.validateName(derived) } catch {
                throw ValidationError("island \(island) of --run \(runName) is the run \(derived), and \(error); choose a shorter --run")
            }
        }
        if startFrom != nil, seedFrom != "random" {
            throw ValidationError("--start-from and --seed-from \(seedFrom) both choose the first population; give one of them")
        }
        guard migrateEvery >= 1 else { throw ValidationError("--migrate-every must be at least 1, got \(migrateEvery)") }
    }

    /// The run's settings and seed (an island's is derived), and the target they breed toward.
    func settings(cache: ModelCache, names: ImageNetClasses) throws -> (RunSettings, UInt64, Target) {
        let text = try ObjectiveOption.parse(objective, shorthands: classes + opposite)
        let networks = try Target.networks(given: try plan.scoring.givenModels(), objective: text)
        let target = try ObjectiveOption.target(text, classes: classes, opposites: opposite, networks: networks,
                                                cache: cache, names: names)
        var settings = try plan.settings(target.objective, networks: networks, mode: mode.mode,
                                         stop: stop.condition(from: 0, elapsedSeconds: 0, until: until.until) ?? .default,
                                         seededFrom: startFrom.map { "photo:" + URL(fileURLWithPath: $0).lastPathComponent } ?? seedFrom)
        if startFrom != nil, plan.scoring.tv == nil {
            // A photo's own detail costs more TV than any shape gains: with the default 0.05
            // a gravel start fell to one flat colour in 2 generations (README, "Photo leaves").
            settings.fitness.tvWeight = 0
        }
        var seed = self.seed
        if let island, let archipelago = runName {
            settings.island = IslandSettings(archipelago: archipelago, island: island, migrateEvery: migrateEvery)
            seed = IslandSettings.seed(seed, island: island)
        }
        return (settings, seed, target)
    }

    func run() throws {
        let names = try ImageNetClasses.bundled(), cache = plan.threads.cache()
        let (settings, seed, target) = try settings(cache: cache, names: names)
        if dryRun { return print(try settings.json()) }
        // The picture first: a missing or bad PNG is reported before any database is made.
        let picture = try startFrom.map(RunPictures.read)
        let store = try database.open()
        var seeds = try GenomeFiles.seeds(seedFrom, store: store)
        if let picture {
            var rng = SeededGenerator(seed: seed)
            let limits = try Limits(maxDepth: settings.evolution.maxDepth, maxNodes: settings.evolution.maxNodes)
            seeds = Genome.photoSeeds(picture, count: plan.breeding.population, limits: limits, using: &rng)
        }
        let name = try settings.island.map { IslandSettings.runName(archipelago: $0.archipelago, island: $0.island) }
            ?? runName ?? Self.defaultRunName(target: target.leadName(names: names), store: store)
        var terminal = Terminal()
        terminal.log("run \(name): evolving toward \(target.name) with \(settings.modelName), population \(plan.breeding.population), seed \(seed)")
        var run = try SearchRun.start(store: store, name: name, target: target.name, settings: settings, seed: seed,
                                      seeds: seeds, recordDirectory: database.recordDirectory(run: name), models: cache,
                                      shouldStop: { Interrupt.requested })
        terminal.logSetAside(run.setAsideDirectory, records: database.recordDirectory(run: name))
        try RunReporting.drive(&run, terminal: &terminal)
    }

    /// `rock-crab-1`, `rock-crab-2`, …: the first name not taken.
    static func defaultRunName(target: String, store: RunStore) throws -> String {
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

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Continue a saved run exactly where it stopped.",
        discussion: """
            The run continues with its own settings and random state: k generations, then `resume` for N − k more, give the same result as N generations straight. With no stop option the run finishes what it was asked to do (e.g. the rest of its --generations or --minutes); stop options replace that and count from now.
            Examples:
              pareidolia resume rock-crab-1
              pareidolia resume rock-crab-1 --generations 50
              pareidolia resume rock-crab-1 --until 0.99 --minutes 20
            """)

    @Argument(help: "The run's name (see pareidolia runs).") var name: String
    @OptionGroup(title: "Stop") var stop: StopOptions
    @OptionGroup(title: "Stop") var until: UntilOption
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let store = try database.open()
        var terminal = Terminal()
        let resumed = try RunDriver.resume(store: store, name: name, recordDirectory: database.recordDirectory(run: name),
                                           models: ModelCache()) { lastStep, elapsed in
            stop.condition(from: lastStep, elapsedSeconds: elapsed, until: until.until)
        }
        switch resumed {
        case .atlas(var run):
            terminal.log("atlas \(name): resuming at batch \(run.state.counters.batch), \(run.settings.classes.count) cells")
            try AtlasReporting.drive(&run, terminal: &terminal)
        case .population(var search):
            terminal.log("run \(search.run.name): resuming at generation \(search.state.generation) toward \(search.run.target)")
            try RunReporting.drive(&search, terminal: &terminal)
        }
    }
}
