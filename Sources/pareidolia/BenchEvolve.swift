import ArgumentParser
import Foundation
import Net
import Render
import Scoring
import Search
import Store

/// `pareidolia bench evolve`: wall time and evaluations to reach a confidence with the gate met.
struct BenchEvolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evolve",
        abstract: "Search quality: per seed, time and evaluations until confidence ≥ --until with the naturalness gate met.",
        discussion: """
            Each seed is a fresh run in a throw-away database; the final best image of each is
            written to --out. The gate defaults to 0.05 here. Each line also gives the confidence on
            the gallery's framing and that of a held-out network the run never used. Example:
              swift run -c release pareidolia bench evolve --class "rock crab" --seeds 3
            """)

    @Option(name: .customLong("class"), help: "Target class (repeat to benchmark several classes one after another).")
    var classes: [String] = ["rock crab"]
    @Option(help: "Number of seeds (1, 2, …) per class.") var seeds = 3
    @Option(help: "Confidence to reach.") var until: Float = 0.99
    @Option(help: "Time limit per seed, minutes.") var minutes: Double = 10
    @Option(help: "Directory for the final images.") var out = "bench-evolve"
    @Option(help: "Initial population: random (random genomes only) or library (genomes/library, topped up with random ones).")
    var seedFrom = "random"
    @OptionGroup(title: "Fitness") var fitness: FitnessOptions
    @OptionGroup(title: "Search") var search: SearchOptions
    @OptionGroup(title: "Polish") var polish: RunPolishOptions

    func validate() throws {
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1, got \(seeds)") }
        guard minutes > 0, minutes.isFinite else { throw ValidationError("--minutes must be a positive number, got \(minutes)") }
    }

    func run() throws {
        let names = try ImageNetClasses.bundled()
        let models = ModelCache()
        // A held-out classifier, to tell whether an image fools only the one it was bred for.
        let heldOutName = ModelCache.heldOut(for: [fitness.model])
        let judge = try models.scorer([fitness.model, heldOutName])
        let library = try GenomeFiles.seeds(seedFrom, store: nil)
        var terminal = Terminal()
        var lines: [String] = []
        for name in classes {
            let target = try Target(classes: [name], names: names)
            let index = target.classes[0]
            for seed in 1...UInt64(seeds) {
                var fitnessFunction = fitness.function(target.objective)
                fitnessFunction.gate = fitness.gate ?? 0.05
                let settings = RunSettings(evolution: search.config, fitness: fitnessFunction, model: fitness.model.lowercased(),
                                           views: fitness.robust, polish: polish.schedule,
                                           stop: StopCondition(confidence: until, minutes: minutes), seededFrom: seedFrom)
                let runName = "bench-\(index)-\(seed)"
                let clock = ContinuousClock(), start = clock.now
                var run = try SearchRun.start(store: try RunStore.inMemory(), name: runName, target: target.name,
                                              settings: settings, seed: seed, seeds: library,
                                              recordDirectory: (out as NSString).appendingPathComponent(runName),
                                              models: models)
                let ending = try run.run(shouldStop: { Interrupt.requested }) { terminal.progress(RunReporting.line($0)) }
                terminal.endLiveLine()
                let seconds = (clock.now - start).seconds
                try run.writeBestImage()
                let best = run.state.best
                // Re-measured as the gallery does: a 448² anti-aliased render, centre-cropped
                // and resized for the network (a 14 % zoom against the 224² grid it was bred on).
                let exported = try Renderer.render(best.genome, width: 448, height: 448, supersample: 2)
                let galleryView = try judge.probabilities(of: exported, network: 0)[index]
                let heldOutView = try judge.probabilities(of: exported, network: 1)[index]
                let line = String(format: "bench evolve class=%d (%@) seed=%llu reached=%@ seconds=%.0f evaluations=%d generations=%d confidence=%.4f naturalness=%.4f nodes=%d gallery_view=%.4f %@=%.4f",
                                  index, target.name as NSString, seed,
                                  (ending == .reachedConfidence ? "yes" : "no") as NSString, seconds,
                                  run.state.evaluations, run.state.generation, best.evaluation.confidence,
                                  best.evaluation.naturalness, best.genome.nodeCount, galleryView,
                                  heldOutName as NSString, heldOutView)
                terminal.log(line)
                lines.append(line)
                if Interrupt.requested { break }
            }
        }
        print(lines.joined(separator: "\n"))
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
