import Foundation
import Genome
import XCTest

final class OperatorTests: XCTestCase {
    let limits = try! Limits(maxDepth: 8, maxNodes: 60)

    func assertValid(_ g: Genome, within limits: Limits, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertNoThrow(try Genome(nodes: g.nodes), "invalid: \(g)", file: file, line: line)
        XCTAssertLessThanOrEqual(g.nodeCount, limits.maxNodes, "\(g)", file: file, line: line)
        XCTAssertLessThanOrEqual(g.depth, limits.maxDepth, "\(g)", file: file, line: line)
        XCTAssertLessThanOrEqual(g.evaluationCost, limits.maxEvaluationCost, "\(g)", file: file, line: line)
    }

    func testRampedHalfAndHalfIsValidVariedAndWithinLimits() {
        var rng = SeededGenerator(seed: 1)
        let population = Genome.rampedHalfAndHalf(count: 2000, depths: 2...8, limits: limits, using: &rng)
        for g in population { assertValid(g, within: limits) }
        XCTAssertGreaterThan(Set(population).count, 1700)
        XCTAssertTrue(population.allSatisfy { $0.nodeCount == 1 || [.rgb, .hsv].contains($0.nodes[0].op) })
        let used = Set(population.flatMap { $0.nodes.map(\.op) })
        XCTAssertEqual(used, Set(Op.allCases).subtracting([.photo]), "every primitive but photo appears (it needs a picture)")
        // Full trees of depth d reach depth d (when the node budget allows).
        let small = try! Limits(maxDepth: 4, maxNodes: 1000)
        for _ in 0..<50 {
            XCTAssertEqual(Genome.random(method: .full, depth: 4, limits: small, using: &rng).depth, 4)
        }
    }

    func testCrossoverAndMutationsStayValidAndWithinLimits() {
        var rng = SeededGenerator(seed: 2)
        var population = Genome.rampedHalfAndHalf(count: 200, depths: 2...8, limits: limits, using: &rng)
        var changed = [Mutation: Int]()
        for round in 0..<3000 {
            let a = population[rng.nextInt(population.count)], b = population[rng.nextInt(population.count)]
            let (c, d) = Genome.crossover(a, b, limits: limits, using: &rng)
            assertValid(c, within: limits)
            assertValid(d, within: limits)
            let kind = Mutation.allCases[round % Mutation.allCases.count]
            let m = c.mutated(kind, limits: limits, using: &rng)
            assertValid(m, within: limits)
            if m != c { changed[kind, default: 0] += 1 }
            if kind == .hoist || kind == .shrink { XCTAssertLessThanOrEqual(m.nodeCount, c.nodeCount) }
            if kind == .point || kind == .constantJitter { XCTAssertEqual(m.nodes.map(\.op.arity), c.nodes.map(\.op.arity)) }
            population[rng.nextInt(population.count)] = m
        }
        for kind in Mutation.allCases { XCTAssertGreaterThan(changed[kind, default: 0], 200, "\(kind) rarely changes anything") }
    }

    /// A jitter of `count` constants moves exactly that many (a uniform draw: every constant is
    /// moved sometimes) and keeps the shape; without a count, or with one at least the number of
    /// constants, it moves every constant.
    func testSparseJitterMovesExactlyItsCountOfConstants() throws {
        var rng = SeededGenerator(seed: 8)
        let big = try Limits(maxDepth: 16, maxNodes: 600)
        let layered = Genome.layered(layers: 4, limits: big,
                                     texture: LayerTexture(groundWaves: 8, colourWaves: 2, frequency: 8), using: &rng)
        let constants = layered.nodes.indices.filter { layered.nodes[$0].op == .constant }
        XCTAssertGreaterThan(constants.count, 100)
        func moved(_ g: Genome) -> [Int] { constants.filter { g.nodes[$0].value != layered.nodes[$0].value } }
        var touched = Set<Int>()
        for _ in 0..<400 {
            let child = layered.mutated(.constantJitter, limits: big, jittered: 4, using: &rng)
            XCTAssertEqual(child.nodes.map(\.op), layered.nodes.map(\.op))
            let m = moved(child)
            XCTAssertEqual(m.count, 4)
            touched.formUnion(m)
        }
        XCTAssertGreaterThan(touched.count, constants.count * 9 / 10, "the draw reaches (nearly) every constant")
        XCTAssertEqual(moved(layered.constantsJittered(using: &rng)).count, constants.count)
        XCTAssertEqual(moved(layered.constantsJittered(count: constants.count + 5, using: &rng)).count, constants.count)
    }

