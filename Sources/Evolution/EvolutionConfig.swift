import Genome

/// Every knob of the search; stored as JSON with each run so `resume` continues with the same ones.
public struct EvolutionConfig: Codable, Sendable, Equatable {
    /// Individuals kept from one generation to the next (μ).
    public var populationSize = 32
    /// Children bred per generation (λ); parents and children compete for the μ places.
    public var offspringPerGeneration = 32
    /// Contestants per tournament when choosing a parent.
    public var tournamentSize = 3
    /// Probability that a child comes from subtree crossover (otherwise from one mutation).
    public var crossoverRate = 0.3
    /// Relative weights of the mutation operators.
    public var mutation = MutationWeights()
    /// Size and depth limits every genome obeys.
    public var maxDepth = 12
    public var maxNodes = 80
    /// Depth range of ramped half-and-half random genomes.
    public var initialMinDepth = 2
    public var initialMaxDepth = 6
    /// Selection-only penalty per node (parsimony pressure against bloat); not in reported fitness.
    public var parsimony: Float = 0.002
    /// Fraction of each generation's children that are fresh random genomes (immigrants).
    public var immigrantRate = 0.05
    /// Generations without a better best fitness before the population is reseeded around its elite.
    public var restartAfter = 30
    /// Individuals kept through a restart.
    public var restartKeep = 4
    /// When set, that share of every batch of random genomes (initial population, immigrants,
    /// restarts) are wave genomes (`Genome.waves`) instead of ramped half-and-half trees.
    /// Optional so configs stored before it existed decode (as nil: trees only).
    public var waves: WaveSeeding?
    /// Operators on whole terms of sums (wave genomes); nil (configs stored before they
    /// existed): subtree crossover and tree mutations only.
    public var termOperators: TermOperators?
    /// When set, that share of every batch of random genomes are layered genomes (figures on a
    /// ground, `Genome.layered`), before the wave share; and layered parents are bred with layer
    /// crossover and layer mutations at its rates. nil (configs stored before it existed): none.
    public var layers: LayerSeeding?
    /// When set, that share of every batch of random genomes are CPPN-like genomes (a small
    /// network of sin/gauss/tanh/abs units over x, y, r feeding a palette, `Genome.cppn`), after
    /// the layered share and before the wave share; CPPN parents are bred with unit crossover
    /// and CPPN mutations at its rates. nil (configs stored before it existed): none.
    public var cppn: CPPNSeeding?
    /// How the μ survivors are chosen from parents and children; nil (configs stored before it
    /// existed) is `.fitness`.
    public var survivors: SurvivorSelection?
    /// How many constants a constant-jitter mutation moves; nil (configs stored before it
    /// existed): every constant.
    public var jitteredConstants: Int?

    public init() {}
}

/// How (μ+λ) chooses the next population.
public enum SurvivorSelection: String, Codable, Sendable, CaseIterable {
    /// The μ fittest distinct phenotypes (fitness: the objective less the naturalness penalty).
    case fitness
    /// NSGA-II over confidence, naturalness and size (`Pareto.survivors`), the fittest kept.
    case pareto
    /// The fittest distinct pictures that do not look like a fitter one kept (Pétrowski's
    /// clearing on `Evaluation.look`, `Selection.cleared`): near-copies of the best fill places
    /// only when too few pictures look different.
    case clearing
}

/// How many random genomes are CPPN-like, their first-layer weight scale, and how often
/// crossover and mutation work on whole units.
public struct CPPNSeeding: Codable, Sendable, Equatable {
    /// Share of random genomes that are CPPN-like, in [0, 1].
    public var share: Double
    /// Standard deviation of the first layer's weights on x, y and r (higher: finer patterns).
    public var weight: Float
    /// Share of crossovers of two CPPN parents that are unit crossovers (`Genome.unitCrossover`).
    public var crossover: Double
    /// Share of mutations of a CPPN parent that are CPPN mutations (a new unit, an activation
    /// changed, a palette colour replaced) instead of tree mutations.
    public var mutation: Double

    public init(share: Double = 1, weight: Float = 3, crossover: Double = 0.5, mutation: Double = 0.5) {
        self.share = share
        self.weight = weight
        self.crossover = crossover
        self.mutation = mutation
    }
}

