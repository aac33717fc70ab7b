import Genome

/// The evolution engine: (μ+λ) with tournament parents, phenotype de-duplication, parsimony
/// pressure, immigrants and stagnation restarts. A run is a pure function of its config, seed,
/// seed genomes and evaluator: `step` draws every random choice from the state's generator.
public struct Evolver: Sendable {
    public let config: EvolutionConfig

    public init(config: EvolutionConfig) { self.config = config }

    /// The initial population: `seeds` (library genomes or another run's best, clipped to the
    /// population size) topped up with ramped half-and-half random genomes, all evaluated.
    public func initialState(seed: UInt64, seeds: [Genome],
                             evaluator: inout some Evaluator) throws -> EvolutionState {
        var rng = SeededGenerator(seed: seed)
        let breeding = try Breeding(config: config)
        var genomes = Array(seeds.prefix(config.populationSize))
        genomes += breeding.randomGenomes(config.populationSize - genomes.count, using: &rng)
        let evaluations = try evaluator.evaluate(genomes, known: [:], survivalFloor: -.infinity)
        let population = survivors(zip(genomes, evaluations).map(Individual.init),
                                             count: config.populationSize)
        return EvolutionState(generation: 0, population: population, rng: rng,
                              evaluations: genomes.count, stagnantGenerations: 0)
    }

    /// Breeds, evaluates and selects one generation.
    public func step(_ state: inout EvolutionState,
                     evaluator: inout some Evaluator) throws -> GenerationReport {
        let breeding = try Breeding(config: config)
        if try evaluator.beginGeneration(state.generation + 1) {
            // New terms of comparison: the parents are scored again (their phenotypes are new
            // keys for nothing, so no cache), and the best of them is the bar to beat.
            let genomes = state.population.map(\.genome)
            let evaluations = try evaluator.evaluate(genomes, known: [:], survivalFloor: -.infinity)
            state.evaluations += genomes.count
            state.population = survivors(zip(genomes, evaluations).map(Individual.init),
                                                   count: config.populationSize)
        }
        let previous = state.best, previousBest = previous.evaluation.fitness
        var restarted = false
        var parents = state.population
        if state.stagnantGenerations >= config.restartAfter {
            // Keep the elite; the rest of the parents become mutants of it and newcomers.
            parents = Array(parents.prefix(config.restartKeep))
            state.stagnantGenerations = 0
            restarted = true
        }

        let immigrants = restarted
            ? config.offspringPerGeneration / 2
            : Int((Double(config.offspringPerGeneration) * config.immigrantRate).rounded())
        let bred = breeding.children(config.offspringPerGeneration, immigrants: immigrants, known: Set(parents.map(\.genome)),
                                     parents: { rng in breeding.tournamentWinner(parents, using: &rng) }, using: &state.rng)
        let children = bred.map(\.genome)

        let known = state.knownEvaluations
        // (μ+λ) keeps the μ best distinct phenotypes, so a child worse than every current member
        // cannot survive (after a restart the old population is not in the pool: no floor).
        // Under Pareto selection a less fit child may survive (smaller, more natural), under
        // clearing one that looks unlike the fitter members: no floor.
        let floor = restarted || config.survivors == .pareto || config.survivors == .clearing
            ? -Float.infinity : (state.population.last?.evaluation.fitness ?? -.infinity)
        let evaluations = try evaluator.evaluate(children, known: known, survivalFloor: floor)
        state.evaluations += children.count
        let offspring = zip(children, evaluations).map(Individual.init)
        let pool = restarted ? parents + offspring : state.population + offspring
        state.population = survivors(pool, count: config.populationSize)
        state.generation += 1

        let best = state.best
        let improved = best.evaluation.fitness > previousBest
        // A new best is one of this generation's children (parents were all below the old best).
        let bestOrigin = improved ? children.firstIndex(of: best.genome).map { bred[$0].origin } : nil
        state.stagnantGenerations = improved ? 0 : state.stagnantGenerations + 1
        let n = Float(state.population.count)
        return GenerationReport(
            generation: state.generation, best: best, isNewRecord: improved,
            meanFitness: state.population.reduce(0) { $0 + $1.evaluation.fitness } / n,
            meanConfidence: state.population.reduce(0) { $0 + $1.evaluation.confidence } / n,
            meanNodes: Double(state.population.reduce(0) { $0 + $1.genome.nodeCount }) / Double(n),
            evaluated: children.count, restarted: restarted, bestOrigin: bestOrigin, bestBefore: previousBest,
            offspring: Self.outcomes(bred, evaluations: evaluations, parents: parents, best: previous,
                                     survivors: state.population))
    }

    /// What became of each child beside its parents (looked up among `parents`, the
    /// individuals it was bred from) and `best`, the best before it.
    static func outcomes(_ bred: [Breeding.Bred], evaluations: [Evaluation], parents: [Individual], best: Individual,
                         survivors: [Individual]) -> [OffspringOutcome] {
        let byGenome = Dictionary(parents.map { ($0.genome, $0.evaluation) }, uniquingKeysWith: { a, _ in a })
        let kept = Set(survivors.map(\.genome))
        return zip(bred, evaluations).map { child, evaluation in
            let parentEvaluations = child.parents.compactMap { byGenome[$0] }
            return OffspringOutcome(
                kind: child.kind, parentFitness: parentEvaluations.map(\.fitness).max(),
                parentWasBest: child.parents.contains(best.genome), fitness: evaluation.fitness,
                sameImageAsParent: parentEvaluations.contains { $0.phenotype == evaluation.phenotype },
                survived: kept.contains(child.genome), beatBest: evaluation.fitness > best.evaluation.fitness)
        }
    }

    /// The configured survivor selection of `candidates`.
    func survivors(_ candidates: [Individual], count: Int) -> [Individual] {
        switch config.survivors {
        case .pareto: Pareto.survivors(candidates, count: count)
        case .clearing: Selection.cleared(candidates, count: count, radius: Selection.clearingRadius)
        case .fitness, nil: Selection.survivors(candidates, count: count)
        }
    }

    /// Puts evaluated `newcomers` (an island's immigrants) through the same (μ+λ) selection as
    /// offspring: they stay only if they rank among the population's best distinct phenotypes.
    public func admit(_ newcomers: [Individual], into state: inout EvolutionState) {
        state.population = survivors(state.population + newcomers, count: config.populationSize)
    }
}
