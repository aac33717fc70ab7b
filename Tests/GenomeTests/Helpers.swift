import Genome

/// A varied, seeded population: ramped half-and-half plus mutated and crossed-over variants.
func samplePopulation(count: Int, seed: UInt64, limits: Limits = .standard) -> [Genome] {
    var rng = SeededGenerator(seed: seed)
    var out = Genome.rampedHalfAndHalf(count: count / 2, depths: 1...7, limits: limits, using: &rng)
    while out.count < count {
        let a = out[rng.nextInt(out.count)], b = out[rng.nextInt(out.count)]
        let (c, _) = Genome.crossover(a, b, limits: limits, using: &rng)
        out.append(c.mutated(Mutation.allCases[rng.nextInt(Mutation.allCases.count)], limits: limits, using: &rng))
    }
    return out
}

extension RandomNumberGenerator {
    mutating func nextInt(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
