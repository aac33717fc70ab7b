import Evolution
import Foundation
import Genome
import Imaging
import Polish
import Scoring
import Store

/// One atlas (MAP-Elites with one cell per class): batches of children bred from the archive,
/// each child scored once and offered to every cell, one chosen elite polished every few
/// batches, every batch committed in one transaction. `atlas` and `bench atlas` run through it.
public struct AtlasRun {
    public let store: RunStore
    public let run: Run
    public let settings: AtlasSettings
    public internal(set) var state: AtlasState
    public let evaluator: RunEvaluator
    let breeder: AtlasBreeder
    /// How this process writes: alone, holding the run's lease, or as one of its workers.
    let writer: Writer
    /// A worker's view: the atlas's batches merged into `state.archive` so far.
    public internal(set) var syncedBatches: Int
    /// Seconds spent in earlier sessions.
    public let elapsedBefore: Double

    /// How an atlas process writes the atlas.
    enum Writer {
        /// The only writer (`atlas`, `resume`): it holds the run's lease; batches are numbered
        /// by its own counter and the atlas resumes exactly.
        case alone(RunLease)
        /// One of several (`atlas --worker`): batches take the atlas's next number on commit.
        case worker(AtlasWorker)
    }

    /// This process's worker number, when it is one of several.
    public var workerNumber: Int? {
        if case .worker(let worker) = writer { return worker.number }
        return nil
    }

    /// Progress after each batch.
    public struct Progress: Sendable {
        public var batch: Int
        /// Cells whose elite this batch replaced (or filled).
        public var improvedCells: Int
        /// The cell whose elite was polished this batch, if any.
        public var polishedCell: Int?
        public var coverage: Coverage
        public var evaluations: Int
        public var evaluationsPerSecond: Double
        public var secondsLeft: Double?
    }

    /// Cells at or above each confidence level, by the atlas's own (training) confidence.
    public struct Coverage: Sendable, Equatable {
        public var filled: Int
        public var atHalf: Int
        public var atNinety: Int
        public var atNinetyNine: Int

        public init(_ archive: AtlasArchive) {
            let confidences = archive.elites.values.map(\.score.confidence)
            filled = confidences.count
            atHalf = confidences.filter { $0 >= 0.5 }.count
            atNinety = confidences.filter { $0 >= 0.9 }.count
            atNinetyNine = confidences.filter { $0 >= 0.99 }.count
        }
    }

    /// Creates atlas `name`, scores a first batch of random genomes and commits it as batch 0.
    /// A stop request before that commit removes the atlas again
    /// (`SearchError.interruptedBeforeFirstGeneration`).
    public static func start(store: RunStore, name: String, settings: AtlasSettings, seed: UInt64,
                             models: ModelCache, shouldStop: (@Sendable () -> Bool)? = nil) throws -> AtlasRun {
        let evaluator = try RunEvaluator(atlas: settings, seed: seed, models: models)
        let (run, lease) = try RunCreation.createLocked(NewRun(name: name, target: settings.targetText,
                                                            config: try settings.json(), model: settings.modelName,
                                                            seed: seed, kind: .atlas), in: store)
        do {
            let breeder = Self.breeder(settings)
            let clock = ContinuousClock(), start = clock.now
            var rng = SeededGenerator(seed: seed)
            var archive = AtlasArchive(cells: settings.classes)
            let count = settings.evolution.offspringPerGeneration
            try offerRandomGenomes(count, to: &archive, batch: 0, breeder: breeder, evaluator: evaluator, rng: &rng,
                                   shouldStop: shouldStop)
            if shouldStop?() == true { throw SearchError.interrupted }
            let state = AtlasState(archive: archive, counters: .init(batch: 0, rng: rng, evaluations: count))
            let elapsed = (clock.now - start).seconds
            var atlas = AtlasRun(store: store, run: run, settings: settings, state: state, evaluator: evaluator,
                                 breeder: breeder, writer: .alone(lease), syncedBatches: 0, elapsedBefore: elapsed)
            try atlas.commit(changed: Set(archive.filled), elapsed: elapsed)
            atlas.state.counters.batch = 1
            return atlas
        } catch {
            try? store.deleteRun(named: name)
            if error as? SearchError == .interrupted { throw SearchError.interruptedBeforeFirstGeneration(run: name) }
            throw error
        }
    }

