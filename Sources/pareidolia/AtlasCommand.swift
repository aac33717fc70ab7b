import ArgumentParser
import Foundation
import Net
import Scoring
import Search
import Store

struct Atlas: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Breed one image per class at once (MAP-Elites): every child is offered to every class.",
        discussion: """
            An atlas keeps one elite per class (cell). Each batch breeds --population children from elites (uniform over filled cells, half of them from cells improved in the last --recent-batches batches), classifies each child once over the atlas's random framings, and offers it to every cell: it replaces an elite only where it scores higher (its class's mean log-probability minus the TV penalty; on a tie, the more natural image). Every --polish-every batches one elite's constants are polished toward its class (cells near 99 % first). Each batch is one transaction: Ctrl-C or a crash loses at most the batch in flight, and `pareidolia atlas --run NAME` (or `pareidolia resume NAME`) continues exactly.
            Coverage in the progress line is the atlas's own confidence; `pareidolia bench atlas` and the gallery's atlas page judge the elites the robust way (unseen framings, a held-out network).
            Examples:
              pareidolia atlas --classes all --minutes 30
              pareidolia atlas --classes "tabby cat" --classes goldfish --classes "rock crab" --minutes 5
              pareidolia atlas --classes @dogs.txt --run dogs --minutes 60
              pareidolia atlas --run dogs --minutes 30
            Workers: any number of processes, on any number of machines, can share one atlas in one PostgreSQL database (or, on one machine, one SQLite file). Each pulls the archive before every batch and offers its children in one transaction; an elite is only ever replaced by a better one, so workers lose nothing of each other's and a killed worker loses at most its batch in flight. The first worker creates the atlas with its options; later ones take the atlas's settings. --minutes/--batches count for each worker from when it joins.
              pareidolia atlas --worker --run big --classes all --minutes 600 --db postgresql://me@dbhost/pareidolia
            """)

    @Option(help: "The cells: all (the 1000 classes), @FILE (one class name or index per line), or a class name or index; repeatable. Default for a new atlas: all.")
    var classes: [String] = []
    @Option(name: .customLong("run"), help: "Atlas name; an existing atlas of that name is continued. Default: atlas-N.")
    var runName: String?
    @Option(parsing: .unconditional, help: "Random seed: the same seed and settings give the same atlas.") var seed: UInt64 = 1
    @Flag(help: "Join atlas --run as one of several worker processes sharing it (creating it if needed).")
    var worker = false
    @OptionGroup var plan: AtlasPlanOptions
    @OptionGroup(title: "Stop") var stop: StopOptions
    @Flag(help: "Print the plan the atlas would store (JSON) and exit; nothing is created.") var dryRun = false
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if worker, runName == nil {
            throw ValidationError("--worker needs --run NAME: the workers of an atlas find each other by its name")
        }
        if let runName { try RunStore.validateName(runName) }
        if let g = stop.generations, g < 1 { throw ValidationError("--generations must be at least 1 for an atlas, got \(g)") }
    }

    func run() throws {
        let names = try ImageNetClasses.bundled()
        // Resolved before the database is opened: a misspelt class creates nothing.
        let given = classes.isEmpty ? nil : try AtlasClasses.parse(classes, names: names)
        if dryRun {
            print(try settings(cells: given ?? AtlasClasses.parse(["all"], names: names)).json())
            return
        }
        let store = try database.open()
        let cache = plan.threads.cache()
        var terminal = Terminal()
        if worker, let name = runName {
            var run = try AtlasRun.join(store: store, name: name, settings: try settings(cells: given ?? AtlasClasses.parse(["all"], names: names)),
                                        seed: seed, stop: stop.condition(from: 0, elapsedSeconds: 0) ?? StopCondition(minutes: 10),
                                        models: cache)
            if let given, given != run.settings.classes {
                terminal.log("note: atlas \(name) keeps its \(run.settings.classes.count) cells; --classes was not used")
            }
            terminal.log("atlas \(name): worker \(run.workerNumber ?? 0) joined at batch \(run.syncedBatches), "
                         + "\(run.settings.classes.filter { run.state.archive.elites[$0] != nil }.count)/\(run.settings.classes.count) cells filled")
            try AtlasReporting.drive(&run, terminal: &terminal)
            return
        }
        if let name = runName, let existing = try? store.run(named: name) {
            guard classes.isEmpty else {
                throw ValidationError("atlas '\(name)' exists and keeps its cells: drop --classes to continue it, or choose another --run")
            }
            guard existing.kind == .atlas else { throw SearchError.notAnAtlas(run: name) }
            var run = try AtlasRun.resume(store: store, name: name, models: cache) { lastBatch, elapsed in
                stop.condition(from: lastBatch, elapsedSeconds: elapsed)
            }
            terminal.log("atlas \(name): resuming at batch \(run.state.counters.batch), \(run.settings.classes.count) cells")
            try AtlasReporting.drive(&run, terminal: &terminal)
            return
        }
        let cells = try given ?? AtlasClasses.parse(["all"], names: names)
        let settings = try settings(cells: cells)
        let name = try runName ?? Evolve.defaultRunName(target: "atlas", store: store)
        terminal.log("atlas \(name): \(cells.count) cells, batches of \(plan.breeding.population) with \(settings.modelName), seed \(seed)")
        var run = try AtlasRun.start(store: store, name: name, settings: settings, seed: seed, models: cache,
                                     shouldStop: { Interrupt.requested })
        try AtlasReporting.drive(&run, terminal: &terminal)
    }

    /// The settings of a new atlas of `cells` from the options (no stop given: 10 minutes).
    /// Its random first batch is batch 0, so `--generations N` makes N batches in all.
    func settings(cells: [Int]) throws -> AtlasSettings {
        try plan.settings(cells: cells, stop: stop.condition(from: -1, elapsedSeconds: 0) ?? StopCondition(minutes: 10))
    }
}

