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

    /// `count` children and what made each: `immigrants` random genomes first, then children of
    /// parents drawn by `pick`. A structural duplicate of a genome in `known` or of an earlier
    /// child would only cost an evaluation, so it is drawn again, up to 8·`count` draws in all.
    /// A population and an atlas both breed through this.
    func children(_ count: Int, immigrants: Int, known: Set<Genome>, parents pick: (inout SeededGenerator) -> Genome,
                  using rng: inout SeededGenerator) -> [(genome: Genome, origin: Origin)] {
        var children = randomGenomes(min(immigrants, count), using: &rng).map { (genome: $0, origin: Origin.immigrant) }
        var seen = known
        seen.formUnion(children.map(\.genome))
        var attempts = 0
        while children.count < count {
            let (child, origin) = child(parents: pick, using: &rng)
            attempts += 1
            if seen.insert(child).inserted || attempts > 8 * count { children.append((child, origin)) }
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
    func child(parents pick: (inout SeededGenerator) -> Genome, using rng: inout SeededGenerator) -> (Genome, Origin) {
        guard let layers = config.layers, layers.keepsShape == true else { return anyChild(parents: pick, using: &rng) }
        var layeredParent: Genome?
        let made = anyChild(parents: { rng in
            let parent = pick(&rng)
            if layeredParent == nil, parent.isLayered { layeredParent = parent }
            return parent
        }, using: &rng)
        guard let parent = layeredParent, !made.0.isLayered else { return made }
        return (layerMutation(of: parent, layers, using: &rng), .mutation)
    }

    /// One layer mutation of `parent`, its kind drawn uniformly, new parts drawn with `layers`' texture.
    private func layerMutation(of parent: Genome, _ layers: LayerSeeding, using rng: inout SeededGenerator) -> Genome {
        let kinds = Genome.LayerMutation.allCases
        return parent.layerMutated(kinds[rng.below(kinds.count)], limits: limits, texture: layers.texture, using: &rng)
    }

    /// A child by any of the configured operators.
    private func anyChild(parents pick: (inout SeededGenerator) -> Genome, using rng: inout SeededGenerator) -> (Genome, Origin) {
        if Double.random(in: 0..<1, using: &rng) < config.crossoverRate {
            let a = pick(&rng), b = pick(&rng)
            if let layers = config.layers, a.isLayered, b.isLayered,
               Double.random(in: 0..<1, using: &rng) < layers.crossover {
                return (Genome.layerCrossover(a, b, limits: limits, using: &rng).0, .crossover)
            }
            if let cppn = config.cppn, a.isCPPN, b.isCPPN, Double.random(in: 0..<1, using: &rng) < cppn.crossover,
               let children = Genome.unitCrossover(a, b, limits: limits, using: &rng) {
                return (children.0, .crossover)
            }
            if let share = config.termOperators?.crossover, Double.random(in: 0..<1, using: &rng) < share,
               a.isSum, b.isSum {
                return (Genome.termCrossover(a, b, limits: limits, using: &rng).0, .crossover)
            }
            return (Genome.crossover(a, b, limits: limits, using: &rng).0, .crossover)
        }
        let parent = pick(&rng)
        if let layers = config.layers, parent.isLayered, Double.random(in: 0..<1, using: &rng) < layers.mutation {
            return (layerMutation(of: parent, layers, using: &rng), .mutation)
        }
        if let cppn = config.cppn, parent.isCPPN, Double.random(in: 0..<1, using: &rng) < cppn.mutation {
            let kinds = Genome.CPPNMutation.allCases
            return (parent.cppnMutated(kinds[rng.below(kinds.count)], weight: cppn.weight, limits: limits, using: &rng), .mutation)
        }
        if let share = config.termOperators?.mutation, let waves = config.waves,
           Double.random(in: 0..<1, using: &rng) < share {
            if parent.isSum {
                var terms = parent.terms
                terms[rng.below(terms.count)] = Genome.waves(terms: 1, frequency: waves.frequency, falloff: waves.falloff,
                                                             warp: waves.warp, limits: limits, using: &rng)
                let child = Genome.sum(of: terms)
                if limits.admits(child) { return (child, .mutation) }
            }
        }
        return (parent.mutated(mutationKind(using: &rng), limits: limits, using: &rng), .mutation)
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
