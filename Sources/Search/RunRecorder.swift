import Evolution
import Foundation
import ImageIO
import Render
import Scoring
import Store

/// Maps evolution state into Store rows (one transaction per generation) and writes each new
/// record's PNG at once.
struct RunRecorder {
    let store: RunStore
    let run: Run
    /// Directory for this run's record PNGs.
    let recordDirectory: String
    /// Judges every record (robust and held-out confidence).
    let judge: RunJudge
    /// How the run's own score is computed (stored with each record).
    let trainingMethod: String

    /// Commits generation `state.generation` (with a record if its best is new); returns the
    /// record's judgement.
    @discardableResult
    func commit(_ state: EvolutionState, objective: Objective, isRecord: Bool, polished: Bool = false,
                origin: Origin? = nil, elapsed: Double, meanFitness: Float, meanConfidence: Float) throws -> Judgement? {
        let best = state.best
        var records: [NewRecord] = []
        var judgement: Judgement?
        if isRecord {
            let (path, verdict) = try writeRecordImage(best, generation: state.generation, objective: objective)
            judgement = verdict
            // The headline confidence of a record is the robust one (what holds up).
            records.append(NewRecord(genome: best.genome.description, fitness: best.evaluation.fitness,
                                     confidence: verdict.confidence,
                                     naturalness: best.evaluation.naturalness,
                                     evaluations: state.evaluations, elapsedSeconds: elapsed,
                                     polished: polished, imagePath: path,
                                     measurements: try RecordMeasurements(training: best.evaluation.confidence,
                                                                          trainingMethod: trainingMethod,
                                                                          judgement: verdict, origin: origin).json()))
        }
        let stats = GenerationStats(index: state.generation, bestFitness: best.evaluation.fitness,
                                    meanFitness: meanFitness, bestConfidence: best.evaluation.confidence,
                                    meanConfidence: meanConfidence, bestNaturalness: best.evaluation.naturalness,
                                    evaluations: state.evaluations, elapsedSeconds: elapsed)
        let population = state.population.map {
            Store.Individual(genome: $0.genome.description, fitness: $0.evaluation.fitness,
                             confidence: $0.evaluation.confidence, naturalness: $0.evaluation.naturalness)
        }
        try store.commitGeneration(GenerationCommit(run: run.id, stats: stats, rngState: try Self.encode(state.counters),
                                                    population: population, records: records))
        return judgement
    }

    /// Commits the initial population as generation 0 (its best is the run's first record).
    func commitInitial(_ state: EvolutionState, objective: Objective, elapsed: Double) throws -> Judgement? {
        let n = Float(state.population.count)
        return try commit(state, objective: objective, isRecord: true, origin: .initial, elapsed: elapsed,
                   meanFitness: state.population.reduce(0) { $0 + $1.evaluation.fitness } / n,
                   meanConfidence: state.population.reduce(0) { $0 + $1.evaluation.confidence } / n)
    }

    /// Renders a record at 448² (2×2 anti-aliased), judges that render, and writes it with its
    /// genome and scores in text chunks: the headline confidence is the robust one, and the
    /// training and held-out confidences stand beside it, each labelled.
    func writeRecordImage(_ individual: Evolution.Individual, generation: Int,
                          objective: Objective) throws -> (path: String, judgement: Judgement) {
        do { try FileManager.default.createDirectory(atPath: recordDirectory, withIntermediateDirectories: true) } catch {
            throw SearchError.cannotWriteRecords(path: recordDirectory, reason: error.localizedDescription)
        }
        let path = (recordDirectory as NSString).appendingPathComponent(String(format: "g%06d.png", generation))
        let image = try RunJudge.render(individual.genome)
        let judgement = try judge.judge(render: image, objective: objective)
        try PNGFile.write(image, to: path, picture: PictureText(
            genome: individual.genome.description, target: run.target,
            confidence: judgement.confidence, naturalness: individual.evaluation.naturalness,
            extra: judgement.textChunks(trainingConfidence: individual.evaluation.confidence).merging(
                [PNGTextKey.run: run.name, PNGTextKey.model: run.model,
                 PNGTextKey.generation: String(generation), PNGTextKey.software: "pareidolia"]) { a, _ in a }))
        return (path, judgement)
    }

    /// Removes the temporary files an interrupted PNG write left in `directory` (`.name.tmp`
    /// files: only this run's writer, which holds the lease, writes there).
    static func removeStaleTemporaryFiles(in directory: String) {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for file in files where TemporaryFile.isTemporary(file) {
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(file))
        }
    }

    /// The generation counters and RNG state as byte-stable JSON.
    static func encode(_ counters: EvolutionState.Counters) throws -> String {
        try StoredJSON.encode(counters)
    }
}
