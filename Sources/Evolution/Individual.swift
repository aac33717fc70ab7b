import Genome

/// What the evaluator says of one genome. Same genome ⇒ same evaluation (the evaluator is pure).
public struct Evaluation: Codable, Sendable, Equatable {
    /// Objective − λ·penalty (higher is better); −∞-free: evaluators clamp.
    public var fitness: Float
    /// The target's softmax probability (what users read as "confidence").
    public var confidence: Float
    /// The naturalness penalty's raw value (lower is more natural).
    public var naturalness: Float
    /// A hash of the rendered image: equal images have equal phenotypes.
    public var phenotype: UInt64
    /// How the image looks at a glance: its `Evaluation.lookSide`² area-averaged RGB (channel
    /// planes), for telling pictures of different layouts apart (`SurvivorSelection.clearing`);
    /// empty when the evaluator gives none.
    public var look: [Float]

    /// Side of `look`.
    public static let lookSide = 8

    /// Root mean square difference of two looks (or of any two pictures' pixels); infinitely far
    /// when either is empty or they differ in size.
    public static func distance(_ a: [Float], _ b: [Float]) -> Float {
        guard !a.isEmpty, a.count == b.count else { return .infinity }
        var sum: Float = 0
        for i in a.indices { sum += (a[i] - b[i]) * (a[i] - b[i]) }
        return (sum / Float(a.count)).squareRoot()
    }

    public init(fitness: Float, confidence: Float, naturalness: Float, phenotype: UInt64, look: [Float] = []) {
        self.fitness = fitness
        self.confidence = confidence
        self.naturalness = naturalness
        self.phenotype = phenotype
        self.look = look
    }
}

/// A genome with its evaluation.
public struct Individual: Sendable, Equatable {
    public var genome: Genome
    public var evaluation: Evaluation

    public init(genome: Genome, evaluation: Evaluation) {
        self.genome = genome
        self.evaluation = evaluation
    }
}

/// Scores genomes (render, classify, penalise). Must be deterministic.
public protocol Evaluator {
    /// Evaluates `genomes` in order. `known` maps phenotypes already scored (the current
    /// population) to their evaluations, so an image is never scored twice.
    ///
    /// `survivalFloor` is a fitness below which no child can survive selection (the population's
    /// worst). An evaluator may skip expensive penalty terms of a child once its fitness without
    /// them is already below the floor: that child is then reported with that upper bound.
    mutating func evaluate(_ genomes: [Genome], known: [UInt64: Evaluation],
                           survivalFloor: Float) throws -> [Evaluation]

    /// Called before generation `generation` is bred. An evaluator whose scores change between
    /// generations (fresh random framings) prepares them and returns true; the engine then
    /// re-scores the parents, so that parents and children are compared on the same terms.
    mutating func beginGeneration(_ generation: Int) throws -> Bool
}

extension Evaluator {
    /// Scores never change between generations.
    public mutating func beginGeneration(_ generation: Int) throws -> Bool { false }
}
