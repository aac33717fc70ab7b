import Genome
import XCTest

/// CPPN-like genomes: their shape, text round trip, unit crossover moving whole units, and
/// mutations that always give valid genomes within the limits.
final class CPPNTests: XCTestCase {
    let limits = try! Limits(maxDepth: 16, maxNodes: 400)

    func testShapeSizeAndTextRoundTrip() throws {
        var rng = SeededGenerator(seed: 1)
        XCTAssertNil(Genome.cppn(limits: try Limits(maxDepth: 12, maxNodes: 400), using: &rng))
        XCTAssertNil(Genome.cppn(limits: try Limits(maxDepth: 16, maxNodes: 150), using: &rng))
        for _ in 0..<1000 {
            let g = try XCTUnwrap(Genome.cppn(limits: limits, using: &rng))
            XCTAssertEqual(g.nodeCount, Genome.cppnNodes)
            XCTAssertEqual(g.depth, Genome.cppnDepth)
            XCTAssertTrue(g.isCPPN)
            XCTAssertEqual(try Genome(parsing: g.description), g, "\(g)")
            let units = try XCTUnwrap(g.cppnUnitIndices)
            XCTAssertEqual(units.count, 3)
            XCTAssertTrue(units.allSatisfy { Genome.cppnActivations.contains(g.nodes[$0].op) })
        }
        XCTAssertFalse(try Genome(parsing: "(mix x y (+ x y))").isCPPN)
        XCTAssertFalse(try Genome(parsing: "(sin x)").isCPPN)
    }

    func testUnitCrossoverSwapsWholeUnitsSlotBySlot() throws {
        var rng = SeededGenerator(seed: 2)
        var swapped = 0, kept = 0
        for _ in 0..<300 {
            let a = try XCTUnwrap(Genome.cppn(limits: limits, using: &rng))
            let b = try XCTUnwrap(Genome.cppn(limits: limits, using: &rng))
            let (x, y) = try XCTUnwrap(Genome.unitCrossover(a, b, limits: limits, using: &rng))
            XCTAssertTrue(limits.admits(x) && limits.admits(y))
            XCTAssertTrue(x.isCPPN && y.isCPPN)
            let units = { (g: Genome) in g.cppnUnitIndices!.map { g.subtree(at: $0) } }
            let (ua, ub, ux, uy) = (units(a), units(b), units(x), units(y))
            for k in 0..<3 {
                XCTAssertEqual(Set([ux[k], uy[k]]), Set([ua[k], ub[k]]), "slot \(k) holds the parents' two units")
                if ux[k] == ua[k] { kept += 1 } else { swapped += 1 }
            }
            // The palette stays with its genome.
            XCTAssertEqual(x.subtree(at: x.argumentIndices(of: 0)[0]), a.subtree(at: a.argumentIndices(of: 0)[0]))
        }
        XCTAssertTrue((380...520).contains(swapped), "even odds per slot: swapped \(swapped) of \(swapped + kept)")
        XCTAssertNil(Genome.unitCrossover(try Genome(parsing: "(sin x)"), try XCTUnwrap(Genome.cppn(limits: limits, using: &rng)),
                                          limits: limits, using: &rng))
    }

    func testEveryCPPNMutationGivesValidGenomesWithinTheLimits() throws {
        var rng = SeededGenerator(seed: 3)
        var changed: [Genome.CPPNMutation: Int] = [:]
        for i in 0..<3000 {
            var parent = try XCTUnwrap(Genome.cppn(limits: limits, using: &rng))
            // Some parents first lost a little of their regularity to ordinary mutations.
            if i % 3 == 0 { parent = parent.mutated(.constantJitter, limits: limits, using: &rng) }
            let kind = Genome.CPPNMutation.allCases[i % Genome.CPPNMutation.allCases.count]
            let child = parent.cppnMutated(kind, limits: limits, using: &rng)
            XCTAssertTrue(limits.admits(child))
            XCTAssertEqual(try Genome(parsing: child.description), child)
            XCTAssertTrue(child.isCPPN)
            if child != parent { changed[kind, default: 0] += 1 }
            if kind == .activation {
                XCTAssertEqual(child.nodeCount, parent.nodeCount)
                XCTAssertEqual(zip(child.nodes, parent.nodes).filter { $0 != $1 }.count, 1, "one activation changed")
            }
        }
        for kind in Genome.CPPNMutation.allCases {
            XCTAssertGreaterThan(changed[kind] ?? 0, 900, "\(kind) changes the genome")
        }
        let plain = try Genome(parsing: "(sin x)")
        XCTAssertEqual(plain.cppnMutated(.replaceUnit, limits: limits, using: &rng), plain)
    }
}
