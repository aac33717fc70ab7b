import Genome

/// Makes children from parents with the Genome module's operators; the one place that names them.
struct Breeding {
    let config: EvolutionConfig
    let limits: Limits

    init(config: EvolutionConfig) throws {
        self.config = config
        self.limits = try Limits(maxDepth: config.maxDepth, maxNodes: config.maxNodes)
    }

    /// `count` random genomes: the configured share of layered genomes first, then of wave
    /// genomes, then ramped half-and-half trees over the configured depth range.
    func randomGenomes(_ count: Int, using rng: inout SeededGenerator) -> [Genome] {
        var genomes: [Genome] = []
        if let layers = config.layers, Genome.maxLayers(within: limits, texture: layers.texture) > 0 {
            let n = Int((Double(count) * layers.share).rounded())
            for _ in 0..<n {
                genomes.append(Genome.layered(layers: layers.layers, limits: limits, texture: layers.texture, using: &rng))
            }
        }
        if let cppn = config.cppn {
            let n = Swift.min(Int((Double(count) * cppn.share).rounded()), count - genomes.count)
            for _ in 0..<n {
                guard let genome = Genome.cppn(weight: cppn.weight, limits: limits, using: &rng) else { break }
                genomes.append(genome)
            }
        }
        if let waves = config.waves, Genome.maxWaveTerms(within: limits, warped: waves.warp != nil) > 0 {
            let n = Swift.min(Int((Double(count) * waves.share).rounded()), count - genomes.count)
            for _ in 0..<n {
                genomes.append(Genome.waves(terms: waves.terms, frequency: waves.frequency, falloff: waves.falloff,
                                            warp: waves.warp, limits: limits, using: &rng))
            }
        }
        return genomes + Genome.rampedHalfAndHalf(count: count - genomes.count,
                                                  depths: config.initialMinDepth...config.initialMaxDepth,
                                                  limits: limits, using: &rng)
    }

    /// A child and how it was made: its operator (nil for an immigrant) and the parents it was
    /// made from (none for an immigrant; only the layered parent when a layer mutation of it
    /// replaced a child that lost the shape).
    struct Bred {
        var genome: Genome
        var kind: VariationKind?
        var parents: [Genome]

        var origin: Origin { VariationKind.origin(of: kind) }
    }

    /// `count` children and what made each: `immigrants` random genomes first, then children of
    /// parents drawn by `pick`. A structural duplicate of a genome in `known` or of an earlier
    /// child would only cost an evaluation, so it is drawn again, up to 8·`count` draws in all.
    /// A population and an atlas both breed through this.
    func children(_ count: Int, immigrants: Int, known: Set<Genome>, parents pick: (inout SeededGenerator) -> Genome,
                  using rng: inout SeededGenerator) -> [Bred] {
        var children = randomGenomes(min(immigrants, count), using: &rng).map {
            Bred(genome: $0, kind: nil, parents: [])
        }
        var seen = known
        seen.formUnion(children.map(\.genome))
        var attempts = 0
        while children.count < count {
            let bred = child(parents: pick, using: &rng)
            attempts += 1
            if seen.insert(bred.genome).inserted || attempts > 8 * count { children.append(bred) }
        }
        return children
    }

    /// A population's parent: the winner of a tournament (fitness less the parsimony penalty).
    func tournamentWinner(_ population: [Individual], using rng: inout SeededGenerator) -> Genome {
        Selection.tournament(population, size: config.tournamentSize, parsimony: config.parsimony, using: &rng).genome
    }

