import Genome

/// Which operator made a child: finer than `Origin`, so a run can say which kinds of variation
/// help (issue 24: find out why crossover and mutation add little, with numbers).
public enum VariationKind: String, Codable, Sendable, CaseIterable {
    /// Subtree crossover (any two trees).
    case subtreeCrossover = "subtree_crossover"
    /// Layered genomes: each layer slot and the ground from either parent.
    case layerCrossover = "layer_crossover"
    /// CPPN genomes: units from either parent.
    case unitCrossover = "unit_crossover"
    /// Wave sums: each term slot from either parent.
    case termCrossover = "term_crossover"
    /// A subtree replaced by a fresh one.
    case subtreeMutation = "subtree_mutation"
    /// One node replaced by another of its arity.
    case pointMutation = "point_mutation"
    /// A subtree replaced by one of its own subtrees.
    case hoist
    /// A function node replaced by one of its arguments.
    case shrink
    /// Gaussian noise on every constant.
    case constantJitter = "constant_jitter"
    /// Layered genomes: one layer replaced by a fresh one.
    case replaceLayer = "replace_layer"
    /// Layered genomes: one layer's mask replaced.
    case reshape
    /// Layered genomes: one layer's colour replaced.
    case recolour
    /// Layered genomes: two neighbouring layers swapped.
    case reorder
    /// Layered genomes: a fresh layer on top.
    case addLayer = "add_layer"
    /// Layered genomes: one layer removed.
    case removeLayer = "remove_layer"
    /// Layered genomes: a fresh ground.
    case replaceGround = "replace_ground"
    /// CPPN genomes: a unit, an activation or a colour changed.
    case cppnMutation = "cppn_mutation"
    /// Wave sums: one term replaced by a fresh wave.
    case termMutation = "term_mutation"

    /// The origin of a child made by `kind` (nil: an immigrant).
    static func origin(of kind: VariationKind?) -> Origin {
        guard let kind else { return .immigrant }
        return kind.isCrossover ? .crossover : .mutation
    }

    /// Whether it takes two parents.
    public var isCrossover: Bool {
        switch self {
        case .subtreeCrossover, .layerCrossover, .unitCrossover, .termCrossover: true
        default: false
        }
    }

    /// The kind of a tree mutation.
    init(_ mutation: Mutation) {
        switch mutation {
        case .subtree: self = .subtreeMutation
        case .point: self = .pointMutation
        case .hoist: self = .hoist
        case .shrink: self = .shrink
        case .constantJitter: self = .constantJitter
        }
    }

    /// The kind of a layer mutation.
    init(_ mutation: Genome.LayerMutation) {
        switch mutation {
        case .replaceLayer: self = .replaceLayer
        case .reshape: self = .reshape
        case .recolour: self = .recolour
        case .reorder: self = .reorder
        case .addLayer: self = .addLayer
        case .removeLayer: self = .removeLayer
        case .replaceGround: self = .replaceGround
        }
    }
}

/// What became of one child of a generation, next to its parents: the raw material for
/// measuring operator locality (how far a child lands from its parent) and selection (whether
/// it survived, whether it beat the best).
public struct OffspringOutcome: Sendable, Equatable {
    /// How it was made: crossover, mutation or immigrant (from `kind`).
    public var origin: Origin { VariationKind.origin(of: kind) }
    /// Which operator made it (nil for immigrants).
    public var kind: VariationKind?
    /// The fitness of its fitter parent (nil for immigrants).
    public var parentFitness: Float?
    /// Whether a parent was the population's best when the generation was bred.
    public var parentWasBest: Bool
    /// Its fitness (an upper bound when it fell below the survival floor: the evaluator may
    /// then skip penalty terms).
    public var fitness: Float
    /// Whether it renders the same image as a parent (a neutral change).
    public var sameImageAsParent: Bool
    /// Whether it is in the population selection kept.
    public var survived: Bool
    /// Whether it beat the best of the generation before.
    public var beatBest: Bool

    public init(kind: VariationKind?, parentFitness: Float?, parentWasBest: Bool, fitness: Float,
                sameImageAsParent: Bool, survived: Bool, beatBest: Bool) {
        self.kind = kind
        self.parentFitness = parentFitness
        self.parentWasBest = parentWasBest
        self.fitness = fitness
        self.sameImageAsParent = sameImageAsParent
        self.survived = survived
        self.beatBest = beatBest
    }
}
