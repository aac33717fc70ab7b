import Evolution
import Foundation
import Genome
import XCTest

/// NSGA-II's pieces on a hand-made set whose fronts and crowding distances are worked out by
/// hand, and the Pareto survivors in a run: the fittest kept, the trade-off kept.
final class ParetoTests: XCTestCase {
    // Both coordinates maximised. Front 0: (1,1), (2,0), (0,2) and the second (2,0); front 1:
    // (0.5,0.5) and (1,0), each dominated by (1,1) only or by (1,1) and (2,0); front 2: (0,0).
    let points: [[Float]] = [[1, 1], [2, 0], [0, 2], [0.5, 0.5], [1, 0], [0, 0], [2, 0]]

    func testFrontsAreTheReferenceSorting() {
        XCTAssertEqual(Pareto.fronts(points), [[0, 1, 2, 6], [3, 4], [5]])
        XCTAssertTrue(Pareto.dominates([1, 1], [1, 0]))
        XCTAssertFalse(Pareto.dominates([2, 0], [2, 0]), "equal points do not dominate each other")
        XCTAssertFalse(Pareto.dominates([2, 0], [0, 2]))
        XCTAssertEqual(Pareto.fronts([]), [])
    }

    func testCrowdingDistanceIsTheNeighboursGapOverTheRange() {
        // x: (0,2) and the second (2,0) are the extremes; (1,1) gets (2 − 0)/2, (2,0) (2 − 1)/2.
        // y: (2,0) and (0,2) are the extremes; the second (2,0) gets (1 − 0)/2, (1,1) (2 − 0)/2.
        XCTAssertEqual(Pareto.crowding(points, front: [0, 1, 2, 6]), [2, .infinity, .infinity, .infinity])
        XCTAssertEqual(Pareto.crowding(points, front: [3, 4]), [.infinity, .infinity], "two points are both ends")
    }

    private func individual(_ text: String, fitness: Float, confidence: Float, naturalness: Float, phenotype: UInt64) throws -> Individual {
        Individual(genome: try Genome(parsing: text),
                   evaluation: Evaluation(fitness: fitness, confidence: confidence, naturalness: naturalness, phenotype: phenotype))
    }

    func testSurvivorsKeepTheFittestAndTheTradeOff() throws {
        let candidates = [
            try individual("(+ x (* y (sin r)))", fitness: 0.9, confidence: 0.9, naturalness: 0.5, phenotype: 1),  // fittest
            try individual("x", fitness: 0.1, confidence: 0.1, naturalness: 0.1, phenotype: 2),                     // smallest, most natural
            try individual("(+ x (* y r))", fitness: 0.5, confidence: 0.6, naturalness: 0.4, phenotype: 3),
            try individual("(+ x (* y (sin (cos r))))", fitness: 0.4, confidence: 0.5, naturalness: 0.6, phenotype: 4), // dominated
            try individual("(+ y (* x (sin r)))", fitness: 0.9, confidence: 0.9, naturalness: 0.5, phenotype: 1),   // same picture
        ]
        let kept = Pareto.survivors(candidates, count: 3)
        XCTAssertEqual(kept.map(\.evaluation.phenotype), [1, 3, 2], "fittest first; the dominated one and the duplicate go")
        // Fitness selection would have kept the dominated picture over the smallest one.
        let byFitness = kept.map(\.evaluation.phenotype)
        XCTAssertFalse(byFitness.contains(4))
        XCTAssertEqual(Pareto.survivors(candidates, count: 1).map(\.evaluation.phenotype), [1])
        XCTAssertEqual(Pareto.survivors(candidates, count: 0).count, 0)
    }

    /// A run under Pareto selection keeps its best (never worse) and keeps small pictures a run
    /// under fitness selection drops; its config round-trips (old configs decode as fitness).
    /// On this synthetic target (no naturalness penalty, so the fronts are thin) the size
    /// objective fills most places with one-node formulas, one per front: the known pull of a
    /// size objective toward tiny programs (de Jong & Pollack 2003).
    func testAParetoRunKeepsItsBestAndSmallPictures() throws {
        var config = EvolutionConfig()
        config.populationSize = 24
        config.offspringPerGeneration = 24
        config.maxNodes = 40
        config.maxDepth = 8
        func run(_ selection: SurvivorSelection?) throws -> (best: [Float], sizes: [Int]) {
            var c = config
            c.survivors = selection
            let evolver = Evolver(config: c)
            var e = SyntheticEvaluator()
            var state = try evolver.initialState(seed: 4, seeds: [], evaluator: &e)
            var best: [Float] = []
            for _ in 0..<25 { best.append(try evolver.step(&state, evaluator: &e).best.evaluation.fitness) }
            return (best, state.population.map(\.genome.nodeCount))
        }
        let pareto = try run(.pareto), fitness = try run(nil)
        XCTAssertEqual(pareto.best, pareto.best.sorted(), "the best never gets worse")
        XCTAssertLessThan(pareto.sizes.min()!, fitness.sizes.min()!, "sizes \(pareto.sizes.sorted()) against \(fitness.sizes.sorted())")
        XCTAssertEqual(pareto.best.last!, fitness.best.last!, accuracy: 0.01, "a best about as good")

        var stored = config
        stored.survivors = .pareto
        XCTAssertEqual(try JSONDecoder().decode(EvolutionConfig.self, from: JSONEncoder().encode(stored)), stored)
        XCTAssertNil(try JSONDecoder().decode(EvolutionConfig.self, from: JSONEncoder().encode(config)).survivors)
    }
}
