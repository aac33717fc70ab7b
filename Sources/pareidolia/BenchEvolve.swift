import ArgumentParser
import Evolution
import Foundation
import Net
import Render
import Scoring
import Store

/// `pareidolia bench evolve`: wall time and evaluations to reach a confidence with the gate met.
struct BenchEvolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evolve",
        abstract: "Search quality: per seed, time and evaluations until confidence ≥ --until with the naturalness gate met.",
        discussion: """
            Each seed is a fresh run in a throw-away database; the final best image of each is
            written to --out. Example:
              swift run -c release pareidolia bench evolve --class "rock crab" --seeds 3
            """)

    @Option(name: .customLong("class"), help: "Target class (repeat to benchmark several classes one after another).")
    var classes: [String] = ["rock crab"]
    @Option(help: "Number of seeds (1, 2, …) per class.") var seeds = 3
    @Option(help: "Confidence to reach.") var until: Float = 0.99
    @Option(help: "Naturalness gate (denoise distance).") var gate: Float = 0.05
    @Option(help: "Time limit per seed, minutes.") var minutes: Double = 10
    @Option(help: "Weight λ of the total-variation penalty.") var tv: Float = 0.3
    @Option(help: "Classifier: lite0, lite1 or lite2.") var model = "lite0"
    @Option(help: "Directory for the final images.") var out = "bench-evolve"
    @Option(help: "Views averaged per image (robustness).") var robust = 1
    @Option(help: "Initial population: random (random genomes only) or library (genomes/library, topped up with random ones).")
    var seedFrom = "random"
    @OptionGroup(title: "Search") var search: SearchOptions
    @OptionGroup(title: "Polish") var polish: RunPolishOptions

    func run() throws {
        let resolver = try ClassResolver()
        let net = try loadModel(model)
        // A held-out classifier, to tell whether an image fools only the one it was bred for.
        let heldOutName = model.lowercased() == "lite2" ? "lite1" : "lite2"
        let heldOut = try loadModel(heldOutName)
        let library = try seedGenomes(seedFrom, store: nil)
        var terminal = Terminal()
        var lines: [String] = []
        for name in classes {
            let index = try resolver.index(name)
            for seed in 1...UInt64(max(seeds, 1)) {
                let config = search.config
                var settings = EvolveSettings(evolution: config, fitness: FitnessFunction(
                    objective: .classes([index]), tvWeight: tv, gate: gate), model: model, views: robust,
                    seededFrom: seedFrom)
                polish.apply(to: &settings)
                let store = try RunStore.inMemory()
                let runName = "bench-\(index)-\(seed)"
                let run = try store.createRun(NewRun(name: runName, target: resolver.shortName(index),
                                                     config: try settings.json(), model: model, seed: seed))
                let clock = ContinuousClock(), start = clock.now
                var (loop, state, evaluator) = try RunLoop.start(
                    store: store, run: run, settings: settings, net: net, seeds: library,
                    recordDirectory: (out as NSString).appendingPathComponent(runName))
                let ending = try loop.run(&state, evaluator: &evaluator,
                                          stop: StopCondition(generations: nil, confidence: until, minutes: minutes),
                                          terminal: &terminal)
                terminal.endLiveLine()
                let seconds = (clock.now - start).seconds
                _ = try loop.writeRecordImage(state.best, generation: state.generation)
                let b = state.best.evaluation
                // Re-measured as the gallery does: a 448² anti-aliased render, centre-cropped
                // and resized for the network (a 14 % zoom against the 224² grid it was bred on).
                let exported = try Renderer.render(state.best.genome, width: 448, height: 448, supersample: 2)
                let galleryView = try classProbabilities(exported, net: net)[index]
                let heldOutView = try classProbabilities(exported, net: heldOut)[index]
                let line = String(format: "bench evolve class=%d (%@) seed=%llu reached=%@ seconds=%.0f evaluations=%d generations=%d confidence=%.4f naturalness=%.4f nodes=%d gallery_view=%.4f %@=%.4f",
                                  index, resolver.shortName(index) as NSString, seed,
                                  (ending == .reachedConfidence ? "yes" : "no") as NSString, seconds,
                                  state.evaluations, state.generation, b.confidence, b.naturalness,
                                  state.best.genome.nodeCount, galleryView, heldOutName as NSString, heldOutView)
                terminal.log(line)
                lines.append(line)
                if Interrupt.requested { break }
            }
        }
        print(lines.joined(separator: "\n"))
    }
}
