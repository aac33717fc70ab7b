/// Mutation operators (DEAP `mutUniform`, `mutNodeReplacement`, `mutShrink`,
/// `mutEphemeral`; gplearn hoist) and `fitted(to:)`, which trims any genome into limits.
public enum Mutation: String, CaseIterable, Sendable, Hashable, Codable {
    /// Replace a random subtree with a freshly grown one.
    case subtree
    /// Replace one node with another primitive of the same arity (a constant gets a new value).
    case point
    /// Replace a random subtree with one of its own subtrees.
    case hoist
    /// Replace a function node with one of its arguments.
    case shrink
    /// Add Gaussian noise to every constant.
    case constantJitter
}

extension Genome {
    /// Applies mutation `kind`; the result is always within `limits` (the parent is first
    /// `fitted(to:)` if it is not).
    /// `jittered`: how many constants a constant jitter moves (nil: every one).
    public func mutated(_ kind: Mutation, limits: Limits = .standard, primitives: PrimitiveSet = .standard,
                        jittered: Int? = nil, using rng: inout some RandomNumberGenerator) -> Genome {
        let parent = fitted(to: limits, primitives: primitives, using: &rng)
        switch kind {
        case .subtree: return parent.subtreeMutated(limits: limits, primitives: primitives, using: &rng)
        case .point:
            // A point mutation keeps the shape, but may turn a warp into a blur (9 samples).
            return parent.pointMutated(primitives: primitives, using: &rng)
                .withoutImageOperators(over: limits.maxEvaluationCost)
        case .hoist: return parent.hoistMutated(using: &rng)
        case .shrink: return parent.shrinkMutated(using: &rng)
        case .constantJitter: return parent.constantsJittered(count: jittered, using: &rng)
        }
    }

    /// Replaces a uniformly chosen subtree with a grow tree of depth ≤ `maxSubtreeDepth` sized
    /// to fit the room `limits` leave at that position.
    public func subtreeMutated(limits: Limits = .standard, primitives: PrimitiveSet = .standard,
                               maxSubtreeDepth: Int = 4, using rng: inout some RandomNumberGenerator) -> Genome {
        let parent = fitted(to: limits, primitives: primitives, using: &rng)
        let i = rng.below(parent.nodeCount)
        let size = parent.subtreeEnd(at: i) - i
        let room = Limits(uncheckedDepth: limits.maxDepth - parent.nodeDepths[i],
                          nodes: limits.maxNodes - (parent.nodeCount - size))
        let depth = 1 + rng.below(Swift.max(1, maxSubtreeDepth))
        let graft = Genome.generate(method: .grow, depth: depth, limits: room, primitives: primitives,
                                    isRoot: i == 0, using: &rng)
        // The graft fits its room in nodes; inside a blur its evaluations count 9 times.
        return parent.replacingSubtree(at: i, with: graft).withoutImageOperators(over: limits.maxEvaluationCost)
    }

    /// Replaces one random node with a different primitive of the same arity; a constant gets
    /// a fresh random value. The shape (hence depth and size) is unchanged.
    public func pointMutated(primitives: PrimitiveSet = .standard, using rng: inout some RandomNumberGenerator) -> Genome {
        var out = nodes
        let i = rng.below(out.count)
        let op = out[i].op
        if op.arity == 0 {
            let candidates = primitives.terminals.filter { $0 != op || $0 == .constant }
            if !candidates.isEmpty {
                let pick = candidates[rng.below(candidates.count)]
                out[i] = pick == .constant ? .constant(primitives.randomConstant(using: &rng)) : Node(pick)
            }
        } else {
            let candidates = primitives.functions.filter { $0.arity == op.arity && $0 != op }
            if !candidates.isEmpty { out[i] = Node(candidates[rng.below(candidates.count)]) }
        }
        return with(nodes: out)
    }