/// The atlas's own options: parent bias.
struct AtlasOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Batches that count as recent for parent selection.")
    var recentBatches = AtlasSettings.defaultRecentBatches
    @Option(parsing: .unconditional, help: "Share of parents drawn from cells improved in the last --recent-batches batches.")
    var recentShare = AtlasSettings.defaultRecentShare

    func validate() throws {
        guard recentBatches >= 1 else { throw ValidationError("--recent-batches must be at least 1, got \(recentBatches)") }
        guard (0...1).contains(recentShare) else { throw ValidationError("--recent-share must be in [0, 1], got \(recentShare)") }
    }
}

/// Everything that makes an atlas's plan (`atlas`, `bench atlas`): the population's scoring,
/// breeding, search and polish options less what an atlas cannot use (selection, fixed views,
/// renewed framings).
struct AtlasPlanOptions: ParsableArguments {
    @OptionGroup(title: "Scoring") var scoring: ScoringOptions
    @OptionGroup(title: "Breeding") var breeding: BreedingOptions
    @OptionGroup(title: "Atlas") var atlas: AtlasOptions
    @OptionGroup(title: "Breeding") var search: SearchModeOption
    @OptionGroup(title: "Polish") var polish: RunPolishOptions
    @OptionGroup var threads: ThreadsOption

    /// An atlas breeds and polishes unless told otherwise.
    var mode: SearchMode { search.given ?? .default }

    func validate() throws {
        if scoring.framings == 0 { throw ValidationError("an atlas scores over random framings: --framings must be 1…64") }
        try polish.validate(mode: mode)
    }