/// How many random genomes are layered (shapes on a ground), their size, and how often
/// crossover and mutation work on whole layers.
public struct LayerSeeding: Codable, Sendable, Equatable {
    /// Share of random genomes that are layered, in [0, 1].
    public var share: Double
    /// Layers per random layered genome (fewer where the limits hold fewer).
    public var layers: Int
    /// Share of crossovers of two layered parents that are uniform layer crossovers
    /// (`Genome.layerCrossover`) instead of subtree crossovers.
    public var crossover: Double
    /// Share of mutations of a layered parent that are layer mutations (a new, reshaped,
    /// recoloured, reordered, added or removed layer, or a new ground) instead of tree mutations.
    public var mutation: Double
    /// Plane waves added to the ground and to each layer's colour (`Genome.LayerTexture`), of
    /// frequency scale `waveFrequency`; nil (configs stored before textures existed): none.
    public var groundWaves: Int?
    public var colourWaves: Int?
    public var waveFrequency: Float?
    /// Whether a child of a layered parent must be layered too (`Breeding.child`); nil or
    /// false (configs stored before it existed): any operator's child is kept.
    public var keepsShape: Bool?

    public init(share: Double = 1, layers: Int = 4, crossover: Double = 0.5, mutation: Double = 0.5,
                groundWaves: Int? = nil, colourWaves: Int? = nil, waveFrequency: Float? = nil, keepsShape: Bool? = nil) {
        self.share = share
        self.layers = layers
        self.crossover = crossover
        self.mutation = mutation
        self.groundWaves = groundWaves
        self.colourWaves = colourWaves
        self.waveFrequency = waveFrequency
        self.keepsShape = keepsShape
    }

    /// The texture random layers, colours and grounds are drawn with.
    public var texture: LayerTexture {
        // A hand-edited plan's negative counts read as none (the CLI refuses them).
        LayerTexture(groundWaves: Swift.max(0, groundWaves ?? 0), colourWaves: Swift.max(0, colourWaves ?? 0),
                     frequency: waveFrequency ?? LayerTexture.flat.frequency)
    }
}

/// How often crossover and mutation work on whole terms of a sum instead of on subtrees.
public struct TermOperators: Codable, Sendable, Equatable {
    /// Share of crossovers that are uniform term crossovers (`Genome.termCrossover`) when both
    /// parents are sums of two or more terms.
    public var crossover: Double
    /// Share of mutations that replace one term of a sum with a fresh wave term (drawn as the
    /// run's wave seeding draws them; needs `waves`).
    public var mutation: Double

    public init(crossover: Double, mutation: Double) {
        self.crossover = crossover
        self.mutation = mutation
    }

    /// Half the crossovers term-wise, a fifth of the mutations a fresh term: the `evolve`
    /// default (rock crab and tabby cat, 3 min: robust confidence up on every seed; README).
    public static let measured = TermOperators(crossover: 0.5, mutation: 0.2)
}

/// How many random genomes are wave sums, and their shape.
public struct WaveSeeding: Codable, Sendable, Equatable {
    /// Share of random genomes that are wave genomes, in [0, 1].
    public var share: Double
    /// Sine terms per wave genome.
    public var terms: Int
    /// Standard deviation of the wave frequencies, radians per unit of x and y.
    public var frequency: Float
    /// Colour amplitudes fall off with frequency like 1/|ω| above this many radians per unit
    /// (a natural image's 1/f spectrum); nil: the same amplitude at every frequency.
    public var falloff: Float?
    /// Phase-modulation amplitude σ of warped terms (`Genome.waves(warp:)`); nil: plane waves.
    public var warp: Float?

    public init(share: Double = 0.5, terms: Int = 24, frequency: Float = 8, falloff: Float? = nil, warp: Float? = nil) {
        self.share = share
        self.terms = terms
        self.frequency = frequency
        self.falloff = falloff
        self.warp = warp
    }
}

/// Relative weights of the mutation operators (DEAP/gplearn names).
public struct MutationWeights: Codable, Sendable, Equatable {
    public var subtree = 0.30
    public var point = 0.20
    public var hoist = 0.05
    public var shrink = 0.10
    public var constantJitter = 0.35

    public init() {}

    var total: Double { subtree + point + hoist + shrink + constantJitter }
}