    /// Loads atlas `name` exactly as its last committed batch left it. A `stop` replaces the
    /// stored stop condition (and is stored); nil keeps it.
    /// `stop` is given the last committed batch and the atlas's elapsed seconds.
    public static func resume(store: RunStore, name: String, models: ModelCache,
                              stop: ((_ lastBatch: Int, _ elapsedSeconds: Double) throws -> StopCondition?)? = nil) throws -> AtlasRun {
        var (run, lease, plan) = try RunDriver.reopen(store: store, name: name, kind: .atlas)
        var settings = try plan.atlasSettings(run: run.name)
        guard let last = try store.lastBatch(run: run.id) else { throw SearchError.noGenerations(run: run.name) }
        var counters = try StoredJSON.decode(AtlasState.Counters.self, from: last.rngState, run: run.name,
                                             context: "batch \(last.stats.index) state: ")
        if let replaced = try stop?(last.stats.index, last.stats.elapsedSeconds) {
            settings.stop = replaced
            plan.stop = replaced
            run = try RunDriver.store(plan, of: run, in: store)
        }
        var elites: [Int: AtlasElite] = [:]
        for row in try store.elites(run: run.id) {
            elites[row.cell] = try elite(row, store: store, run: run)
        }
        counters.batch = last.stats.index + 1
        try store.setStatus(.running, run: run.id)
        return AtlasRun(store: store, run: run, settings: settings,
                        state: AtlasState(archive: AtlasArchive(cells: settings.classes, elites: elites), counters: counters),
                        evaluator: try RunEvaluator(atlas: settings, seed: run.seed, models: models),
                        breeder: breeder(settings), writer: .alone(lease), syncedBatches: 0,
                        elapsedBefore: last.stats.elapsedSeconds)
    }

    /// Scores `count` random genomes and offers each to every cell of `archive` (an atlas's
    /// first batch); returns the cells they took. A stop request before the scoring throws
    /// `SearchError.interrupted`.
    @discardableResult
    static func offerRandomGenomes(_ count: Int, to archive: inout AtlasArchive, batch: Int, breeder: AtlasBreeder,
                                   evaluator: RunEvaluator, rng: inout SeededGenerator,
                                   shouldStop: (() -> Bool)? = nil) throws -> Set<Int> {
        let genomes = try breeder.randomGenomes(count, using: &rng)
        if shouldStop?() == true { throw SearchError.interrupted }
        var changed = Set<Int>()
        for (genome, scores) in zip(genomes, try evaluator.cellScores(genomes, cells: archive.cells)) {
            changed.formUnion(archive.offer(genome, scores: scores, batch: batch))
        }
        return changed
    }

    /// The elite a stored row holds; a genome that does not parse is named by run, batch and cell.
    static func elite(_ row: EliteRow, store: RunStore, run: Run) throws -> AtlasElite {
        let genome: Genome
        do { genome = try Genome(parsing: row.genome) } catch {
            throw StoreError.damagedGenome(path: store.path, run: run.name, generation: row.batch, position: row.cell,
                                           reason: "\(error)")
        }
        return AtlasElite(genome: genome, score: CellScore(quality: row.quality, confidence: row.confidence,
                                                           naturalness: row.naturalness), batch: row.batch)
    }

    static func breeder(_ settings: AtlasSettings) -> AtlasBreeder {
        AtlasBreeder(config: settings.evolution, recentBatches: settings.recentBatches, recentShare: settings.recentShare)
    }

    /// Runs batches until the stop condition or `shouldStop()`; commits each one.
    public mutating func run(shouldStop: () -> Bool = { false },
                             progress: (Progress) -> Void = { _ in }) throws -> SearchRun.Ending {
        let session = RunDriver.Session(stop: settings.stop, elapsedBefore: elapsedBefore,
                                        lastStep: state.counters.batch - 1, evaluations: state.counters.evaluations)
        while true {
            if let ending = session.ending(lastStep: state.counters.batch - 1, reachedConfidence: false,
                                           shouldStop: shouldStop) {
                return ending
            }
            let batch = state.counters.batch
            // The number elites of this batch carry until it commits: a worker's batch takes
            // the atlas's next number (after what it has merged); a lone writer's is its own.
            var label = batch
            if case .worker = writer {
                try pull()
                label = syncedBatches
            }
            let children = try breeder.children(of: state.archive, batch: label, using: &state.counters.rng)
            var changed = Set<Int>()
            for (child, scores) in zip(children, try evaluator.cellScores(children, cells: settings.classes)) {
                changed.formUnion(state.archive.offer(child, scores: scores, batch: label))
            }
            state.counters.evaluations += children.count
            var polishedCell: Int?
            if let schedule = settings.polish, batch % schedule.every == 0, let cell = choosePolishCell() {
                polishedCell = cell
                changed.formUnion(try polish(cell: cell, schedule: schedule, batch: label))
            }
            try commit(changed: changed, elapsed: session.elapsed)
            state.counters.batch += 1
            progress(Progress(batch: batch, improvedCells: changed.count, polishedCell: polishedCell,
                              coverage: Coverage(state.archive), evaluations: state.counters.evaluations,
                              evaluationsPerSecond: session.evaluationsPerSecond(state.counters.evaluations),
                              secondsLeft: session.secondsLeft(lastStep: state.counters.batch - 1)))
        }
    }

