import Evolution
import Foundation
import Genome
import Net
import ImageIO
import Polish
import Render
import Store

/// When to stop a run (any condition that is set ends it).
struct StopCondition {
    var generations: Int?
    var confidence: Float?
    var minutes: Double?
}

/// Drives generations of one run: step, commit (one transaction each), write record PNGs,
/// report progress, stop on a condition or Ctrl-C. Shared by `evolve`, `resume` and `bench evolve`.
struct RunLoop {
    let store: RunStore
    let run: Run
    let settings: EvolveSettings
    let evolver: Evolver
    /// Directory for this run's record PNGs.
    let recordDirectory: String
    /// Seconds already spent in earlier sessions of this run.
    let elapsedBefore: Double
    var quiet = false

    /// Outcome of `run(…)`.
    enum Ending: Equatable { case reachedGenerations, reachedConfidence, outOfTime, interrupted }

    /// The gate, if any, is met by `individual`.
    func meetsGate(_ individual: Evolution.Individual) -> Bool {
        guard let gate = settings.fitness.gate else { return true }
        return individual.evaluation.naturalness <= gate
    }

    /// Polishes the best genome's constants by gradient ascent and, if the polished genome
    /// scores better (same evaluator, gate included), puts it into the population.
    /// Deterministic, so resumed runs repeat it exactly. Returns whether it improved the best.
    ///
    /// Each polish starts Adam afresh, and its first steps move every constant by about the
    /// learning rate: right far from an optimum, too coarse near one. So for every polish
    /// interval without progress (up to three) the rate halves and the steps double, and both
    /// are back to their settings after a gain. They derive from the stored stagnation count,
    /// so a resumed run repeats them.
    func polishBest(_ state: inout EvolutionState, evaluator: inout GenomeEvaluator) throws -> Bool {
        let best = state.best
        let idleIntervals = min(state.stagnantGenerations / max(settings.polishEvery ?? 1, 1), 3)
        let rate = settings.polishLearningRate / Float(1 << idleIntervals)
        let polished = try ConstantPolish.run(
            genome: best.genome, objective: settings.fitness.objective, session: evaluator.session,
            settings: ConstantPolishSettings(steps: settings.polishSteps << idleIntervals, learningRate: rate,
                                             tvWeight: settings.fitness.tvWeight, views: settings.views))
        guard polished.genome != best.genome else { return false }
        let known = Dictionary(state.population.map { ($0.evaluation.phenotype, $0.evaluation) },
                               uniquingKeysWith: { a, _ in a })
        let evaluation = try evaluator.evaluate([polished.genome], known: known, survivalFloor: -.infinity)[0]
        guard evaluation.fitness > best.evaluation.fitness else { return false }
        // Its phenotype is new (a known one would score no better than the best) and it is the
        // fittest: it goes first, the least fit member makes room.
        state.population = Array(([Evolution.Individual(genome: polished.genome, evaluation: evaluation)]
            + state.population).prefix(evolver.config.populationSize))
        state.stagnantGenerations = 0
        return true
    }

