import Foundation
import Genome
import Imaging
import Render
import XCTest

/// Collects per-iteration results from `concurrentPerform`.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Int: Bool] = [:]
    func set(_ i: Int, _ v: Bool) { lock.lock(); storage[i] = v; lock.unlock() }
    var values: [Bool] { lock.lock(); defer { lock.unlock() }; return storage.keys.sorted().map { storage[$0]! } }
}

final class RendererTests: XCTestCase {
    let limits = try! Limits(maxDepth: 9, maxNodes: 80)

    /// The compiled renderer against the tree-walking reference, pixel for pixel.
    func testCompiledRendererMatchesReferenceOnThousandsOfGenomes() throws {
        let population = samplePopulation(count: 2000, seed: 21, limits: limits)
        XCTAssertEqual(Set(population.flatMap { $0.nodes.map(\.op) }), Set(Op.allCases).subtracting([.photo]), "every primitive but photo (it needs a picture; PhotoRenderTests)")
        for (i, g) in population.enumerated() {
            let size = 12 + i % 7
            let compiled = try Renderer.render(g, width: size, height: size + 3, threads: 1 + i % 2)
            let reference = try ReferenceEvaluator.render(g, width: size, height: size + 3)
            let d = maxDifference(compiled, reference)
            XCTAssertLessThanOrEqual(d, 1e-5, "\(g)")
        }
    }

    func testEveryOperatorMatchesReferenceOnRGBAndScalarArguments() throws {
        let rgbArg = "(rgb (* 3 x) (sin (* 4 y)) (- r 0.5))"
        let pictures = Pictures([try renderedPicture()])   // for photo
        for p in Primitive.table where p.arity > 0 {
            for variant in 0..<3 {
                let args = (0..<p.arity).map { k -> String in
                    switch (variant + k) % 3 {
                    case 0: return rgbArg
                    case 1: return "(* 2.5 (+ x (* 0.7 y)))"
                    default: return "(- t 0.25)"
                    }
                }
                let g = try Genome(parsing: "(\(p.name) \(args.joined(separator: " ")))", pictures: pictures)
                let compiled = try Renderer.render(g, width: 23, height: 17)
                let reference = try ReferenceEvaluator.render(g, width: 23, height: 17)
                XCTAssertLessThanOrEqual(maxDifference(compiled, reference), 1e-5, "\(g)")
                let spread = compiled.pixels.max()! - compiled.pixels.min()!
                XCTAssertGreaterThan(spread, 0.01, "\(g) renders flat")
            }
        }
    }