    func testOversizedParentsAreFittedIntoLimits() throws {
        var rng = SeededGenerator(seed: 3)
        let big = try Limits(maxDepth: 14, maxNodes: 2000)
        let tight = try Limits(maxDepth: 5, maxNodes: 12)
        for _ in 0..<300 {
            let g = Genome.random(method: .full, depth: 10, limits: big, using: &rng)
            assertValid(g.fitted(to: tight, using: &rng), within: tight)
            assertValid(Genome.crossover(g, g, limits: tight, using: &rng).0, within: tight)
            assertValid(g.mutated(.subtree, limits: tight, using: &rng), within: tight)
        }
        XCTAssertThrowsError(try Limits(maxDepth: 0, maxNodes: 10))
        XCTAssertEqual(try JSONDecoder().decode(Limits.self, from: JSONEncoder().encode(tight)), tight)
        XCTAssertThrowsError(try JSONDecoder().decode(Limits.self, from: Data(#"{"maxDepth":3,"maxNodes":0}"#.utf8)))
    }

    func testRestrictedPrimitiveSetsAreRespected() throws {
        let set = try PrimitiveSet(functions: [.add, .sin, .mix], terminals: [.x, .constant], constantRange: 0...1)
        var rng = SeededGenerator(seed: 4)
        let population = Genome.rampedHalfAndHalf(count: 300, limits: limits, primitives: set, using: &rng)
        var variants = population
        for g in population {
            variants.append(g.mutated(.subtree, limits: limits, primitives: set, using: &rng))
            variants.append(g.mutated(.point, limits: limits, primitives: set, using: &rng))
        }
        let allowed: Set<Op> = [.add, .sin, .mix, .x, .constant]
        for g in variants {
            XCTAssertTrue(Set(g.nodes.map(\.op)).isSubset(of: allowed), "\(g)")
            XCTAssertTrue(g.constants.allSatisfy { (0...1).contains($0) }, "\(g)")
        }
        XCTAssertThrowsError(try PrimitiveSet(functions: [.x], terminals: [.y]))
        XCTAssertThrowsError(try PrimitiveSet(functions: [.sin], terminals: []))
    }

    /// Wave genomes: Σ (rgb a b c)·sin(u·x + v·y + φ), six constants a term, clipped to the
    /// limits, parseable, the same for the same seed.
    func testWaveGenomesHaveTheirShapeAndFitTheLimits() throws {
        var rng = SeededGenerator(seed: 9)
        let g = Genome.waves(terms: 24, frequency: 8, limits: try Limits(maxDepth: 12, maxNodes: 400), using: &rng)
        XCTAssertEqual(g.nodeCount, 24 * Genome.waveTermNodes + 23)
        XCTAssertEqual(g.constants.count, 24 * 6)
        XCTAssertLessThanOrEqual(g.depth, 12)
        XCTAssertEqual(try Genome(parsing: g.description), g)
        XCTAssertEqual(g.nodes.filter { $0.op == .sin }.count, 24)
        // Frequencies are drawn with the given spread: their RMS is near 8.
        let frequencies = g.nodes.indices.filter { g.nodes[$0].op == .mul && g.nodes[$0 + 1].op == .constant
            && [.x, .y].contains(g.nodes[$0 + 2].op) }.map { g.nodes[$0 + 1].value }
        XCTAssertEqual(frequencies.count, 48)
        let rms = (frequencies.map { $0 * $0 }.reduce(0, +) / 48).squareRoot()
        XCTAssertEqual(rms, 8, accuracy: 2.5)

        let small = try Limits(maxDepth: 9, maxNodes: 100)
        let clipped = Genome.waves(terms: 24, frequency: 8, limits: small, using: &rng)
        XCTAssertEqual(Genome.maxWaveTerms(within: small), 6)
        XCTAssertEqual(clipped.nodeCount, 6 * 16 - 1)
        XCTAssertTrue(small.admits(clipped))
        XCTAssertEqual(Genome.maxWaveTerms(within: try Limits(maxDepth: 12, maxNodes: 14)), 0)
        XCTAssertEqual(Genome.maxWaveTerms(within: try Limits(maxDepth: 6, maxNodes: 400)), 1)

        var r1 = SeededGenerator(seed: 4), r2 = SeededGenerator(seed: 4)
        XCTAssertEqual(Genome.waves(terms: 5, frequency: 3, using: &r1), Genome.waves(terms: 5, frequency: 3, using: &r2))
    }

    func testSameSeedGivesSameGenomes() {
        XCTAssertEqual(samplePopulation(count: 400, seed: 42, limits: limits),
                       samplePopulation(count: 400, seed: 42, limits: limits))
        XCTAssertNotEqual(samplePopulation(count: 400, seed: 42, limits: limits),
                          samplePopulation(count: 400, seed: 43, limits: limits))
    }

    func testGeneratorStateRestoresBitExactly() throws {
        var a = SeededGenerator(seed: 2024)
        for _ in 0..<17 { _ = a.next() }
        var b = try SeededGenerator(state: a.state)
        let json = try JSONEncoder().encode(a)
        var c = try JSONDecoder().decode(SeededGenerator.self, from: json)
        XCTAssertEqual(b, a)
        for _ in 0..<100 {
            let v = a.next()
            XCTAssertEqual(b.next(), v)
            XCTAssertEqual(c.next(), v)
        }
        XCTAssertThrowsError(try SeededGenerator(state: [0, 0, 0, 0]))
        XCTAssertThrowsError(try SeededGenerator(state: [1, 2, 3]))
        // Known first outputs of xoshiro256** seeded by SplitMix64(0), a fixed point of the format.
        var z = SeededGenerator(seed: 0)
        let first = [z.next(), z.next()]
        XCTAssertEqual(first, [0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A])
    }

    func testStructuralHashEqualForEqualAndDistinctForDifferent() throws {
        let population = Array(Set(samplePopulation(count: 6000, seed: 8)))
        XCTAssertGreaterThan(population.count, 4000)
        var seen = [UInt64: Genome]()
        for g in population {
            if let other = seen[g.structuralHash] { XCTFail("collision: \(g) vs \(other)") }
            seen[g.structuralHash] = g
            XCTAssertEqual(try Genome(parsing: g.description).structuralHash, g.structuralHash)
        }
        let a = try Genome(parsing: "(+ x 0.0)"), b = try Genome(parsing: "(+ x -0.0)")
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.structuralHash, b.structuralHash)
        // FNV-1a 64 of "rgb x y r " (computed independently): stable across runs and builds.
        XCTAssertEqual(try Genome(parsing: "(rgb x y r)").structuralHash, 0x35C1_1E74_9CFE_D807)
    }

    func testCodableUsesTheTextForm() throws {
        let g = try Genome(parsing: "(mix x (sin 1.25) (noise y r))")
        let json = try JSONEncoder().encode([g])
        XCTAssertEqual(String(decoding: json, as: UTF8.self), #"["(mix x (sin 1.25) (noise y r))"]"#)
        XCTAssertEqual(try JSONDecoder().decode([Genome].self, from: json), [g])
        XCTAssertThrowsError(try JSONDecoder().decode([Genome].self, from: Data(#"["(sin"]"#.utf8)))
    }

    func testConstantsGetAndSetInPrefixOrder() throws {
        var g = try Genome(parsing: "(+ (* 2 x) (sin (- 3 y)))")
        XCTAssertEqual(g.constants, [2, 3])
        g.constants = [5.5, .nan]
        XCTAssertEqual(g.description, "(+ (* 5.5 x) (sin (- 0.0 y)))")
        g.constants = [.infinity, -7]
        XCTAssertEqual(g.constants, [1_000_000, -7])
    }

    func testSimplifyFoldsConstantSubtreesOnly() throws {
        let folded = Semantics.mul(Semantics.sin(2), Semantics.add(1, 3))
        let g = try Genome(parsing: "(+ (* (sin 2) (+ 1 3)) (warp (cos x) (cos 0) y))")
        XCTAssertEqual(g.simplified().description, "(+ \(folded) (warp (cos x) 1.0 y))")
        let whole = try Genome(parsing: "(+ (* (sin 2) (+ 1 3)) (warp (cos 0) x y))")
        XCTAssertEqual(whole.simplified().description, Semantics.add(folded, Semantics.cos(0)).description)
        let colour = try Genome(parsing: "(* x (rgb (+ 1 2) 0.5 (gray (rgb 1 2 3))))")
        XCTAssertEqual(colour.simplified().description, "(* x (rgb 3.0 0.5 2.0))")
        for g in samplePopulation(count: 2000, seed: 9) {
            let s = g.simplified()
            XCTAssertNoThrow(try Genome(nodes: s.nodes))
            XCTAssertLessThanOrEqual(s.nodeCount, g.nodeCount)
            XCTAssertEqual(s.simplified(), s, "idempotent")
        }
    }

    func testDepthSubtreesAndNodeDepths() throws {
        let g = try Genome(parsing: "(+ (sin x) (mix y 1 (cos r)))")
        XCTAssertEqual(g.depth, 4)
        XCTAssertEqual(g.nodeDepths, [0, 1, 2, 1, 2, 2, 2, 3])
        XCTAssertEqual(g.subtreeEnds, [8, 3, 3, 8, 5, 6, 8, 8])
        XCTAssertEqual(g.subtree(at: 3).description, "(mix y 1.0 (cos r))")
        XCTAssertEqual(g.argumentIndices(of: 3), [4, 5, 6])
        XCTAssertEqual(try Genome(parsing: "x").depth, 1)
    }
}