    /// Commits generation `state.generation` (with a record if its best is new).
    func commit(_ state: EvolutionState, isRecord: Bool, polished: Bool = false, elapsed: Double,
                meanFitness: Float, meanConfidence: Float) throws {
        let best = state.best
        var records: [NewRecord] = []
        if isRecord {
            let path = try writeRecordImage(best, generation: state.generation)
            records.append(NewRecord(genome: best.genome.description, fitness: best.evaluation.fitness,
                                     confidence: best.evaluation.confidence,
                                     naturalness: best.evaluation.naturalness,
                                     evaluations: state.evaluations, elapsedSeconds: elapsed,
                                     polished: polished, imagePath: path))
        }
        let stats = GenerationStats(index: state.generation, bestFitness: best.evaluation.fitness,
                                    meanFitness: meanFitness, bestConfidence: best.evaluation.confidence,
                                    meanConfidence: meanConfidence, bestNaturalness: best.evaluation.naturalness,
                                    evaluations: state.evaluations, elapsedSeconds: elapsed)
        let population = state.population.map {
            Store.Individual(genome: $0.genome.description, fitness: $0.evaluation.fitness,
                             confidence: $0.evaluation.confidence, naturalness: $0.evaluation.naturalness)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let counters = String(decoding: try encoder.encode(state.counters), as: UTF8.self)
        try store.commitGeneration(GenerationCommit(run: run.id, stats: stats, rngState: counters,
                                                    population: population, records: records))
    }

    /// Starts a new run: evaluates the initial population (`seeds` topped up with random
    /// genomes) and commits it as generation 0. The returned loop counts that time as elapsed.
    static func start(store: RunStore, run: Run, settings: EvolveSettings, net: EfficientNetLite,
                      seeds: [Genome], recordDirectory: String)
        throws -> (loop: RunLoop, state: EvolutionState, evaluator: GenomeEvaluator) {
        var evaluator = try GenomeEvaluator(net: net, settings: settings)
        let evolver = Evolver(config: settings.evolution)
        let clock = ContinuousClock(), start = clock.now
        let state = try evolver.initialState(seed: run.seed, seeds: seeds, evaluator: &evaluator)
        let elapsed = (clock.now - start).seconds
        let loop = RunLoop(store: store, run: run, settings: settings, evolver: evolver,
                           recordDirectory: recordDirectory, elapsedBefore: elapsed)
        try loop.commitInitial(state, elapsed: elapsed)
        return (loop, state, evaluator)
    }

    /// Commits the initial population as generation 0 (its best is the run's first record).
    func commitInitial(_ state: EvolutionState, elapsed: Double) throws {
        let n = Float(state.population.count)
        try commit(state, isRecord: true, elapsed: elapsed,
                   meanFitness: state.population.reduce(0) { $0 + $1.evaluation.fitness } / n,
                   meanConfidence: state.population.reduce(0) { $0 + $1.evaluation.confidence } / n)
    }

    /// Renders a record at 448² (2×2 anti-aliased) with its genome and scores in text chunks.
    func writeRecordImage(_ individual: Evolution.Individual, generation: Int) throws -> String {
        try GenomeFiles.makeDirectory(recordDirectory)
        let path = (recordDirectory as NSString).appendingPathComponent(String(format: "g%06d.png", generation))
        let image = try Renderer.render(individual.genome, width: 448, height: 448, supersample: 2)
        try PNGFile.write(image, to: path, text: [
            "genome": individual.genome.description, "class": run.target, "run": run.name,
            "model": run.model, "generation": String(generation),
            "confidence": String(individual.evaluation.confidence),
            "naturalness": String(individual.evaluation.naturalness), "Software": "pareidolia",
        ])
        return path
    }

    /// Runs generations on `state` until `stop` or Ctrl-C; commits each one.
    mutating func run(_ state: inout EvolutionState, evaluator: inout GenomeEvaluator,
                      stop: StopCondition, terminal: inout Terminal) throws -> Ending {
        let clock = ContinuousClock()
        let start = clock.now
        let startGeneration = state.generation
        let startEvaluations = state.evaluations
        func seconds() -> Double { (clock.now - start).seconds }
        while true {
            if let c = stop.confidence, state.best.evaluation.confidence >= c, meetsGate(state.best) {
                return .reachedConfidence
            }
            if let g = stop.generations, state.generation - startGeneration >= g { return .reachedGenerations }
            if let m = stop.minutes, seconds() >= m * 60 { return .outOfTime }
            if Interrupt.requested { return .interrupted }

            var report = try evolver.step(&state, evaluator: &evaluator)
            var polished = false
            if let every = settings.polishEvery, state.generation % every == 0 {
                polished = try polishBest(&state, evaluator: &evaluator)
                report.isNewRecord = report.isNewRecord || polished
                report.best = state.best
            }
            let elapsed = elapsedBefore + seconds()
            try commit(state, isRecord: report.isNewRecord, polished: polished, elapsed: elapsed,
                       meanFitness: report.meanFitness, meanConfidence: report.meanConfidence)
            if !quiet {
                let rate = Double(state.evaluations - startEvaluations) / max(seconds(), 1e-9)
                terminal.progress(progressLine(report, rate: rate, eta: eta(stop, state: state,
                                               startGeneration: startGeneration, seconds: seconds())))
                if report.isNewRecord { terminal.endLiveLine() }
            }
        }
    }

    func progressLine(_ r: GenerationReport, rate: Double, eta: String) -> String {
        let b = r.best.evaluation
        var line = String(format: "gen %4d  best %6.2f%%  mean %6.2f%%  naturalness %.4f  fitness %7.3f  %5.1f nodes  %5.0f eval/s",
                          r.generation, b.confidence * 100, r.meanConfidence * 100, b.naturalness, b.fitness,
                          r.meanNodes, rate)
        if !eta.isEmpty { line += "  ETA " + eta }
        if r.isNewRecord { line += "  ★ record" }
        if r.restarted { line += "  (restart)" }
        return line
    }

    /// Time left under the generation or minute limit, whichever is nearer.
    func eta(_ stop: StopCondition, state: EvolutionState, startGeneration: Int, seconds: Double) -> String {
        var left: [Double] = []
        let done = state.generation - startGeneration
        if let g = stop.generations, done > 0 { left.append(seconds / Double(done) * Double(g - done)) }
        if let m = stop.minutes { left.append(m * 60 - seconds) }
        return left.min().map { formatDuration(max(0, $0)) } ?? ""
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
