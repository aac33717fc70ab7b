import Foundation
import Genome
import XCTest

/// `blur` and `graddir` evaluate their body 9 and 4 times: the cost a genome declares, the
/// global bound every parsed genome keeps, and the bound the genetic operators keep.
final class ImageOperatorCostTests: XCTestCase {
    func testCostCountsEveryBodyEvaluation() throws {
        XCTAssertEqual(try Genome(parsing: "(+ x y)").evaluationCost, 3)
        // blur: itself, 9 × its body (3 nodes), its step (1 node).
        XCTAssertEqual(try Genome(parsing: "(blur (+ x y) 0.1)").evaluationCost, 1 + 9 * 3 + 1)
        XCTAssertEqual(try Genome(parsing: "(graddir (+ x y) 0.1)").evaluationCost, 1 + 4 * 3 + 1)
        // Nested: the inner blur's whole cost counts 4 times in the graddir's body.
        XCTAssertEqual(try Genome(parsing: "(graddir (blur x 0.1) (* 2 y))").evaluationCost, 1 + 4 * (1 + 9 + 1) + 3)
        // The step is evaluated once, at the outer coordinates.
        XCTAssertEqual(try Genome(parsing: "(blur x (blur y 0.1))").evaluationCost, 1 + 9 + (1 + 9 + 1))
    }

    func testAGenomeTooCostlyToRenderIsRefusedWithTheReason() throws {
        func nested(_ count: Int) -> String {
            var text = "x"
            for _ in 0..<count { text = "(blur \(text) 0.01)" }
            return text
        }
        // Seven nested blurs: 9⁷ ≈ 4.8 million evaluations of x per sample.
        XCTAssertThrowsError(try Genome(parsing: nested(7))) { error in
            guard case let .tooCostly(cost, limit)? = error as? GenomeError else { return XCTFail("\(error)") }
            XCTAssertGreaterThan(cost, limit)
            XCTAssertEqual(limit, Genome.maxEvaluationCost)
            let message = "\(error)"
            for words in ["\(cost) times per sample", "blur evaluates its body 9 times", "nest fewer"] {
                XCTAssertTrue(message.contains(words), message)
            }
        }
        let six = try Genome(parsing: nested(6))
        XCTAssertNoThrow(try Genome(nodes: six.nodes), "six nested blurs are within the bound")
        XCTAssertThrowsError(try Genome(nodes: [Node(.blur)] + six.nodes + [.constant(0.01)]),
                             "init(nodes:) keeps the bound too")
        XCTAssertThrowsError(try JSONDecoder().decode(Genome.self, from: JSONEncoder().encode(nested(7))),
                             "a stored genome is parsed with the same bound")
    }

    func testLimitsAdmitAtMostFourTimesTheirNodesInEvaluations() throws {
        let limits = try Limits(maxDepth: 10, maxNodes: 20)
        XCTAssertEqual(limits.maxEvaluationCost, 80)
        let cheap = try Genome(parsing: "(blur (sin (* 3 x)) 0.05)")       // 1 + 9·4 + 1 = 38
        let costly = try Genome(parsing: "(blur (blur (sin (* 3 x)) 0.05) 0.05)")   // 1 + 9·38 + 1
        XCTAssertTrue(limits.admits(cheap))
        XCTAssertFalse(limits.admits(costly), "8 nodes, but \(costly.evaluationCost) evaluations")
        // Trimming into the limits gives the costliest image operator up for its body.
        var rng = SeededGenerator(seed: 3)
        let fitted = costly.fitted(to: limits, using: &rng)
        XCTAssertTrue(limits.admits(fitted), "\(fitted)")
        XCTAssertEqual(fitted, cheap)
    }

    /// Random trees, crossover and every mutation keep the evaluation bound while using the
    /// image operators (which the standard primitive set offers).
    func testTheGeneticOperatorsKeepTheEvaluationBound() {
        let limits = try! Limits(maxDepth: 8, maxNodes: 60)
        var rng = SeededGenerator(seed: 5)
        var population = Genome.rampedHalfAndHalf(count: 300, depths: 2...8, limits: limits, using: &rng)
        var withImageOperators = 0
        for round in 0..<3000 {
            let a = population[rng.nextInt(population.count)], b = population[rng.nextInt(population.count)]
            let (c, _) = Genome.crossover(a, b, limits: limits, using: &rng)
            let m = c.mutated(Mutation.allCases[round % Mutation.allCases.count], limits: limits, using: &rng)
            for g in [c, m] {
                XCTAssertLessThanOrEqual(g.evaluationCost, limits.maxEvaluationCost, "\(g)")
                if g.nodes.contains(where: { $0.op == .blur || $0.op == .graddir }) { withImageOperators += 1 }
            }
            population[rng.nextInt(population.count)] = m
        }
        XCTAssertGreaterThan(withImageOperators, 600, "the image operators take part in evolution")
    }

    func testACoordinateFreeBodyFoldsExactly() throws {
        // Every sample of a constant body is the same: blur keeps it, graddir sees no slope.
        XCTAssertEqual(try Genome(parsing: "(blur (sin 2) (* x 0.1))").simplified(), try Genome(parsing: "(sin 2)").simplified())
        XCTAssertEqual(try Genome(parsing: "(graddir (* 3 0.5) 0.1)").simplified(), try Genome(parsing: "0"))
        XCTAssertEqual(try Genome(parsing: "(+ (blur x 0.1) (graddir 2 y))").simplified(),
                       try Genome(parsing: "(+ (blur x 0.1) 0)"))
    }
}
