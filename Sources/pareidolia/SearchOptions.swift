import ArgumentParser
import Evolution

/// The search's knobs on the command line (shared by `evolve` and `bench evolve`).
struct SearchOptions: ParsableArguments {
    @Option(help: "Population size (μ; also the number of children per generation, λ).") var population = 32
    @Option(help: "Contestants per parent tournament.") var tournament = 3
    @Option(help: "Probability that a child comes from crossover (else from one mutation).") var crossoverRate = 0.3
    @Option(help: "Largest genome, in nodes.") var maxNodes = 80
    @Option(help: "Largest genome depth.") var maxDepth = 12
    @Option(help: "Selection penalty per node (against bloat).") var parsimony: Float = 0.002
    @Option(help: "Generations without improvement before the population is reseeded around its elite.")
    var restartAfter = 30

    func validate() throws {
        guard population >= 4 else { throw ValidationError("--population must be at least 4, got \(population)") }
        guard tournament >= 1 else { throw ValidationError("--tournament must be at least 1, got \(tournament)") }
        guard (0...1).contains(crossoverRate) else { throw ValidationError("--crossover-rate must be in [0, 1], got \(crossoverRate)") }
        guard (3...2000).contains(maxNodes) else { throw ValidationError("--max-nodes must be 3…2000, got \(maxNodes)") }
        guard (2...64).contains(maxDepth) else { throw ValidationError("--max-depth must be 2…64, got \(maxDepth)") }
        guard parsimony >= 0 else { throw ValidationError("--parsimony must be 0 or more, got \(parsimony)") }
        guard restartAfter >= 1 else { throw ValidationError("--restart-after must be at least 1, got \(restartAfter)") }
    }

    var config: EvolutionConfig {
        var c = EvolutionConfig()
        c.populationSize = population
        c.offspringPerGeneration = population
        c.tournamentSize = tournament
        c.crossoverRate = crossoverRate
        c.maxNodes = maxNodes
        c.maxDepth = maxDepth
        c.parsimony = parsimony
        c.restartAfter = restartAfter
        return c
    }
}
