import Evolution
import Foundation
import Genome
import Imaging
import Polish
import Scoring
import Store

/// One run of the search: its settings, population and evaluator, driven generation by
/// generation with every generation committed (one transaction each) and each new best written
/// at once as a PNG. `evolve`, `resume` and `bench evolve` all run through it.
public struct SearchRun {
    public let store: RunStore
    public private(set) var run: Run
    public private(set) var settings: RunSettings
    public internal(set) var state: EvolutionState
    public internal(set) var evaluator: RunEvaluator
    let evolver: Evolver
    let recorder: RunRecorder
    /// Seconds spent in earlier sessions of this run.
    public let elapsedBefore: Double
    /// How the current best holds up (robust and held-out confidence), judged at each record.
    public private(set) var judgement: Judgement?
    /// Where a new run moved an earlier run's files found in its records folder, if it did.
    public internal(set) var setAsideDirectory: String?
    /// This process's write lease on the run (a second writer is refused while it is held).
    let lease: RunLease

    /// How a call to `run` ended.
    public enum Ending: Equatable, Sendable { case reachedGenerations, reachedConfidence, outOfTime, interrupted }

    /// Progress after each generation.
    public struct Progress: Sendable {
        public var report: GenerationReport
        /// Whether the constant polish made this generation's best.
        public var polished: Bool
        /// Evaluations per second in this session.
        public var evaluationsPerSecond: Double
        /// Seconds left under the nearer of the generation and time limits, if any.
        public var secondsLeft: Double?
        /// How the best holds up (judged at its record).
        public var judgement: Judgement?
        /// What the confidence is (a morph's objective can change it).
        public var confidenceKind: Objective.ConfidenceKind = .sought
        /// An island's migration this generation, if one happened.
        public var migration: Migration?
        /// The fitness this generation's polish added to the best (0 when it found nothing
        /// better; nil when no polish was due).
        public var polishGain: Float?
        /// The population after this generation (best first).
        public var population: [Evolution.Individual] = []
    }

    /// Creates run `name` in `store` (holding its write lease), evaluates the initial
    /// population (`seeds` topped up with random genomes) and commits it as generation 0; that
    /// time counts as elapsed. If `shouldStop` says so before generation 0 is committed, the
    /// run is removed again (it holds nothing) and `SearchError.interruptedBeforeFirstGeneration`
    /// is thrown.
    public static func start(store: RunStore, name: String, target: String, settings: RunSettings, seed: UInt64,
                             seeds: [Genome], recordDirectory: String, models: ModelCache,
                             shouldStop: (@Sendable () -> Bool)? = nil) throws -> SearchRun {
        var evaluator = try RunEvaluator(settings: settings, seed: seed, models: models)
        evaluator.shouldStop = shouldStop
        let judge = try RunJudge(settings: settings, models: models)
        let (run, lease) = try RunCreation.createLocked(NewRun(name: name, target: target, config: try settings.json(),
                                                            model: settings.modelName, seed: seed), in: store)
        do {
            let setAside = try RecordFolder.setAsideLeftovers(in: recordDirectory)
            // The pictures the seeds sample go with the run: a resume never needs their files.
            try RunPictures.save(seeds, run: run.id, in: store)
            let evolver = Evolver(config: settings.evolution)
            let clock = ContinuousClock(), start = clock.now
            let state = try evolver.initialState(seed: seed, seeds: seeds, evaluator: &evaluator)
            // From here on a stop request ends the run between generations, each committed whole.
            evaluator.shouldStop = nil
            let elapsed = (clock.now - start).seconds
            let recorder = RunRecorder(store: store, run: run, recordDirectory: recordDirectory, judge: judge,
                                       trainingMethod: RecordMeasurements.trainingMethod(settings))
            let judgement = try recorder.commitInitial(state, objective: evaluator.fitness.objective, elapsed: elapsed)
            return SearchRun(store: store, run: run, settings: settings, state: state, evaluator: evaluator,
                             evolver: evolver, recorder: recorder, elapsedBefore: elapsed, judgement: judgement,
                             setAsideDirectory: setAside, lease: lease)
        } catch {
            // Nothing was committed: leave no empty run behind.
            try? store.deleteRun(named: name)
            if error as? SearchError == .interrupted { throw SearchError.interruptedBeforeFirstGeneration(run: name) }
            throw error
        }
    }

