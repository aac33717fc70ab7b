import Genome
import Imaging
import Render
import XCTest

final class ConstantGradientTests: XCTestCase {
    /// Σ w·pixel of the render of `genome`, in Double.
    private func weightedSum(_ genome: Genome, _ weights: Image) throws -> Double {
        let image = try Renderer.render(genome, width: weights.width, height: weights.height, threads: 1)
        var sum = 0.0
        for i in image.pixels.indices { sum += Double(weights.pixels[i]) * Double(image.pixels[i]) }
        return sum
    }

    /// `weightedSum` with constant `slot` moved by `delta`.
    private func shifted(_ genome: Genome, slot: Int, by delta: Float, _ weights: Image) throws -> (Double, Float) {
        var constants = genome.constants
        constants[slot] += delta
        var g = genome
        g.constants = constants
        return (try weightedSum(g, weights), constants[slot])
    }

    /// Central difference of `weightedSum` in constant `slot` with step h, and the kink
    /// indicator (L(c+h) − 2L(c) + L(c−h)) / h (≈ f″·h where smooth, the slope jump at a kink).
    private func finiteDifference(_ genome: Genome, slot: Int, h: Float, center: Double,
                                  _ weights: Image) throws -> (slope: Double, bend: Double) {
        let (plus, cp) = try shifted(genome, slot: slot, by: h, weights)
        let (minus, cm) = try shifted(genome, slot: slot, by: -h, weights)
        let step = Double(cp) - Double(cm)
        return ((plus - minus) / step, (plus - 2 * center + minus) / (step / 2))
    }

    private func randomWeights(width: Int, height: Int, rng: inout SeededGenerator) -> Image {
        var w = Image(width: width, height: height)
        for i in w.pixels.indices { w.pixels[i] = Float.random(in: -1...1, using: &rng) }
        return w
    }

    /// Gradient vs central differences where the loss is smooth around the constant (two step
    /// sizes agree); returns the number of constants compared.
    private func checkAgainstFiniteDifferences(_ genome: Genome, _ weights: Image,
                                               file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let gradient = try ConstantGradient.compute(genome: genome, width: weights.width, height: weights.height,
                                                    pixelGradient: weights)
        let constants = genome.constants
        XCTAssertEqual(gradient.count, constants.count, file: file, line: line)
        var checked = 0
        for slot in constants.indices {
            let h = 1e-3 * max(1, abs(constants[slot]))
            let center = try weightedSum(genome, weights)
            let (coarse, coarseBend) = try finiteDifference(genome, slot: slot, h: h, center: center, weights)
            let (fine, fineBend) = try finiteDifference(genome, slot: slot, h: h / 2, center: center, weights)
            let scale = max(abs(coarse), abs(fine), 1)
            // Skip a step within ±h (the central differences disagree) or a kink at the sample
            // itself (the bend does not shrink with h).
            guard abs(coarse - fine) <= 2e-3 * scale, abs(fineBend - coarseBend / 2) <= 2e-3 * scale else { continue }
            let g = Double(gradient[slot])
            XCTAssertLessThanOrEqual(abs(g - fine), 1e-2 * max(abs(g), abs(fine)) + 1e-2,
                                     "constant \(slot) = \(constants[slot]) of \(genome): "
                                         + "gradient \(g), finite difference \(fine) (coarse \(coarse), bends \(coarseBend) \(fineBend))", file: file, line: line)
            checked += 1
        }
        return checked
    }

    func testGradientMatchesFiniteDifferencesOnRandomGenomes() throws {
        var rng = SeededGenerator(seed: 7)
        let population = samplePopulation(count: 200, seed: 11, limits: .standard)
        var checked = 0, total = 0
        for genome in population {
            let weights = randomWeights(width: 16, height: 16, rng: &rng)
            checked += try checkAgainstFiniteDifferences(genome, weights)
            total += genome.constants.count
        }
        XCTAssertGreaterThan(checked, total * 3 / 4, "too many constants skipped as non-smooth")
    }

    /// Finite differences on 16×16 renders of `genomes`; most constants must be checked.
    private func checkFamily(_ genomes: [Genome], rng: inout SeededGenerator) throws {
        var checked = 0, total = 0
        for genome in genomes {
            let weights = randomWeights(width: 16, height: 16, rng: &rng)
            checked += try checkAgainstFiniteDifferences(genome, weights)
            total += genome.constants.count
        }
        XCTAssertGreaterThan(checked, total * 3 / 4, "too many constants skipped as non-smooth")
    }

    /// Constants inside a blurred or differentiated body (each counted once per sample) and
    /// the steps themselves.
    func testGradientMatchesFiniteDifferencesThroughImageOperators() throws {
        var rng = SeededGenerator(seed: 17)
        let genomes = try [
            "(rgb (blur (sin (* 7.3 (+ x (* 0.4 y)))) 0.07) (graddir (sin (* 3.1 (+ (* x x) y))) 0.11) (* 0.8 y))",
            "(blur (graddir (* 1.7 (- x (* 0.6 y))) 0.05) (* 0.06 (+ 1.2 x)))",
            "(hsv (blur (fbm (* 2.2 x) (* 1.9 y)) 0.13) 0.7 (graddir (* (- r 0.4) (+ y 0.3)) 0.08))",
        ].map { try Genome(parsing: $0) }
        try checkFamily(genomes, rng: &rng)
    }