    /// One child, and whether crossover or mutation made it: crossover of two parents drawn by
    /// `pick`, or one mutation of one. When the layered family keeps its shape, a child with a
    /// layered parent (either parent of a crossover) that is no longer a stack of layers (a
    /// hoist, a shrink or a subtree crossover at the root) is replaced by a layer mutation of that parent: otherwise a
    /// population with no class signal yet drifts to the smallest, flattest genomes, which TV
    /// and parsimony pay best (README, "Figures on a ground").
    func child(parents pick: (inout SeededGenerator) -> Genome, using rng: inout SeededGenerator) -> Bred {
        var parents: [Genome] = []
        let made = anyChild(parents: { rng in
            let parent = pick(&rng)
            parents.append(parent)
            return parent
        }, using: &rng)
        guard let layers = config.layers, layers.keepsShape == true,
              let parent = parents.first(where: \.isLayered), !made.genome.isLayered else {
            return Bred(genome: made.genome, kind: made.kind, parents: parents)
        }
        let (child, kind) = layerMutation(of: parent, layers, using: &rng)
        return Bred(genome: child, kind: kind, parents: [parent])
    }

    /// One layer mutation of `parent`, its kind drawn uniformly, new parts drawn with `layers`' texture.
    private func layerMutation(of parent: Genome, _ layers: LayerSeeding,
                               using rng: inout SeededGenerator) -> (Genome, VariationKind) {
        let kinds = Genome.LayerMutation.allCases
        let kind = kinds[rng.below(kinds.count)]
        return (parent.layerMutated(kind, limits: limits, texture: layers.texture, using: &rng), VariationKind(kind))
    }

    /// A child by any of the configured operators.
    private func anyChild(parents pick: (inout SeededGenerator) -> Genome, using rng: inout SeededGenerator) -> (genome: Genome, kind: VariationKind) {
        if Double.random(in: 0..<1, using: &rng) < config.crossoverRate {
            let a = pick(&rng), b = pick(&rng)
            if let layers = config.layers, a.isLayered, b.isLayered,
               Double.random(in: 0..<1, using: &rng) < layers.crossover {
                return (Genome.layerCrossover(a, b, limits: limits, using: &rng).0, .layerCrossover)
            }
            if let cppn = config.cppn, a.isCPPN, b.isCPPN, Double.random(in: 0..<1, using: &rng) < cppn.crossover,
               let children = Genome.unitCrossover(a, b, limits: limits, using: &rng) {
                return (children.0, .unitCrossover)
            }
            if let share = config.termOperators?.crossover, Double.random(in: 0..<1, using: &rng) < share,
               a.isSum, b.isSum {
                return (Genome.termCrossover(a, b, limits: limits, using: &rng).0, .termCrossover)
            }
            return (Genome.crossover(a, b, limits: limits, using: &rng).0, .subtreeCrossover)
        }
        let parent = pick(&rng)
        if let layers = config.layers, parent.isLayered, Double.random(in: 0..<1, using: &rng) < layers.mutation {
            return layerMutation(of: parent, layers, using: &rng)
        }
        if let cppn = config.cppn, parent.isCPPN, Double.random(in: 0..<1, using: &rng) < cppn.mutation {
            let kinds = Genome.CPPNMutation.allCases
            return (parent.cppnMutated(kinds[rng.below(kinds.count)], weight: cppn.weight, limits: limits, using: &rng), .cppnMutation)
        }
        if let share = config.termOperators?.mutation, let waves = config.waves,
           Double.random(in: 0..<1, using: &rng) < share {
            if parent.isSum {
                var terms = parent.terms
                terms[rng.below(terms.count)] = Genome.waves(terms: 1, frequency: waves.frequency, falloff: waves.falloff,
                                                             warp: waves.warp, limits: limits, using: &rng)
                let child = Genome.sum(of: terms)
                if limits.admits(child) { return (child, .termMutation) }
            }
        }
        let kind = mutationKind(using: &rng)
        return (parent.mutated(kind, limits: limits, jittered: config.jitteredConstants, using: &rng), VariationKind(kind))
    }

    /// A mutation operator drawn by the configured weights.
    func mutationKind(using rng: inout SeededGenerator) -> Mutation {
        let w = config.mutation
        let weighted: [(Mutation, Double)] = [(.subtree, w.subtree), (.point, w.point), (.hoist, w.hoist),
                                              (.shrink, w.shrink), (.constantJitter, w.constantJitter)]
        var r = Double.random(in: 0..<w.total, using: &rng)
        for (kind, weight) in weighted {
            r -= weight
            if r < 0 { return kind }
        }
        return .constantJitter
    }
}