    /// Hoist: picks a random function node's subtree and replaces it with a random proper
    /// subtree of itself. Never grows the genome.
    public func hoistMutated(using rng: inout some RandomNumberGenerator) -> Genome {
        let functions = partitionedIndices().functions
        guard !functions.isEmpty else { return self }
        let i = functions[rng.below(functions.count)]
        let end = subtreeEnd(at: i)
        let j = i + 1 + rng.below(end - i - 1)
        return replacingSubtree(at: i, with: subtree(at: j))
    }

    /// Shrink: replaces a random function node with one of its arguments. Never grows the genome.
    public func shrinkMutated(using rng: inout some RandomNumberGenerator) -> Genome {
        let functions = partitionedIndices().functions
        guard !functions.isEmpty else { return self }
        let i = functions[rng.below(functions.count)]
        let args = argumentIndices(of: i)
        return replacingSubtree(at: i, with: subtree(at: args[rng.below(args.count)]))
    }

    /// Adds N(0, σ·max(1, |c|)) to every constant (relative σ, `sigma` = 0.1 by default), or
    /// to `count` of them drawn without replacement, keeping constants admissible.
    ///
    /// Every constant of a genome with hundreds (a textured layered genome has about 200) moves
    /// the picture far: in `bench evolve`'s breeding lines the median child of an all-constant
    /// jitter lost 6 in fitness, against 0.1–0.3 for a point mutation; a jitter of 4 constants
    /// lost 0.05, yet bred worse pictures (README, "Why crossover and mutation add little").
    public func constantsJittered(sigma: Float = 0.1, count: Int? = nil,
                                  using rng: inout some RandomNumberGenerator) -> Genome {
        var out = nodes
        var chosen = out.indices.filter { out[$0].op == .constant }
        if let count, count < chosen.count {
            // A partial Fisher–Yates shuffle: the first `n` are a uniform draw.
            let n = Swift.max(count, 0)
            for k in 0..<n { chosen.swapAt(k, k + rng.below(chosen.count - k)) }
            chosen.removeLast(chosen.count - n)
        }
        for i in chosen {
            let c = out[i].value
            out[i].value = Genome.admissible(c + sigma * Swift.max(1, c.magnitude) * rng.gaussian())
        }
        return with(nodes: out)
    }

    /// This genome trimmed into `limits`: function nodes at the depth limit become random
    /// terminals, then (while too many nodes) the non-root subtree whose removal just fits, or
    /// else the largest one, becomes a terminal; a `blur` or `graddir` that makes it too costly
    /// to render gives way to its body. Returns `self` when already within limits.
    public func fitted(to limits: Limits, primitives: PrimitiveSet = .standard,
                       using rng: inout some RandomNumberGenerator) -> Genome {
        if limits.admits(self) { return self }
        var g = self
        if g.depth > limits.maxDepth {
            let depths = g.nodeDepths
            var out: [Node] = []
            var i = 0
            while i < g.nodes.count {
                if depths[i] == limits.maxDepth - 1 && g.nodes[i].op.arity > 0 {
                    out.append(primitives.randomTerminal(using: &rng))
                    i = g.subtreeEnd(at: i)
                } else {
                    out.append(g.nodes[i])
                    i += 1
                }
            }
            g = g.with(nodes: out)
        }
        while g.nodeCount > limits.maxNodes {
            let excess = g.nodeCount - limits.maxNodes
            var best = -1, bestSize = 0, largest = -1, largestSize = 0
            let ends = g.subtreeEnds
            for i in 1..<g.nodeCount where g.nodes[i].op.arity > 0 {
                let size = ends[i] - i
                if size - 1 >= excess && (best < 0 || size < bestSize) { best = i; bestSize = size }
                if size > largestSize { largest = i; largestSize = size }
            }
            let target = best >= 0 ? best : (largest >= 0 ? largest : 0)
            let terminal = Genome(validNodes: [primitives.randomTerminal(using: &rng)], pictures: .none)
            g = g.replacingSubtree(at: target, with: terminal)
        }
        return g.withoutImageOperators(over: limits.maxEvaluationCost)
    }
}
