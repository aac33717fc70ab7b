import Genome

/// Parent selection and survivor selection.
enum Selection {
    /// Tournament selection on fitness minus a parsimony penalty per node.
    static func tournament(_ population: [Individual], size: Int, parsimony: Float,
                           using rng: inout some RandomNumberGenerator) -> Individual {
        var best = population[Int.random(in: 0..<population.count, using: &rng)]
        var bestScore = selectionScore(best, parsimony)
        for _ in 1..<max(size, 1) {
            let c = population[Int.random(in: 0..<population.count, using: &rng)]
            let s = selectionScore(c, parsimony)
            if s > bestScore { best = c; bestScore = s }
        }
        return best
    }

    static func selectionScore(_ i: Individual, _ parsimony: Float) -> Float {
        i.evaluation.fitness - parsimony * Float(i.genome.nodeCount)
    }

    /// (μ+λ) survivor selection: the best `count` distinct phenotypes of `candidates`, in order
    /// of fitness (stable, so earlier candidates win ties, which keeps runs deterministic).
    static func survivors(_ candidates: [Individual], count: Int) -> [Individual] {
        let ordered = candidates.enumerated().sorted { a, b in
            let fa = a.element.evaluation.fitness, fb = b.element.evaluation.fitness
            return fa != fb ? fa > fb : a.offset < b.offset
        }
        var seen = Set<UInt64>()
        var kept: [Individual] = []
        kept.reserveCapacity(count)
        for (_, individual) in ordered where seen.insert(individual.evaluation.phenotype).inserted {
            kept.append(individual)
            if kept.count == count { break }
        }
        return kept
    }
}
