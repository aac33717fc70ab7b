import Genome
import Imaging
import Render
import XCTest

/// Sims' image operators: `blur` is the 3×3 tent filter of its body, `graddir` the direction
/// of its body's slope; the compiled renderer draws them like the reference evaluator.
final class ImageOperatorTests: XCTestCase {
    private let body = "(sin (* 7 (+ x (* 2 (* y y)))))"

    func testBlurIsTheTentFilterOfItsBody() throws {
        let f = try Genome(parsing: body)
        let step: Float = 0.09
        let blurred = try Genome(parsing: "(blur \(body) \(step))")
        for (x, y) in [(Float(0.1), Float(-0.3)), (0.77, 0.41), (-0.5, 0.9), (0, 0)] {
            var expected: Float = 0
            for dy in -1...1 {
                for dx in -1...1 {
                    let weight = Float((2 - abs(dx)) * (2 - abs(dy))) / 16
                    expected += weight * ReferenceEvaluator.value(of: f, x: x + Float(dx) * step, y: y + Float(dy) * step).r
                }
            }
            let value = ReferenceEvaluator.value(of: blurred, x: x, y: y)
            XCTAssertEqual(value.r, expected, accuracy: 1e-5, "(\(x), \(y))")
            XCTAssertEqual(value.g, value.r)
        }
    }

    func testGradientDirectionPointsUpTheSlope() throws {
        // angle = atan2(dy, dx)/π: rising to the right 0, downwards (y grows down) 0.5, to the left 1.
        for (text, direction) in [("x", Float(0)), ("y", 0.5), ("(- 0 x)", 1), ("(- 0 y)", -0.5), ("(+ x y)", 0.25)] {
            let g = try Genome(parsing: "(graddir \(text) 0.05)")
            for (x, y) in [(Float(0.2), Float(0.3)), (-0.6, 0.1)] {
                XCTAssertEqual(ReferenceEvaluator.value(of: g, x: x, y: y).r, direction, accuracy: 1e-4, "\(g)")
            }
        }
        // Rings: the slope of r points away from the centre, so graddir r is the angle t.
        let rings = try Genome(parsing: "(graddir r 0.01)")
        for (x, y) in [(Float(0.5), Float(0.5)), (-0.3, 0.6), (-0.7, -0.2)] {
            XCTAssertEqual(ReferenceEvaluator.value(of: rings, x: x, y: y).r, atan2(y, x) / .pi, accuracy: 1e-3)
        }
    }

    /// A tent three samples wide cancels a wave whose half period is the step:
    /// (sin(a − π) + 2 sin a + sin(a + π)) / 4 = 0.
    func testBlurRemovesTheWaveItsStepCancels() throws {
        let stripes = try Genome(parsing: "(sin (* 60 x))")
        let blurred = try Genome(parsing: "(blur (sin (* 60 x)) \(Float.pi / 60))")
        func contrast(_ g: Genome) throws -> Float {
            let image = try Renderer.render(g, width: 64, height: 64)
            let reference = try ReferenceEvaluator.render(g, width: 64, height: 64)
            XCTAssertLessThanOrEqual(maxDifference(image, reference), 1e-5, "\(g)")
            return image.pixels.max()! - image.pixels.min()!
        }
        let before = try contrast(stripes), after = try contrast(blurred)
        XCTAssertGreaterThan(before, 0.9)
        XCTAssertLessThan(after, 0.01 * before, "blur leaves \(after) of \(before)")
    }

    func testImageOperatorsRenderLikeTheReferenceAtEverySizeAndThreadCount() throws {
        let g = try Genome(parsing: """
            (rgb (blur \(body) (* 0.05 (+ 1 x))) (graddir (fbm (* 3 x) (* 3 y)) 0.03) (blur (graddir (* r r) 0.02) 0.04))
            """)
        for (size, threads) in [(16, 1), (31, 2), (57, 2)] {
            let compiled = try Renderer.render(g, width: size, height: size + 2, threads: threads)
            let reference = try ReferenceEvaluator.render(g, width: size, height: size + 2)
            XCTAssertLessThanOrEqual(maxDifference(compiled, reference), 1e-5, "\(size)")
        }
    }
}