    /// Loads run `name` exactly as its last committed generation left it. A `stop` replaces the
    /// run's stored stop condition (and is stored); nil keeps it, so the run finishes what it
    /// was asked to do.
    public static func resume(store: RunStore, name: String, recordDirectory: String, models: ModelCache,
                              stop: ((_ generation: Int, _ elapsedSeconds: Double) throws -> StopCondition?)? = nil) throws -> SearchRun {
        var (run, lease, plan) = try RunDriver.reopen(store: store, name: name, kind: .evolve)
        var settings = try plan.runSettings(run: run.name)
        guard let snapshot = try store.lastGeneration(run: run.id) else { throw SearchError.noGenerations(run: run.name) }
        let counters = try StoredJSON.decode(EvolutionState.Counters.self, from: snapshot.rngState, run: run.name,
                                             context: "generation \(snapshot.stats.index) state: ")
        if let replaced = try stop?(counters.generation, snapshot.stats.elapsedSeconds) {
            settings.stop = replaced
            plan.stop = replaced
            run = try RunDriver.store(plan, of: run, in: store)
        } else if settings.stop == nil {
            // Runs stored before the stop condition was recorded: the defaults, from now.
            settings.stop = StopCondition.relative(generations: nil, confidence: StopCondition.default.confidence,
                                                   minutes: StopCondition.default.minutes, from: counters.generation,
                                                   elapsedSeconds: snapshot.stats.elapsedSeconds)
        }
        let evaluator = try RunEvaluator(settings: settings, seed: run.seed, models: models,
                                         generation: snapshot.stats.index)
        let pictures = try RunPictures.load(run: run, from: store)
        // Phenotypes are derived data: re-render to restore them exactly.
        let population = try snapshot.population.enumerated().map { position, row -> Evolution.Individual in
            let genome: Genome
            do { genome = try Genome(parsing: row.genome, pictures: pictures) } catch {
                throw StoreError.damagedGenome(path: store.path, run: run.name, generation: snapshot.stats.index,
                                               position: position, reason: "\(error)")
            }
            let image = try evaluator.image(of: genome)
            return Evolution.Individual(genome: genome, evaluation: Evaluation(
                fitness: row.fitness, confidence: row.confidence, naturalness: row.naturalness,
                phenotype: Phenotype.hash(image), look: RunEvaluator.look(of: image)))
        }
        try store.setStatus(.running, run: run.id)
        RunRecorder.removeStaleTemporaryFiles(in: recordDirectory)
        let judge = try RunJudge(settings: settings, models: models)
        let state = EvolutionState(counters: counters, population: population)
        return SearchRun(store: store, run: run, settings: settings, state: state, evaluator: evaluator,
                         evolver: Evolver(config: settings.evolution),
                         recorder: RunRecorder(store: store, run: run, recordDirectory: recordDirectory, judge: judge,
                                       trainingMethod: RecordMeasurements.trainingMethod(settings)),
                         elapsedBefore: snapshot.stats.elapsedSeconds,
                         judgement: try judge.judge(state.best.genome, objective: evaluator.fitness.objective),
                         lease: lease)
    }

    /// Whether the gate, if any, is met by `individual`.
    public func meetsGate(_ individual: Evolution.Individual) -> Bool {
        guard let gate = settings.fitness.gate else { return true }
        return individual.evaluation.naturalness <= gate
    }

    /// Runs generations until the run's stop condition or `shouldStop()`; commits each one and
    /// reports it to `progress`.
    public mutating func run(shouldStop: () -> Bool = { false },
                             progress: (Progress) -> Void = { _ in }) throws -> Ending {
        let session = RunDriver.Session(stop: settings.stop ?? .default, elapsedBefore: elapsedBefore,
                                        lastStep: state.generation, evaluations: state.evaluations)
        while true {
            let reached = session.stop.confidence.map { c in
                evaluator.fitness.objective.raisesConfidence && state.best.evaluation.confidence >= c && meetsGate(state.best)
            } ?? false
            if let ending = session.ending(lastStep: state.generation, reachedConfidence: reached, shouldStop: shouldStop) {
                return ending
            }

            var report = try evolver.step(&state, evaluator: &evaluator)
            // A morph records the best of each frame's last generation: those are its frames.
            if settings.morph?.endsFrame(generation: state.generation) == true { report.isNewRecord = true }
            var polished = false
            var origin = report.bestOrigin
            var polishGain: Float?
            if let schedule = settings.polish, state.generation % schedule.every == 0 {
                let before = state.best.evaluation.fitness
                polished = try polishBest(schedule)
                polishGain = state.best.evaluation.fitness - before
                report.isNewRecord = report.isNewRecord || polished
                report.best = state.best
                if polished { origin = .polish }
            }
            var migration: Migration?
            if let island = settings.island, state.generation % island.migrateEvery == 0 {
                let previousBest = report.best.evaluation.fitness
                migration = try migrate(island)
                if state.best.evaluation.fitness > previousBest {
                    report.isNewRecord = true
                    report.best = state.best
                    origin = .migrant
                }
            }
            let elapsed = session.elapsed
            if let verdict = try recorder.commit(state, objective: evaluator.fitness.objective, isRecord: report.isNewRecord,
                                                 polished: polished, origin: report.isNewRecord ? origin : nil, elapsed: elapsed,
                                                 meanFitness: report.meanFitness, meanConfidence: report.meanConfidence) {
                judgement = verdict
            }
            progress(Progress(report: report, polished: polished,
                              evaluationsPerSecond: session.evaluationsPerSecond(state.evaluations),
                              secondsLeft: session.secondsLeft(lastStep: state.generation), judgement: judgement,
                              confidenceKind: evaluator.fitness.objective.confidenceKind, migration: migration,
                              polishGain: polishGain, population: state.population))
        }
    }