    /// The cell whose elite is polished next: drawn among cells below 99 % confidence, in
    /// proportion to confidence over (1 + polishes already spent on it), so cells near the
    /// goal come first and no cell takes every polish. Nil when no cell qualifies.
    mutating func choosePolishCell() -> Int? {
        let candidates = state.archive.filled.compactMap { cell -> (Int, Double)? in
            let confidence = Double(state.archive.elites[cell]!.score.confidence)
            guard confidence < 0.99 else { return nil }
            return (cell, confidence / Double(1 + (state.counters.polishes[cell] ?? 0)))
        }
        let total = candidates.reduce(0) { $0 + $1.1 }
        guard total > 0 else { return nil }
        var r = Double.random(in: 0..<total, using: &state.counters.rng)
        for (cell, weight) in candidates {
            r -= weight
            if r < 0 { return cell }
        }
        return candidates.last?.0
    }

    /// Polishes the constants of `cell`'s elite toward its class (fresh framings each step) and
    /// offers the result to every cell; returns the cells it took.
    mutating func polish(cell: Int, schedule: PolishSchedule, batch: Int) throws -> [Int] {
        state.counters.polishes[cell, default: 0] += 1
        let elite = state.archive.elites[cell]!
        var polishSettings = ConstantPolishSettings(steps: schedule.steps, learningRate: schedule.learningRate,
                                                    tvWeight: settings.tvWeight, views: 1,
                                                    preconditioning: schedule.preconditioning ?? .none)
        if schedule.freshFramings == true {
            polishSettings.freshFramings = FreshFramings(
                ranges: settings.framings.ranges, seed: SeedStream.polishFramings.seed(run.seed, item: batch + 1))
        }
        guard let framed = evaluator.framed else { preconditionFailure("an atlas scores over framings") }
        let polished = try ConstantPolish.run(genome: elite.genome, objective: .classes([cell]), framed: framed,
                                              settings: polishSettings)
        guard polished.genome != elite.genome else { return [] }
        state.counters.evaluations += 1
        return state.archive.offer(polished.genome, scores: try evaluator.cellScores([polished.genome], cells: settings.classes)[0],
                                   batch: batch)
    }

    /// Commits batch `state.counters.batch` with the elites of `changed` cells.
    mutating func commit(changed: Set<Int>, elapsed: Double) throws {
        let archive = state.archive
        // In cell order: a sum's rounding must not depend on a dictionary's iteration order.
        let scores = archive.filled.map { archive.elites[$0]!.score }
        let best = scores.max { $0.quality < $1.quality }
        let n = Float(archive.cells.count)
        let stats = GenerationStats(
            index: state.counters.batch, bestFitness: best?.quality ?? .nan,
            meanFitness: scores.reduce(0) { $0 + $1.quality } / Float(max(scores.count, 1)),
            bestConfidence: scores.map(\.confidence).max() ?? 0,
            meanConfidence: scores.reduce(0) { $0 + $1.confidence } / n,
            bestNaturalness: best?.naturalness ?? .nan, evaluations: state.counters.evaluations, elapsedSeconds: elapsed)
        let elites = changed.sorted().map { cell in
            let e = archive.elites[cell]!
            return EliteRow(cell: cell, genome: e.genome.description, quality: e.score.quality,
                            confidence: e.score.confidence, naturalness: e.score.naturalness, batch: e.batch)
        }
        let commit = BatchCommit(run: run.id, stats: stats, rngState: try StoredJSON.encode(state.counters),
                                 filledCells: archive.filled.count, elites: elites)
        switch writer {
        case .alone:
            try store.commitBatch(commit)
        case .worker(let worker):
            state.archive.relabel(changed, batch: try store.offerBatch(commit, worker: worker))
        }
    }

    /// Records how the session ended: `finished` at its batch limit, else `paused`.
    /// A worker leaves the atlas instead (it is `paused` once no worker is left).
    public func finish(_ ending: SearchRun.Ending) throws {
        switch writer {
        case .alone(let lease):
            try store.setStatus(ending == .reachedGenerations ? .finished : .paused, run: run.id)
            try store.releaseLock(lease)
        case .worker(let worker):
            try store.leaveAtlas(worker)
        }
    }
}
