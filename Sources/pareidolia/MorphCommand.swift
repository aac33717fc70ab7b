import ArgumentParser
import Foundation
import Net
import Scoring
import Search
import Store

struct Morph: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Morph from one class to another: the target moves step by step, each frame continuing from the last.",
        discussion: """
            One run (resumable like any other: pareidolia resume NAME) whose objective moves in --frames steps from A to B: frame i pursues (1 − t)·A + t·B with t = i/(frames − 1), for --generations-per-frame generations, starting from the previous frame's population (the parents are scored again when the frame changes). The best of each frame's last generation is recorded: those records are the frames, and the gallery shows them as an animation. At the end a table gives each frame's robust and held-out confidence for A and for B.
            A and B are class names (or indices), or objective texts such as "class(husky) + 0.1 * dream(block10)".
            Examples:
              pareidolia morph "siberian husky" dalmatian --frames 8
              pareidolia evolve --class "siberian husky" --run husky --minutes 5 && pareidolia morph "siberian husky" dalmatian --seed-from run:husky
              pareidolia morph goldfish "rock crab" --frames 5 --generations-per-frame 20 --model lite0 --model lite1
            """)

    @Argument(help: "Where the morph starts: a class or an objective text.") var from: String
    @Argument(help: "Where it ends: a class or an objective text.") var to: String
    @Option(parsing: .unconditional, help: "Frames, both ends included.") var frames = 8
    @Option(parsing: .unconditional, help: "Generations of each frame.") var generationsPerFrame = 10
    @Option(name: .customLong("run"), help: "Run name; default: from the two ends.") var runName: String?
    @Option(parsing: .unconditional, help: "Random seed.") var seed: UInt64 = 1
    @Option(help: "Frame 0's population: random, library, or run:NAME (another run's last population, e.g. a run already bred toward A, so the morph starts where A is seen).")
    var seedFrom = "random"
    @OptionGroup var breed: BreedOptions
    @OptionGroup var database: DatabaseOptions
    @Flag(help: "Print the plan the run would store (JSON) and exit; nothing is created.") var dryRun = false

    func validate() throws {
        guard (2...64).contains(frames) else { throw ValidationError("--frames must be 2…64, got \(frames)") }
        guard (1...1000).contains(generationsPerFrame) else {
            throw ValidationError("--generations-per-frame must be 1…1000, got \(generationsPerFrame)")
        }
        if let runName { try RunStore.validateName(runName) }
    }

    /// A morph end as objective text: class(NAME) when `end` names a class (a class name may
    /// hold brackets, "crane (bird)"), else an objective as written; when it is neither, the
    /// error says both what the class lookup and the objective parser found.
    static func text(_ end: String, names: ImageNetClasses) throws -> ObjectiveText {
        let classError: Error
        do {
            let short = try names.shortName(of: try names.index(ofArgument: end))
            return ObjectiveText(terms: [.init(atom: .classes([short]))])
        } catch { classError = error }
        do { return try ObjectiveText(parsing: end) } catch {
            throw CLIError.invalidValue(option: "morph end", value: end,
                                        expected: "a class (\(classError)) or an objective text (\(error))")
        }
    }

    func run() throws {
        let names = try ImageNetClasses.bundled(), cache = breed.plan.threads.cache()
        let a = try Self.text(from, names: names), b = try Self.text(to, names: names)
        let networks = try Target.networks(given: try Target.networks(given: try breed.givenModels(), objective: a), objective: b)
        let start = try ObjectiveOption.target(a, classes: [], networks: networks, cache: cache, names: names)
        let end = try ObjectiveOption.target(b, classes: [], networks: networks, cache: cache, names: names)
        let morph = MorphSchedule(from: start.objective, to: end.objective, fromName: start.name, toName: end.name,
                                  frames: frames, generationsPerFrame: generationsPerFrame)
        let settings = try breed.settings(morph.objective(frame: 0), networks: networks,
                                          stop: StopCondition(generation: morph.generations), morph: morph, seededFrom: seedFrom)
        if dryRun { return print(try settings.json()) }
        let store = try database.open()
        let seeds = try GenomeFiles.seeds(seedFrom, store: store)
        let name = try runName ?? Evolve.defaultRunName(target: "morph \(start.leadName(names: names)) \(end.leadName(names: names))",
                                                        store: store)
        var terminal = Terminal()
        terminal.log("run \(name): morphing \(start.name) → \(end.name) in \(frames) frames of \(generationsPerFrame) generations with \(settings.modelName)")
        var run = try SearchRun.start(store: store, name: name, target: "\(start.name) → \(end.name)", settings: settings,
                                      seed: seed, seeds: seeds, recordDirectory: database.recordDirectory(run: name), models: cache,
                                      shouldStop: { Interrupt.requested })
        terminal.logSetAside(run.setAsideDirectory, records: database.recordDirectory(run: name))
        try RunReporting.drive(&run, terminal: &terminal)
        try Self.printFrames(run: run.run, settings: settings, store: store, models: cache)
    }

    /// The table of frames recorded so far.
    static func printFrames(run: Store.Run, settings: RunSettings, store: RunStore, models: ModelCache) throws {
        guard let morph = settings.morph else { return }
        let measured = try morph.measureFrames(run: run, store: store, settings: settings, models: models)
        let rows = measured.map { f in
            [String(f.frame), String(format: "%.2f", f.t), String(f.generation),
             String(format: "%.1f%%", f.robust.from * 100), String(format: "%.1f%%", f.robust.to * 100),
             String(format: "%.2f%%", f.heldOut.from * 100), String(format: "%.2f%%", f.heldOut.to * 100),
             f.imagePath ?? ""]
        }
        let held = settings.heldOutModel
        printTable(header: ["frame", "t", "generation", "robust A", "robust B", "\(held) A", "\(held) B", "image"], rows: rows)
        print("A = \(morph.fromName), B = \(morph.toName); robust: the run's networks, mean over 16 random framings")
    }
}
