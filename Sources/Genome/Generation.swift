/// Random genome generation: full, grow and ramped half-and-half (Koza; DEAP `genFull`,
/// `genGrow`, `genHalfAndHalf`).
extension Genome {
    /// How a random tree is grown.
    public enum GrowthMethod: Sendable, Hashable {
        /// Every branch reaches the target depth.
        case full
        /// Branches stop early at random (terminal probability `growTerminalProbability`).
        case grow
    }

    /// In `.grow`, the chance that a node below the root becomes a terminal before the depth limit.
    public static let growTerminalProbability: Float = 0.3

    /// A random genome of (at most) `depth` levels, also within `limits`. With depth ≥ 2 the
    /// root is drawn from `primitives.rootFunctions` when that is not empty.
    ///
    /// The node budget is enforced while growing (a slot becomes a terminal when a function
    /// would no longer fit), so the result is always within `limits`; a `blur` or `graddir`
    /// whose body makes the genome too costly to render gives way to its body.
    public static func random(method: GrowthMethod, depth: Int, limits: Limits = .standard,
                              primitives: PrimitiveSet = .standard,
                              using rng: inout some RandomNumberGenerator) -> Genome {
        generate(method: method, depth: depth, limits: limits, primitives: primitives, isRoot: true, using: &rng)
    }

    /// `random`, for a whole genome (`isRoot`: root from `rootFunctions`) or for a graft.
    static func generate(method: GrowthMethod, depth: Int, limits: Limits, primitives: PrimitiveSet,
                         isRoot: Bool, using rng: inout some RandomNumberGenerator) -> Genome {
        let maxDepth = Swift.max(1, Swift.min(depth, limits.maxDepth))
        var nodes: [Node] = []
        var slots: [Int] = [1]        // depths (1-based) of argument slots still to fill
        while let d = slots.popLast() {
            var wantsFunction = d < maxDepth
            if method == .grow, d > 1, wantsFunction { wantsFunction = !rng.chance(growTerminalProbability) }
            let budget = limits.maxNodes - nodes.count - 1 - slots.count
            var op: Op?
            if wantsFunction, budget >= 1 {
                let pool = isRoot && nodes.isEmpty && !primitives.rootFunctions.isEmpty
                    ? primitives.rootFunctions : primitives.functions
                let pick = pool[rng.below(pool.count)]
                if pick.arity <= budget {
                    op = pick
                } else {
                    let fitting = primitives.functions.filter { $0.arity <= budget }
                    if !fitting.isEmpty { op = fitting[rng.below(fitting.count)] }
                }
            }
            if let op {
                nodes.append(Node(op))
                slots.append(contentsOf: repeatElement(d + 1, count: op.arity))
            } else {
                nodes.append(primitives.randomTerminal(using: &rng))
            }
        }
        return Genome(validNodes: nodes, pictures: .none).withoutImageOperators(over: limits.maxEvaluationCost)
    }

    /// Ramped half-and-half: `count` genomes whose target depths cycle through `depths`,
    /// alternating full and grow trees, all within `limits`.
    public static func rampedHalfAndHalf(count: Int, depths: ClosedRange<Int> = 2...6,
                                         limits: Limits = .standard, primitives: PrimitiveSet = .standard,
                                         using rng: inout some RandomNumberGenerator) -> [Genome] {
        (0..<Swift.max(0, count)).map { i in
            let depth = depths.lowerBound + (i / 2) % depths.count
            return random(method: i % 2 == 0 ? .full : .grow, depth: depth, limits: limits,
                          primitives: primitives, using: &rng)
        }
    }

    /// Indices of function nodes (arity > 0) and of terminals.
    func partitionedIndices() -> (functions: [Int], terminals: [Int]) {
        var f: [Int] = [], t: [Int] = []
        for (i, node) in nodes.enumerated() {
            if node.op.arity > 0 { f.append(i) } else { t.append(i) }
        }
        return (f, t)
    }

    /// A random node index, a function node with probability `functionBias` when there is one
    /// (Koza's 90/10 rule for crossover points).
    func randomNodeIndex(functionBias: Float, using rng: inout some RandomNumberGenerator) -> Int {
        let (functions, terminals) = partitionedIndices()
        if !functions.isEmpty, rng.chance(functionBias) { return functions[rng.below(functions.count)] }
        return terminals[rng.below(terminals.count)]
    }
}
