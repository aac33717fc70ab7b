/// Wave genomes: a sum of coloured plane waves, Σₖ (rgb aₖ bₖ cₖ) · sin(uₖ·x + vₖ·y + φₖ).
///
/// A formula with many constants that every pixel depends on smoothly: random Fourier features
/// with a colour per feature (the one-hidden-layer case of a CPPN). Evolution recombines their
/// terms and constant polish moves frequencies, phases and colours by gradient, which is where
/// such a genome earns its keep; a plain random tree has a handful of constants and gradients
/// have little to move.
extension Genome {
    /// Nodes in one wave term `(* (rgb a b c) (sin (+ (+ (* u x) (* v y)) φ)))`.
    public static let waveTermNodes = 15
    /// Depth of one wave term.
    static let waveTermDepth = 6
    /// Nodes and depth of one warped term, whose phase is itself a wave:
    /// `(* (rgb a b c) (sin (+ (+ (* u x) (* v y)) (+ φ (* β (sin (+ (* u' x) (* v' y))))))))`.
    public static let warpedTermNodes = 26
    static let warpedTermDepth = 9

    /// The most terms a wave genome may have within `limits` (0 if not even one fits).
    public static func maxWaveTerms(within limits: Limits, warped: Bool = false) -> Int {
        let (nodes, depth) = warped ? (warpedTermNodes, warpedTermDepth) : (waveTermNodes, waveTermDepth)
        var terms = (limits.maxNodes + 1) / (nodes + 1)
        while terms > 0, depth + sumDepth(terms) > limits.maxDepth { terms -= 1 }
        return terms
    }

    /// Levels of `+` above the terms in a balanced sum of `terms` terms.
    static func sumDepth(_ terms: Int) -> Int {
        var depth = 0, width = 1
        while width < terms { width *= 2; depth += 1 }
        return depth
    }

    /// A random wave genome of `terms` terms, clipped to what `limits` allow (which must hold
    /// at least one term, see `maxWaveTerms`):
    /// frequencies uₖ, vₖ ~ N(0, `frequency`²) radians per unit of x and y (which span [-1, 1]),
    /// phases uniform in [-π, π), colour weights ~ N(0, 0.3²) per channel. With a `falloff`
    /// ω₀ the colour weights of a term of frequency |ω| are scaled by 2ω₀/(ω₀ + |ω|): low
    /// frequencies dominate, as in natural images (the same random draws, so the same
    /// frequencies and phases). With a `warp` σ each term's phase is shifted by a second plane
    /// wave, β·sin(u′x + v′y) with β ~ N(0, σ²) and u′, v′ ~ N(0, `frequency`²): curved wave
    /// fronts, a two-layer CPPN (sines fed through sines) instead of a one-layer one.
    public static func waves(terms: Int, frequency: Float, falloff: Float? = nil, warp: Float? = nil,
                             limits: Limits = .standard, using rng: inout some RandomNumberGenerator) -> Genome {
        let count = Swift.min(terms, maxWaveTerms(within: limits, warped: warp != nil))
        precondition(count >= 1, "waves: the limits do not hold one wave term")
        var nodes: [Node] = []
        nodes.reserveCapacity(count * ((warp == nil ? waveTermNodes : warpedTermNodes) + 1))
        func constant(_ value: Float) -> Node { .constant(admissible(value)) }
        func term() {
            let colour = (0..<3).map { _ in 0.3 * rng.gaussian() }
            let u = frequency * rng.gaussian(), v = frequency * rng.gaussian()
            let phase = Float.pi * (2 * rng.unit() - 1)
            let scale = falloff.map { 2 * $0 / ($0 + (u * u + v * v).squareRoot()) } ?? 1
            nodes += [Node(.mul), Node(.rgb)] + colour.map { constant(scale * $0) }
            nodes += [Node(.sin), Node(.add), Node(.add),
                      Node(.mul), constant(u), Node(.x),
                      Node(.mul), constant(v), Node(.y)]
            guard let warp else { return nodes.append(constant(phase)) }
            let beta = warp * rng.gaussian()
            let u2 = frequency * rng.gaussian(), v2 = frequency * rng.gaussian()
            nodes += [Node(.add), constant(phase), Node(.mul), constant(beta),
                      Node(.sin), Node(.add),
                      Node(.mul), constant(u2), Node(.x),
                      Node(.mul), constant(v2), Node(.y)]
        }
        /// A balanced sum of `n` terms, in prefix order.
        func sum(_ n: Int) {
            if n == 1 { return term() }
            nodes.append(Node(.add))
            sum(n / 2)
            sum(n - n / 2)
        }
        sum(count)
        return Genome(validNodes: nodes, pictures: .none)
    }
}