    func testNoNaNOrInfinityEvenWithExtremeConstants() throws {
        let extremes: [Float] = [1e6, -1e6, 1e-30, -1e-30, 0, -0.0, 999_999.9, 3e-38, 1, -1, 0.001, -0.001]
        var rng = SeededGenerator(seed: 77)
        for (i, var g) in samplePopulation(count: 600, seed: 33, limits: limits).enumerated() {
            g.constants = g.constants.map { _ in extremes[Int(rng.next() % UInt64(extremes.count))] }
            let image = try Renderer.render(g, width: 9, height: 7, supersample: 1 + i % 2)
            XCTAssertTrue(image.pixels.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 }, "\(g)")
            for (x, y) in [(Float(0), Float(0)), (1e6, -1e6), (-1, 1)] {
                let v = ReferenceEvaluator.value(of: g, x: x, y: y)
                for c in [v.r, v.g, v.b] { XCTAssertTrue(c.isFinite && abs(c) <= Semantics.bound, "\(g) at (\(x), \(y))") }
            }
            let reference = try ReferenceEvaluator.render(g, width: 9, height: 7, supersample: 1 + i % 2)
            XCTAssertLessThanOrEqual(maxDifference(image, reference), 1e-5, "\(g)")
        }
    }

    func testSimplificationPreservesRenders() throws {
        var folded = 0
        for g in samplePopulation(count: 1500, seed: 44, limits: limits) {
            let s = g.simplified()
            if s.nodeCount < g.nodeCount { folded += 1 }
            let a = try ReferenceEvaluator.render(g, width: 11, height: 11)
            let b = try Renderer.render(s, width: 11, height: 11)
            XCTAssertLessThanOrEqual(maxDifference(a, b), 1e-5, "\(g) → \(s)")
        }
        XCTAssertGreaterThan(folded, 100)
    }

    func testSupersamplingAveragesTheFinerGrid() throws {
        let constant = try Genome(parsing: "(rgb 0.3 -0.6 (+ 0.1 0.2))")
        for k in 1...5 {
            let image = try Renderer.render(constant, width: 13, height: 6, supersample: k)
            for c in 0..<3 {
                let expected = Semantics.squash([0.3, -0.6, Semantics.add(0.1, 0.2)][c])
                for y in 0..<6 { for x in 0..<13 { XCTAssertEqual(image[c, x, y], expected, accuracy: 1e-6) } }
            }
        }
        let g = try Genome(parsing: "(hsv (* 3 t) (sin (* 9 x)) (cos (* 7 (* r y))))")
        for k in [2, 3] {
            let coarse = try Renderer.render(g, width: 10, height: 7, supersample: k)
            let fine = try Renderer.render(g, width: 10 * k, height: 7 * k, threads: 1)
            var boxed = Image(width: 10, height: 7)
            for c in 0..<3 { for y in 0..<7 { for x in 0..<10 {
                var sum: Float = 0
                for sy in 0..<k { for sx in 0..<k { sum += fine[c, x * k + sx, y * k + sy] } }
                boxed[c, x, y] = sum / Float(k * k)
            } } }
            XCTAssertLessThanOrEqual(maxDifference(coarse, boxed), 1e-6)
            let reference = try ReferenceEvaluator.render(g, width: 10, height: 7, supersample: k)
            XCTAssertLessThanOrEqual(maxDifference(coarse, reference), 1e-6)
        }
        // Wide rows: a pixel's samples straddle two tiles (512 is not a multiple of 3).
        let wide = try Renderer.render(g, width: 200, height: 2, supersample: 3, threads: 2)
        XCTAssertLessThanOrEqual(maxDifference(wide, try ReferenceEvaluator.render(g, width: 200, height: 2, supersample: 3)), 1e-6)
    }

    func testAnySizeAndThreadCountGiveTheSameImage() throws {
        let g = try Genome(parsing: "(warp (rgb (noise (* 5 x) (* 5 y)) (sin (* 8 r)) t) (* 0.2 (sin (* 6 y))) 0.1)")
        for (w, h) in [(1, 1), (7, 3), (1, 600), (1300, 2), (37, 41)] {
            let one = try Renderer.render(g, width: w, height: h, threads: 1)
            for threads in [2, 3, 8] {
                XCTAssertEqual(try Renderer.render(g, width: w, height: h, threads: threads), one)
            }
            if w * h <= 2000 {
                XCTAssertLessThanOrEqual(maxDifference(one, try ReferenceEvaluator.render(g, width: w, height: h)), 1e-5)
            }
        }
    }

    /// The deepest genome the parser accepts compiles, renders, folds and prints without
    /// exhausting a worker thread's stack.
    func testDeepestGenomeWorksOnWorkerThreads() throws {
        let depth = Genome.maxDepth - 1
        let text = String(repeating: "(warp (sin ", count: depth / 2) + "(+ x y)" + String(repeating: ") 0.01 y)", count: depth / 2)
        let g = try Genome(parsing: text)
        XCTAssertLessThanOrEqual(g.depth, Genome.maxDepth)
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let image = try? Renderer.render(g, width: 8, height: 8, threads: 1 + i)
            let reference = try? ReferenceEvaluator.render(g, width: 8, height: 8)
            results.set(i, image != nil && image == reference && g.simplified() == g && !g.prettyDescription().isEmpty)
        }
        XCTAssertEqual(results.values, [true, true])
    }

    func testCommonSubexpressionsAreSharedAndConstantsFolded() throws {
        let shared = RenderProgram(try Genome(parsing: "(+ (sin (* 3 x)) (sin (* 3 x)))"))
        let single = RenderProgram(try Genome(parsing: "(+ (sin (* 3 x)) (cos (* 3 x)))"))
        XCTAssertEqual(shared.instructionCount, single.instructionCount - 1)
        let folded = RenderProgram(try Genome(parsing: "(+ x (sin (* 2 (cos 1))))"))
        XCTAssertEqual(folded.instructionCount, 2)       // loadX and one add
        XCTAssertEqual(RenderProgram(try Genome(parsing: "(red (rgb x 1 2))")).instructionCount, 1)
    }

    func testInvalidRequestsThrow() throws {
        let g = try Genome(parsing: "x")
        XCTAssertThrowsError(try Renderer.render(g, width: 0, height: 5)) { error in
            XCTAssertEqual(error as? RenderError, .invalidSize(width: 0, height: 5, supersample: 1))
        }
        XCTAssertThrowsError(try Renderer.render(g, width: 5, height: 5, supersample: 0))
        XCTAssertThrowsError(try Renderer.render(g, width: 5, height: 5, threads: 0)) { error in
            XCTAssertEqual(error as? RenderError, .invalidThreadCount(0))
        }
    }

    func testBenchmarkCountsPixelNodes() throws {
        let genomes = [try Genome(parsing: "(sin x)"), try Genome(parsing: "(+ x (* y r))")]
        let result = try RenderBenchmark.run(genomes: genomes, width: 16, height: 8, threads: 2, repeats: 3)
        XCTAssertEqual(result.pixelNodes, Double(16 * 8 * (2 + 5) * 3))
        XCTAssertEqual(result.renders, 6)
        XCTAssertGreaterThan(result.pixelNodesPerSecond, 0)
        let reference = try RenderBenchmark.runReference(genomes: genomes, width: 16, height: 8, repeats: 1)
        XCTAssertEqual(reference.pixelNodes, Double(16 * 8 * 7))
        let sampled = try RenderBenchmark.runReference(genomes: genomes, width: 16, height: 8, repeats: 2, rows: 3)
        XCTAssertEqual(sampled.pixelNodes, Double(16 * 3 * 7 * 2))
    }
}
