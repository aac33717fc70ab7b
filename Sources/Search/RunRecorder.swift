import Evolution
import Foundation
import ImageIO
import Render
import Store

/// Maps evolution state into Store rows (one transaction per generation) and writes each new
/// record's PNG at once.
struct RunRecorder {
    let store: RunStore
    let run: Run
    /// Directory for this run's record PNGs.
    let recordDirectory: String

    /// Side and anti-aliasing of record PNGs.
    static let recordSize = 448, recordSupersampling = 2

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
        try store.commitGeneration(GenerationCommit(run: run.id, stats: stats, rngState: try Self.encode(state.counters),
                                                    population: population, records: records))
    }

    /// Commits the initial population as generation 0 (its best is the run's first record).
    func commitInitial(_ state: EvolutionState, elapsed: Double) throws {
        let n = Float(state.population.count)
        try commit(state, isRecord: true, elapsed: elapsed,
                   meanFitness: state.population.reduce(0) { $0 + $1.evaluation.fitness } / n,
                   meanConfidence: state.population.reduce(0) { $0 + $1.evaluation.confidence } / n)
    }

    /// Renders a record at 448² (2×2 anti-aliased) with its genome and scores in text chunks.
    @discardableResult
    func writeRecordImage(_ individual: Evolution.Individual, generation: Int) throws -> String {
        try GenomeFiles.makeDirectory(recordDirectory)
        let path = (recordDirectory as NSString).appendingPathComponent(String(format: "g%06d.png", generation))
        let image = try Renderer.render(individual.genome, width: Self.recordSize, height: Self.recordSize,
                                        supersample: Self.recordSupersampling)
        try PNGFile.write(image, to: path, picture: PictureText(
            genome: individual.genome.description, target: run.target,
            confidence: individual.evaluation.confidence, naturalness: individual.evaluation.naturalness,
            extra: [PNGTextKey.run: run.name, PNGTextKey.model: run.model,
                    PNGTextKey.generation: String(generation), PNGTextKey.software: "pareidolia"]))
        return path
    }

    /// The generation counters and RNG state as byte-stable JSON.
    static func encode(_ counters: EvolutionState.Counters) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(counters), as: UTF8.self)
    }
}
