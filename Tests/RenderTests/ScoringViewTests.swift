import Genome
import Imaging
import Render
import XCTest

final class ScoringViewTests: XCTestCase {
    func testViewZeroIsThePlainRenderAndLaterViewsAreCropsOfLargerRenders() throws {
        var rng = SeededGenerator(seed: 3)
        let genome = Genome.waves(terms: 4, frequency: 6, using: &rng)
        let plain = try Renderer.render(genome, width: 32, height: 32)
        XCTAssertEqual(try ScoringView(index: 0, resolution: 32).render(genome), plain)
        for v in 1...4 {
            let view = ScoringView(index: v, resolution: 32)
            XCTAssertEqual(view.size, Int((32 * (1 + 0.06 * Double(v))).rounded()))
            XCTAssertLessThanOrEqual(view.x + 32, view.size)
            XCTAssertLessThanOrEqual(view.y + 32, view.size)
            let large = try Renderer.render(genome, width: view.size, height: view.size)
            XCTAssertEqual(try view.render(genome), large.cropped(x: view.x, y: view.y, width: 32, height: 32))
        }
    }

    /// ∂(Σ w·view)/∂constants through the crop equals central differences of the same sum.
    func testViewGradientMatchesFiniteDifferences() throws {
        var rng = SeededGenerator(seed: 11)
        // Small colour weights keep every pixel inside the squash's linear range (no kinks).
        let genome = Genome.waves(terms: 3, frequency: 4, using: &rng)
        let view = ScoringView(index: 3, resolution: 20)
        XCTAssertGreaterThan(view.size, 20)
        var weights = Image(width: 20, height: 20)
        for i in weights.pixels.indices { weights.pixels[i] = Float.random(in: -1...1, using: &rng) }
        func loss(_ g: Genome) throws -> Double {
            let image = try view.render(g, threads: 1)
            return zip(image.pixels, weights.pixels).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        let gradient = try view.constantGradient(genome, pixelGradient: weights)
        XCTAssertEqual(gradient.count, genome.constants.count)
        for slot in genome.constants.indices {
            let h: Float = 1e-3 * max(1, abs(genome.constants[slot]))
            var plus = genome, minus = genome
            plus.constants[slot] += h
            minus.constants[slot] -= h
            let step = Double(plus.constants[slot]) - Double(minus.constants[slot])
            let numeric = (try loss(plus) - loss(minus)) / step
            XCTAssertEqual(Double(gradient[slot]), numeric, accuracy: 1e-2 * max(1, abs(numeric)),
                           "constant \(slot) = \(genome.constants[slot])")
        }
    }
}
