import Foundation

/// Summary statistics of one generation, one point per series in the fitness chart.
///
/// Scores are `Float` and round-trip bit-exactly (stored as SQLite REAL, i.e. `Double`;
/// NaN is stored as NULL and read back as NaN).
public struct GenerationStats: Sendable, Equatable {
    /// 0-based generation index; generation 0 is the initial population.
    public var index: Int
    /// Highest fitness in the population.
    public var bestFitness: Float
    /// Mean fitness of the population.
    public var meanFitness: Float
    /// Highest target confidence (softmax probability, [0, 1]) in the population.
    public var bestConfidence: Float
    /// Mean target confidence of the population.
    public var meanConfidence: Float
    /// Naturalness penalty of the fittest individual (lower is more natural).
    public var bestNaturalness: Float
    /// Fitness evaluations since the run started, including this generation.
    public var evaluations: Int
    /// Wall-clock seconds of evolution since the run started, excluding pauses.
    public var elapsedSeconds: Double

    public init(index: Int, bestFitness: Float, meanFitness: Float, bestConfidence: Float,
                meanConfidence: Float, bestNaturalness: Float, evaluations: Int,
                elapsedSeconds: Double) {
        self.index = index
        self.bestFitness = bestFitness
        self.meanFitness = meanFitness
        self.bestConfidence = bestConfidence
        self.meanConfidence = meanConfidence
        self.bestNaturalness = bestNaturalness
        self.evaluations = evaluations
        self.elapsedSeconds = elapsedSeconds
    }
}

/// One member of a generation's population.
public struct Individual: Sendable, Equatable {
    /// The genome as S-expression text (non-empty).
    public var genome: String
    public var fitness: Float
    /// Softmax probability of the target, [0, 1].
    public var confidence: Float
    /// Naturalness penalty (lower is more natural).
    public var naturalness: Float
    /// Positions (0-based) of this individual's parents in the previous generation's
    /// population: 0 entries (random), 1 (mutation, elite copy) or 2 (crossover).
    /// Must be empty in generation 0.
    public var parents: [Int]
    /// How it was made, free text such as `"elite"`, `"crossover"`, `"mutation:point"`.
    public var origin: String?

    public init(genome: String, fitness: Float, confidence: Float, naturalness: Float,
                parents: [Int] = [], origin: String? = nil) {
        self.genome = genome
        self.fitness = fitness
        self.confidence = confidence
        self.naturalness = naturalness
        self.parents = parents
        self.origin = origin
    }
}

/// A new best found by the engine (or by polishing), to be stored as a record.
public struct NewRecord: Sendable, Equatable {
    /// The genome as S-expression text (non-empty).
    public var genome: String
    public var fitness: Float
    public var confidence: Float
    public var naturalness: Float
    /// Fitness evaluations since the run started when this record was found.
    public var evaluations: Int
    /// Wall-clock seconds since the run started when this record was found.
    public var elapsedSeconds: Double
    /// True when the record comes from `Polish` rather than from breeding.
    public var polished: Bool
    /// The record's image (written by evolve or polish), if any.
    public var imagePath: String?
    /// How the record was measured, as the engine's JSON text (nil in records stored before
    /// it was kept); the store keeps it as given.
    public var measurements: String?

    public init(genome: String, fitness: Float, confidence: Float, naturalness: Float,
                evaluations: Int, elapsedSeconds: Double, polished: Bool = false,
                imagePath: String? = nil, measurements: String? = nil) {
        self.genome = genome
        self.fitness = fitness
        self.confidence = confidence
        self.naturalness = naturalness
        self.evaluations = evaluations
        self.elapsedSeconds = elapsedSeconds
        self.polished = polished
        self.imagePath = imagePath
        self.measurements = measurements
    }
}

/// A stored record: every new best of a run, in the order found. Its fields as found are a
/// `NewRecord` (`row.genome`, `row.fitness`, … read through to it).
@dynamicMemberLookup
public struct RecordRow: Sendable, Equatable {
    /// Row id; pass it to `RunStore.setRecordImagePath`.
    public var id: Int64
    /// Generation in which the record was found (or which was polished).
    public var generation: Int
    /// What was found: genome, scores, evaluations, time, polish flag, image path.
    public var record: NewRecord
    /// When the record was stored (millisecond precision).
    public var createdAt: Date

    public init(id: Int64, generation: Int, record: NewRecord, createdAt: Date) {
        self.id = id
        self.generation = generation
        self.record = record
        self.createdAt = createdAt
    }

    public subscript<T>(dynamicMember field: WritableKeyPath<NewRecord, T>) -> T {
        get { record[keyPath: field] }
        set { record[keyPath: field] = newValue }
    }
}

/// Everything one generation writes, committed atomically by `RunStore.commitGeneration`.
public struct GenerationCommit: Sendable, Equatable {
    /// Id of the run the generation belongs to.
    public var run: Int64
    /// Statistics; `stats.index` must be the run's committed generation count.
    public var stats: GenerationStats
    /// Opaque text the engine needs to continue exactly (its encoded RNG state).
    public var rngState: String
    /// The whole population after this generation, in the engine's order (non-empty).
    public var population: [Individual]
    /// New bests found in this generation, in the order found (often empty).
    public var records: [NewRecord]

    public init(run: Int64, stats: GenerationStats, rngState: String,
                population: [Individual], records: [NewRecord] = []) {
        self.run = run
        self.stats = stats
        self.rngState = rngState
        self.population = population
        self.records = records
    }
}

/// The last committed generation of a run: all `resume` needs besides the run's config.
public struct GenerationSnapshot: Sendable, Equatable {
    public var stats: GenerationStats
    /// The engine's RNG state text exactly as committed.
    public var rngState: String
    /// The population exactly as committed, in the same order.
    public var population: [Individual]
    /// When the generation was committed (millisecond precision).
    public var committedAt: Date

    public init(stats: GenerationStats, rngState: String, population: [Individual],
                committedAt: Date) {
        self.stats = stats
        self.rngState = rngState
        self.population = population
        self.committedAt = committedAt
    }
}
