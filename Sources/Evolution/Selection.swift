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

    /// The distance between two looks below which clearing counts them as one niche: root mean
    /// square over the 8² RGB look (values in [0, 1]); random layered pictures lie about 0.4
    /// apart, a converged population under 0.08 (`bench evolve` breeding lines).
    static let clearingRadius: Float = 0.1

    /// Clearing: in order of fitness, each distinct phenotype is kept when its look is at least
    /// `radius` from every kept one; the places left are filled with the cleared ones, fittest
    /// first. The fittest is always kept, so the best never gets worse. Ordered by fitness.
    static func cleared(_ candidates: [Individual], count: Int, radius: Float) -> [Individual] {
        let distinct = survivors(candidates, count: candidates.count)
        var kept: [Int] = [], cleared: [Int] = []
        for (i, individual) in distinct.enumerated() {
            if kept.count == count { break }
            let apart = kept.allSatisfy { Evaluation.distance(distinct[$0].evaluation.look, individual.evaluation.look) >= radius }
            if apart { kept.append(i) } else { cleared.append(i) }
        }
        // Too few niches: the nearest copies come back, fittest first (then the unexamined rest).
        let examined = kept.count + cleared.count
        let fill = cleared + Array(examined..<distinct.count)
        kept += fill.prefix(count - kept.count)
        return kept.sorted().map { distinct[$0] }
    }
}