    /// Through `photo`: constants that warp the picture's coordinates (bilinear, so a warp
    /// moves samples across cells) and recolour it.
    func testGradientMatchesFiniteDifferencesThroughPhotoWarps() throws {
        var rng = SeededGenerator(seed: 19)
        let picture = try renderedPicture()
        let key = picture.keyText
        let limits = try Limits(maxDepth: 12, maxNodes: 80)
        var genomes = Genome.photoSeeds(picture, count: 24, limits: limits, using: &rng).filter { !$0.constants.isEmpty }
        genomes.append(try Genome(parsing: "(photo@\(key) (+ (* 0.83 x) (* 0.12 (sin (* 2.7 y)))) (- (* 0.91 y) 0.07))",
                                  pictures: Pictures([picture])))
        try checkFamily(genomes, rng: &rng)
    }

    func testGradientMatchesFiniteDifferencesOnLayeredGenomes() throws {
        var rng = SeededGenerator(seed: 12)
        let limits = try Limits(maxDepth: 16, maxNodes: 400)
        try checkFamily((0..<30).map { Genome.layered(layers: 1 + $0 % 4, limits: limits, using: &rng) }, rng: &rng)
    }

    func testGradientMatchesFiniteDifferencesOnCPPNGenomes() throws {
        var rng = SeededGenerator(seed: 13)
        let limits = try Limits(maxDepth: 16, maxNodes: 400)
        try checkFamily((0..<20).compactMap { _ in Genome.cppn(limits: limits, using: &rng) }, rng: &rng)
    }

    func testGradientMatchesFiniteDifferencesOnLibraryGenomes() throws {
        var rng = SeededGenerator(seed: 3)
        for (_, genome) in try libraryGenomes() {
            let weights = randomWeights(width: 16, height: 12, rng: &rng)
            XCTAssertGreaterThan(try checkAgainstFiniteDifferences(genome, weights), 0)
        }
    }

    /// Constants the render compiler folds (`(* 2 3)`) or shares (two equal `(+ x 2)`) keep
    /// separate gradient slots.
    func testFoldedAndSharedConstantsKeepTheirSlots() throws {
        let genome = try Genome(parsing: "(rgb (sin (* 2 3 )) (+ x 0.5) (* (+ x 0.5) (warp (sin (* 4 x)) 0.25 y)))")
        var rng = SeededGenerator(seed: 5)
        let weights = randomWeights(width: 16, height: 16, rng: &rng)
        XCTAssertEqual(try checkAgainstFiniteDifferences(genome, weights), genome.constants.count)
    }

    func testForwardPassReproducesTheRender() throws {
        let population = samplePopulation(count: 60, seed: 21, limits: .standard)
        let zero = Image(width: 23, height: 17)
        for genome in population {
            let (image, gradient) = try ConstantGradient.computeWithImage(genome: genome, width: 23, height: 17,
                                                                          pixelGradient: zero)
            let render = try Renderer.render(genome, width: 23, height: 17)
            XCTAssertEqual(image, render, "\(genome)")
            XCTAssertTrue(gradient.allSatisfy { $0 == 0 })
        }
    }

    func testThreadCountDoesNotChangeTheGradientMuch() throws {
        let genome = try libraryGenomes()[0].1
        var rng = SeededGenerator(seed: 9)
        let weights = randomWeights(width: 40, height: 30, rng: &rng)
        let one = try ConstantGradient.compute(genome: genome, width: 40, height: 30, pixelGradient: weights, threads: 1)
        let two = try ConstantGradient.compute(genome: genome, width: 40, height: 30, pixelGradient: weights, threads: 2)
        for (a, b) in zip(one, two) { XCTAssertEqual(a, b, accuracy: 1e-4 * max(1, abs(a))) }
    }

    func testGradientSizeMismatchIsAnError() throws {
        let genome = try Genome(nodes: [Node(.x)])
        XCTAssertThrowsError(try ConstantGradient.compute(genome: genome, width: 8, height: 8,
                                                          pixelGradient: Image(width: 8, height: 9))) { error in
            XCTAssertEqual(error as? RenderError,
                           .gradientSizeMismatch(width: 8, height: 8, gradientWidth: 8, gradientHeight: 9))
        }
    }
}

/// Layered genomes render like the reference evaluator, are not flat, and their constants'
/// gradients (where shapes slide, grow and recolour under polish) match finite differences.
final class LayeredRenderTests: XCTestCase {
    let limits = try! Limits(maxDepth: 16, maxNodes: 400)

    func testLayeredGenomesRenderLikeTheReferenceAndShowShapes() throws {
        var rng = SeededGenerator(seed: 8)
        for i in 0..<200 {
            let g = Genome.layered(layers: 1 + i % 7, limits: limits, using: &rng)
            let compiled = try Renderer.render(g, width: 24, height: 20, threads: 1 + i % 2)
            let reference = try ReferenceEvaluator.render(g, width: 24, height: 20)
            XCTAssertLessThanOrEqual(maxDifference(compiled, reference), 1e-5, "\(g)")
        }
        // A figure on a ground: the picture is not one flat colour.
        var flat = 0
        for _ in 0..<100 {
            let g = Genome.layered(layers: 3, limits: limits, using: &rng)
            let image = try Renderer.render(g, width: 32, height: 32, threads: 1)
            let mean = image.pixels.reduce(0, +) / Float(image.pixels.count)
            let spread = image.pixels.map { abs($0 - mean) }.reduce(0, +) / Float(image.pixels.count)
            if spread < 0.01 { flat += 1 }
        }
        XCTAssertLessThan(flat, 5, "random layered pictures are not flat")
    }

    func testCPPNGenomesRenderLikeTheReference() throws {
        var rng = SeededGenerator(seed: 9)
        for i in 0..<200 {
            let g = try XCTUnwrap(Genome.cppn(limits: limits, using: &rng))
            let compiled = try Renderer.render(g, width: 24, height: 20, threads: 1 + i % 2)
            let reference = try ReferenceEvaluator.render(g, width: 24, height: 20)
            XCTAssertLessThanOrEqual(maxDifference(compiled, reference), 1e-5, "\(g)")
        }
    }
}
