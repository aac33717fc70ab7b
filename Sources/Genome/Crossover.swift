/// Subtree crossover (Koza; DEAP `cxOnePoint`).
extension Genome {
    /// Swaps a random subtree of `a` with a random subtree of `b`, giving two children.
    ///
    /// Crossover points are function nodes 90% of the time. A child that would break `limits`
    /// is redrawn (up to 8 tries) and otherwise replaced by its parent (DEAP's static limit),
    /// so both results are always within `limits`. Parents outside the limits are first
    /// `fitted(to:)`.
    public static func crossover(_ a: Genome, _ b: Genome, limits: Limits = .standard,
                                 primitives: PrimitiveSet = .standard,
                                 using rng: inout some RandomNumberGenerator) -> (Genome, Genome) {
        let a = a.fitted(to: limits, primitives: primitives, using: &rng)
        let b = b.fitted(to: limits, primitives: primitives, using: &rng)
        var first: Genome?, second: Genome?
        for _ in 0..<8 where first == nil || second == nil {
            let i = a.randomNodeIndex(functionBias: 0.9, using: &rng)
            let j = b.randomNodeIndex(functionBias: 0.9, using: &rng)
            if first == nil {
                let child = a.replacingSubtree(at: i, with: b.subtree(at: j))
                if limits.admits(child) { first = child }
            }
            if second == nil {
                let child = b.replacingSubtree(at: j, with: a.subtree(at: i))
                if limits.admits(child) { second = child }
            }
        }
        return (first ?? a, second ?? b)
    }
}
