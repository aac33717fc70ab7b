import Genome
import XCTest

final class WaveTermTests: XCTestCase {
    let limits = try! Limits(maxDepth: 12, maxNodes: 400)

    func testTermsOfAWaveGenomeRebuildIt() {
        var rng = SeededGenerator(seed: 3)
        for count in [1, 2, 5, 24] {
            let g = Genome.waves(terms: count, frequency: 8, limits: limits, using: &rng)
            XCTAssertEqual(g.terms.count, count)
            XCTAssertEqual(g.isSum, count > 1)
            XCTAssertTrue(g.terms.allSatisfy { $0.nodeCount == Genome.waveTermNodes })
            XCTAssertEqual(Genome.sum(of: g.terms), g, "a balanced sum of its own terms is the genome")
        }
        let notASum = try! Genome(parsing: "(sin x)")
        XCTAssertEqual(notASum.terms, [notASum])
    }

    func testTermCrossoverSwapsWholeTermsSlotBySlot() {
        var rng = SeededGenerator(seed: 4)
        var swapped = 0, kept = 0
        for _ in 0..<50 {
            let a = Genome.waves(terms: 24, frequency: 8, limits: limits, using: &rng)
            let b = Genome.waves(terms: 24, frequency: 8, limits: limits, using: &rng)
            let (x, y) = Genome.termCrossover(a, b, limits: limits, using: &rng)
            XCTAssertNoThrow(try Genome(nodes: x.nodes))
            XCTAssertTrue(limits.admits(x) && limits.admits(y))
            let (ta, tb, tx, ty) = (a.terms, b.terms, x.terms, y.terms)
            XCTAssertEqual(tx.count, 24)
            for k in 0..<24 {
                XCTAssertEqual(Set([tx[k], ty[k]]), Set([ta[k], tb[k]]), "slot \(k) holds the parents' two terms")
                if tx[k] == ta[k] { kept += 1 } else { swapped += 1 }
            }
        }
        // Even odds per slot: 1200 slots, each side well within 500…700.
        XCTAssertTrue((500...700).contains(swapped), "swapped \(swapped) of \(swapped + kept)")
    }

    func testTermCrossoverOfUnequalSumsKeepsTheLongerTail() {
        var rng = SeededGenerator(seed: 5)
        let a = Genome.waves(terms: 6, frequency: 8, limits: limits, using: &rng)
        let b = Genome.waves(terms: 3, frequency: 8, limits: limits, using: &rng)
        let (x, y) = Genome.termCrossover(a, b, limits: limits, using: &rng)
        XCTAssertEqual(Array(x.terms[3...]), Array(a.terms[3...]))
        XCTAssertEqual(y.terms.count, 3)
    }

    func testWarpedWavesFeedASineIntoEachPhaseAndFitTheirLimits() throws {
        var rng = SeededGenerator(seed: 6)
        let deep = try Limits(maxDepth: 13, maxNodes: 400)
        XCTAssertEqual(Genome.maxWaveTerms(within: deep, warped: true), 14)
        XCTAssertEqual(Genome.maxWaveTerms(within: limits, warped: true), 8, "depth 12 holds 8 warped terms")
        let g = Genome.waves(terms: 24, frequency: 8, warp: 1, limits: deep, using: &rng)
        XCTAssertTrue(deep.admits(g))
        XCTAssertEqual(g.terms.count, 14)
        for term in g.terms {
            XCTAssertEqual(term.nodeCount, Genome.warpedTermNodes)
            XCTAssertEqual(term.nodes.filter { $0.op == .sin }.count, 2, "\(term)")
        }
        // The same draws without warp give plane waves of the same first frequencies.
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        let plain = Genome.waves(terms: 1, frequency: 8, limits: deep, using: &a)
        let warped = Genome.waves(terms: 1, frequency: 8, warp: 1, limits: deep, using: &b)
        XCTAssertEqual(Array(plain.constants.prefix(5)), Array(warped.constants.prefix(5)))
    }
}
