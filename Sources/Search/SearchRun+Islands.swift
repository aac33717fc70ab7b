import Evolution
import Genome
import Store

extension SearchRun {
    /// What one migration did: immigrants received from other islands, and how many of them
    /// survived selection into the population.
    public struct Migration: Sendable, Equatable {
        public var received: Int
        public var kept: Int
    }

    /// Sends this island's best to the archipelago and takes in the newest best of every other
    /// island: each immigrant is scored by this island's evaluator (islands may frame
    /// differently) and joins the population only if selection keeps it.
    mutating func migrate(_ island: IslandSettings) throws -> Migration {
        let best = state.best
        try store.sendMigrant(Migrant(island: island.island, generation: state.generation,
                                      individual: Store.Individual(genome: best.genome.description,
                                                                   fitness: best.evaluation.fitness,
                                                                   confidence: best.evaluation.confidence,
                                                                   naturalness: best.evaluation.naturalness,
                                                                   parents: [], origin: nil)),
                              archipelago: island.archipelago, run: run.id)
        let present = Set(state.population.map(\.genome))
        var incoming: [Genome] = []
        let pictures = Pictures.of(state.population.lazy.map(\.genome))
        for migrant in try store.latestMigrants(archipelago: island.archipelago, excluding: island.island) {
            let genome: Genome
            do { genome = try Genome(parsing: migrant.individual.genome, pictures: pictures) } catch {
                throw StoreError.damagedGenome(path: store.path, run: IslandSettings.runName(
                    archipelago: island.archipelago, island: migrant.island), generation: migrant.generation,
                    position: nil, reason: "\(error)")
            }
            if !present.contains(genome), !incoming.contains(genome) { incoming.append(genome) }
        }
        guard !incoming.isEmpty else { return Migration(received: 0, kept: 0) }
        let known = state.knownEvaluations
        let evaluations = try evaluator.evaluate(incoming, known: known, survivalFloor: -.infinity)
        state.evaluations += incoming.count
        let immigrants = zip(incoming, evaluations).map(Evolution.Individual.init)
        evolver.admit(immigrants, into: &state)
        let kept = Set(state.population.map(\.genome)).intersection(incoming).count
        return Migration(received: incoming.count, kept: kept)
    }
}