    /// The settings of a new atlas of `cells` that stops at `stop`.
    func settings(cells: [Int], stop: StopCondition) throws -> AtlasSettings {
        let (evolution, schedule) = mode.apply(breeding.config, polish: polish.schedule)
        return AtlasSettings(classes: cells, evolution: evolution, tvWeight: scoring.tvWeight(for: breeding.family), gate: scoring.gate,
                      models: try scoring.models(),
                      framings: scoring.framingSettings(count: scoring.framings ?? FramingSettings.defaultCount, renewal: .fixed),
                      recentBatches: atlas.recentBatches, recentShare: atlas.recentShare, polish: schedule, stop: stop,
                      threads: threads.count)
    }
}

/// Parses `--classes` values into class indices.
enum AtlasClasses {
    /// `all`, `@FILE` (one class per line; blank lines and `#` comments skipped), or a class
    /// name or index; the union, ascending.
    static func parse(_ values: [String], names: ImageNetClasses) throws -> [Int] {
        var cells = Set<Int>()
        for value in values {
            if value.lowercased() == "all" {
                cells.formUnion(0..<names.names.count)
            } else if value.hasPrefix("@") {
                let path = String(value.dropFirst())
                let text: String
                do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                    throw CLIError.invalidValue(option: "--classes", value: value,
                                                expected: "a readable file of class names, one per line (\(error.localizedDescription))")
                }
                for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let entry = line.trimmingCharacters(in: .whitespaces)
                    guard !entry.isEmpty, !entry.hasPrefix("#") else { continue }
                    do { cells.insert(try names.index(ofArgument: entry)) } catch {
                        throw CLIError.invalidValue(option: "--classes", value: "\(path):\(n + 1) \(entry)", expected: "\(error)")
                    }
                }
            } else {
                cells.insert(try names.index(ofArgument: value))
            }
        }
        guard !cells.isEmpty else {
            throw CLIError.invalidValue(option: "--classes", value: values.joined(separator: " "),
                                        expected: "at least one class (all, @FILE or a class name)")
        }
        return cells.sorted()
    }
}

/// How the CLI shows an atlas: its live progress line and how a session ended.
enum AtlasReporting {
    static func line(_ p: AtlasRun.Progress, cells: Int, names: ImageNetClasses?, worker: Int? = nil) -> String {
        let c = p.coverage
        var line = (worker.map { "worker \($0)  " } ?? "") + String(format: "batch %5d  filled %d/%d  training ≥50%% %d  ≥90%% %d  ≥99%% %d  improved %3d  %5.1f eval/s",
                          p.batch, c.filled, cells, c.atHalf, c.atNinety, c.atNinetyNine, p.improvedCells,
                          p.evaluationsPerSecond)
        if let cell = p.polishedCell {
            line += "  polished " + ((try? names?.shortName(of: cell)) ?? String(cell))
        }
        if let left = p.secondsLeft { line += "  ETA " + formatDuration(left) }
        return line
    }

    static func drive(_ run: inout AtlasRun, terminal: inout Terminal) throws {
        let names = try? ImageNetClasses.bundled()
        let cells = run.settings.classes.count
        let worker = run.workerNumber
        let ending = try run.run(shouldStop: { Interrupt.requested }) { progress in
            terminal.progress(line(progress, cells: cells, names: names, worker: worker))
        }
        try run.finish(ending)
        terminal.endLiveLine()
        let c = AtlasRun.Coverage(run.state.archive)
        let summary = "\(c.filled)/\(cells) cells filled; training confidence ≥50% \(c.atHalf), ≥90% \(c.atNinety), ≥99% \(c.atNinetyNine) after \(run.state.counters.batch) batches (\(run.state.counters.evaluations) evaluations)"
        if let number = run.workerNumber {
            terminal.log("worker \(number) left: \(summary) of its own; the atlas goes on with its other workers. "
                         + "Add one with: pareidolia atlas --worker --run \(run.run.name)")
            return
        }
        switch ending {
        case .interrupted:
            terminal.log("stopped: \(summary). Continue with: pareidolia atlas --run \(run.run.name)")
        default:
            terminal.log("\(summary). Continue with: pareidolia atlas --run \(run.run.name) --minutes N; judge it with pareidolia gallery")
        }
    }
}
