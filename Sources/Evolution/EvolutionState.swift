import Genome

/// Everything a run needs to continue exactly where it stopped; persisted after each generation.
public struct EvolutionState: Sendable, Equatable {
    /// Completed generations (0 = only the initial population exists).
    public var generation: Int
    /// The population, best first (by fitness, ties broken by age of arrival).
    public var population: [Individual]
    /// The generator that drives every random choice from here on.
    public var rng: SeededGenerator
    /// Genomes sent to the evaluator so far (phenotype duplicates included).
    public var evaluations: Int
    /// Generations since the best fitness last improved.
    public var stagnantGenerations: Int

    public init(generation: Int, population: [Individual], rng: SeededGenerator,
                evaluations: Int, stagnantGenerations: Int) {
        self.generation = generation
        self.population = population
        self.rng = rng
        self.evaluations = evaluations
        self.stagnantGenerations = stagnantGenerations
    }

    /// The best individual (the population is kept sorted).
    public var best: Individual { population[0] }

    /// The population's evaluations by phenotype (the first, i.e. fittest, of equal images):
    /// a genome rendering one of these needs no scoring.
    public var knownEvaluations: [UInt64: Evaluation] {
        Dictionary(population.map { ($0.evaluation.phenotype, $0.evaluation) }, uniquingKeysWith: { a, _ in a })
    }

    /// The scalars besides the population, as one small codable value (for the store).
    public var counters: Counters {
        Counters(generation: generation, rng: rng, evaluations: evaluations,
                 stagnantGenerations: stagnantGenerations)
    }

    /// Rebuilds a state from stored counters and population.
    public init(counters: Counters, population: [Individual]) {
        self.init(generation: counters.generation, population: population, rng: counters.rng,
                  evaluations: counters.evaluations, stagnantGenerations: counters.stagnantGenerations)
    }

    /// The scalar part of the state.
    public struct Counters: Codable, Sendable, Equatable {
        public var generation: Int
        public var rng: SeededGenerator
        public var evaluations: Int
        public var stagnantGenerations: Int
    }
}

/// What one generation did, for progress lines, statistics and records.
public struct GenerationReport: Sendable {
    public var generation: Int
    public var best: Individual
    /// True when `best` beat every earlier individual of the run.
    public var isNewRecord: Bool
    public var meanFitness: Float
    public var meanConfidence: Float
    public var meanNodes: Double
    /// Genomes evaluated in this generation.
    public var evaluated: Int
    /// Whether the population was reseeded (stagnation restart) this generation.
    public var restarted: Bool
    /// How a new best was made (nil when the best did not change).
    public var bestOrigin: Origin?
    /// The best fitness before this generation's children (the parents scored on this
    /// generation's terms): the bar a child had to beat to be a record.
    public var bestBefore: Float = -.infinity
    /// What became of each child bred this generation, in breeding order.
    public var offspring: [OffspringOutcome] = []
}