    /// Polishes the best genome's constants by gradient ascent and, if the polished genome
    /// scores better (same evaluator, gate included), puts it into the population.
    /// Deterministic, so resumed runs repeat it exactly. Returns whether it improved the best.
    ///
    /// With `basins` k > 1 the polish takes turns over k diverse elites (`DiverseElites`, chosen
    /// afresh each time; the m-th polish of the run takes elite m mod k): a polished elite that
    /// beats its own start joins the population in front of it (the least fit leaves), and
    /// counts as progress only if it beats the best.
    ///
    /// Each polish starts Adam afresh, and its first steps move every constant by about the
    /// learning rate: right far from an optimum, too coarse near one. So the budget follows
    /// the stored stagnation count (`PolishSchedule.budget`), and a resumed run repeats it.
    mutating func polishBest(_ schedule: PolishSchedule) throws -> Bool {
        let best = state.best
        var target = 0
        if let basins = schedule.basins, basins > 1 {
            let elites = DiverseElites.choose(count: basins, descriptors: try state.population.map {
                try DiverseElites.descriptor($0.genome)
            })
            target = elites[(state.generation / max(schedule.every, 1)) % elites.count]
        }
        let start = state.population[target]
        let budget = schedule.budget(stagnantGenerations: state.stagnantGenerations)
        var polishSettings = ConstantPolishSettings(steps: budget.steps, learningRate: budget.learningRate,
                                                    tvWeight: settings.fitness.tvWeight, views: settings.views,
                                                    preconditioning: schedule.preconditioning ?? .none)
        if schedule.freshFramings == true, let framing = settings.framings {
            polishSettings.freshFramings = FreshFramings(
                ranges: framing.ranges, seed: SeedStream.polishFramings.seed(evaluator.seed, item: state.generation + 1))
        }
        let polished = try evaluator.framed.map {
            try ConstantPolish.run(genome: start.genome, objective: evaluator.fitness.objective, framed: $0,
                                   settings: polishSettings)
        } ?? ConstantPolish.run(genome: start.genome, objective: evaluator.fitness.objective, scorer: evaluator.scorer,
                                settings: polishSettings)
        guard polished.genome != start.genome else { return false }
        let known = state.knownEvaluations
        let evaluation = try evaluator.evaluate([polished.genome], known: known, survivalFloor: -.infinity)[0]
        guard evaluation.fitness > start.evaluation.fitness else { return false }
        // Its phenotype is new (a known one would score no better than its start): the fittest
        // goes first, a polished elite in front of its start; the least fit member makes room.
        let improvesBest = evaluation.fitness > best.evaluation.fitness
        var population = state.population
        population.insert(Evolution.Individual(genome: polished.genome, evaluation: evaluation), at: improvesBest ? 0 : target)
        state.population = Array(population.prefix(evolver.config.populationSize))
        guard improvesBest else { return false }
        state.stagnantGenerations = 0
        return true
    }

    /// Records how the session ended in the run's status: `finished` when the target was
    /// reached, else `paused` (resumable).
    public func finish(_ ending: Ending) throws {
        try store.setStatus(ending == .reachedConfidence ? .finished : .paused, run: run.id)
        try store.releaseLock(lease)
    }

    /// Writes the current best's record PNG (e.g. the final image of a benchmark run) and
    /// returns it with the best's judgement.
    @discardableResult
    public func writeBestImage() throws -> (path: String, judgement: Judgement) {
        try recorder.writeRecordImage(state.best, generation: state.generation, objective: evaluator.fitness.objective)
    }
}
