import Evolution
import Genome
import XCTest

/// Clearing survivors (`--select clearing`): pictures that look alike share one place while
/// others are left; through `Evolver.admit`, which selects as a generation does.
final class ClearingTests: XCTestCase {
    /// An individual of fitness `f` whose look is a flat grey `g`.
    func member(_ f: Float, grey g: Float?, id: UInt64) throws -> Individual {
        Individual(genome: try Genome(nodes: [Node.constant(Float(id))]),
                   evaluation: Evaluation(fitness: f, confidence: 0, naturalness: 0, phenotype: id,
                                          look: g.map { [Float](repeating: $0, count: 3 * 64) } ?? []))
    }

    /// The phenotypes `selection` keeps of `pool` with `places` places, in order.
    func kept(_ pool: [Individual], places: Int, _ selection: SurvivorSelection) -> [UInt64] {
        var config = EvolutionConfig()
        config.populationSize = places
        config.survivors = selection
        var state = EvolutionState(generation: 0, population: [], rng: SeededGenerator(seed: 1), evaluations: 0,
                                   stagnantGenerations: 0)
        Evolver(config: config).admit(pool, into: &state)
        return state.population.map(\.evaluation.phenotype)
    }

    /// Three near-copies of the best (looks 0.02 apart) and two pictures unlike it: with three
    /// places, clearing keeps the best and the two different ones, where fitness survivors keep
    /// the best and its copies; with more places the copies fill in, fittest first; the best is
    /// always first, the survivors stay in order of fitness, each phenotype once.
    func testNearCopiesGiveWayToDifferentPictures() throws {
        let pool = [try member(-1, grey: 0.50, id: 1), try member(-1.1, grey: 0.52, id: 2), try member(-1.2, grey: 0.48, id: 3),
                    try member(-3, grey: 0.9, id: 4), try member(-4, grey: 0.1, id: 5), try member(-1.1, grey: 0.52, id: 2)]
        XCTAssertEqual(kept(pool, places: 3, .fitness), [1, 2, 3])
        XCTAssertEqual(kept(pool, places: 3, .clearing), [1, 4, 5])
        XCTAssertEqual(kept(pool, places: 4, .clearing), [1, 2, 4, 5])
        XCTAssertEqual(kept(pool, places: 5, .clearing), [1, 2, 3, 4, 5])
        XCTAssertEqual(kept(pool, places: 9, .clearing), [1, 2, 3, 4, 5])
    }

    /// Members without a look (evaluators that give none) are never cleared.
    func testMembersWithoutALookAreNeverCleared() throws {
        let pool = try (1...4).map { try member(-Float($0), grey: nil, id: UInt64($0)) }
        XCTAssertEqual(kept(pool, places: 3, .clearing), kept(pool, places: 3, .fitness))
    }
}
