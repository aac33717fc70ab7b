/// Size limits every genetic operator enforces on its output (bloat control).
public struct Limits: Sendable, Hashable, Codable {
    /// Maximum depth (nodes on the longest root-to-leaf path; a terminal has depth 1).
    public let maxDepth: Int
    /// Maximum number of nodes.
    public let maxNodes: Int

    /// Limits with both bounds at least 1 (and at most the global `Genome` limits).
    public init(maxDepth: Int, maxNodes: Int) throws {
        guard maxDepth >= 1, maxNodes >= 1 else { throw GenomeError.invalidLimits(maxDepth: maxDepth, maxNodes: maxNodes) }
        self.maxDepth = Swift.min(maxDepth, Genome.maxDepth)
        self.maxNodes = Swift.min(maxNodes, Genome.maxNodes)
    }

    /// Depth 12, 120 nodes: room for rich images, still cheap to render.
    public static let standard = Limits(uncheckedDepth: 12, nodes: 120)

    init(uncheckedDepth: Int, nodes: Int) {
        maxDepth = uncheckedDepth
        maxNodes = nodes
    }

    private enum CodingKeys: String, CodingKey { case maxDepth, maxNodes }

    /// Decodes and validates like `init(maxDepth:maxNodes:)`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(maxDepth: c.decode(Int.self, forKey: .maxDepth), maxNodes: c.decode(Int.self, forKey: .maxNodes))
    }

    /// How many times `maxNodes` a genome's `evaluationCost` may be: `blur` and `graddir`
    /// may make a genome up to this much slower to render than its size says, no more.
    public static let evaluationAllowance = 4

    /// The largest `evaluationCost` these limits admit.
    public var maxEvaluationCost: Int { maxNodes * Limits.evaluationAllowance }

    /// Whether `genome` is within the node, depth and evaluation limits.
    public func admits(_ genome: Genome) -> Bool {
        genome.nodeCount <= maxNodes && genome.depth <= maxDepth && genome.evaluationCost <= maxEvaluationCost
    }
}

/// Which primitives random generation and mutation may draw, and the constant range.
public struct PrimitiveSet: Sendable, Hashable {
    /// Operators with arguments that may be drawn.
    public let functions: [Op]
    /// Terminals that may be drawn (`x`, `y`, `r`, `t`, and `.constant` for a random constant).
    public let terminals: [Op]
    /// Range of freshly drawn constants (rounded to 3 decimals).
    public let constantRange: ClosedRange<Float>
    /// Operators a freshly generated genome's root is drawn from (empty: any function). The
    /// standard set starts genomes with `rgb` or `hsv`, so initial populations are in colour.
    public let rootFunctions: [Op]

    /// A primitive set; `functions` must have arity > 0, `terminals` arity 0, neither empty.
    public init(functions: [Op], terminals: [Op], constantRange: ClosedRange<Float> = -3...3,
                rootFunctions: [Op] = []) throws {
        guard !functions.isEmpty, functions.allSatisfy({ $0.arity > 0 && $0 != .photo }),
              !terminals.isEmpty, terminals.allSatisfy({ $0.arity == 0 }),
              rootFunctions.allSatisfy({ $0.arity > 0 }) else {
            throw GenomeError.invalidPrimitiveSet(functions: functions.map(\.name), terminals: terminals.map(\.name))
        }
        self.init(checkedFunctions: functions, terminals: terminals, constantRange: constantRange,
                  rootFunctions: rootFunctions)
    }

    init(checkedFunctions functions: [Op], terminals: [Op], constantRange: ClosedRange<Float>, rootFunctions: [Op]) {
        self.rootFunctions = rootFunctions
        self.functions = functions
        self.terminals = terminals
        self.constantRange = Swift.max(constantRange.lowerBound, -Semantics.bound)...Swift.min(constantRange.upperBound, Semantics.bound)
    }

    /// Every operator but `photo` (it needs a picture); constants in [-3, 3]; roots `rgb` or `hsv`.
    public static let standard = PrimitiveSet(
        checkedFunctions: Op.allCases.filter { $0.arity > 0 && $0 != .photo },
        terminals: [.x, .y, .r, .t, .constant], constantRange: -3...3, rootFunctions: [.rgb, .hsv])

    /// A random terminal node (a constant gets a fresh value).
    func randomTerminal(using rng: inout some RandomNumberGenerator) -> Node {
        let op = terminals[rng.below(terminals.count)]
        return op == .constant ? .constant(randomConstant(using: &rng)) : Node(op)
    }

    /// A fresh constant, uniform in `constantRange`, rounded to 3 decimals.
    func randomConstant(using rng: inout some RandomNumberGenerator) -> Float {
        let v = constantRange.lowerBound + (constantRange.upperBound - constantRange.lowerBound) * rng.unit()
        return Genome.admissible((v * 1000).rounded() / 1000)
    }
}
