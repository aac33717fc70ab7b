import Imaging
import XCTest

/// Area-average shrinking, bicubic enlarging and the network preparation.
final class ResizeTests: XCTestCase {
    func testConstantImageStaysConstant() {
        let image = Image(width: 37, height: 29, fill: 0.37)
        for (w, h) in [(13, 11), (80, 61), (13, 61), (80, 11), (37, 29), (1, 1)] {
            let out = image.resized(width: w, height: h)
            XCTAssertEqual(out.width, w)
            XCTAssertEqual(out.height, h)
            XCTAssertLessThan(out.pixels.map { abs($0 - 0.37) }.max() ?? 1, 1e-6, "\(w)×\(h)")
        }
    }

    func testHalvingEqualsTwoByTwoBlockMeans() {
        let image = randomImage(width: 8, height: 6, seed: 11)
        let half = image.resized(width: 4, height: 3)
        for c in 0..<3 {
            for y in 0..<3 {
                for x in 0..<4 {
                    let mean = (image[c, 2 * x, 2 * y] + image[c, 2 * x + 1, 2 * y]
                        + image[c, 2 * x, 2 * y + 1] + image[c, 2 * x + 1, 2 * y + 1]) / 4
                    XCTAssertEqual(half[c, x, y], mean, accuracy: 1e-6)
                }
            }
        }
    }

    /// Fractional shrink against the definition: overlap-weighted mean over the footprint.
    func testFractionalShrinkMatchesAreaDefinition() {
        let image = randomImage(width: 10, height: 7, seed: 12)
        let (w, h) = (4, 3)
        let out = image.resized(width: w, height: h)
        let sx = 10.0 / Double(w), sy = 7.0 / Double(h)
        func overlap(_ lo: Double, _ hi: Double, _ j: Int) -> Double {
            max(0, min(hi, Double(j + 1)) - max(lo, Double(j)))
        }
        for c in 0..<3 {
            for oy in 0..<h {
                for ox in 0..<w {
                    var sum = 0.0
                    for y in 0..<7 {
                        for x in 0..<10 {
                            let weight = overlap(Double(ox) * sx, Double(ox + 1) * sx, x)
                                * overlap(Double(oy) * sy, Double(oy + 1) * sy, y)
                            sum += weight * Double(image[c, x, y])
                        }
                    }
                    XCTAssertEqual(Double(out[c, ox, oy]), sum / (sx * sy), accuracy: 1e-5)
                }
            }
        }
    }

    /// Keys' cubic (a = −0.5) reproduces quadratics exactly away from the edges.
    func testBicubicEnlargeReproducesQuadratics() {
        let n = 12, m = 29
        var image = Image(width: n, height: 5)
        func f(_ t: Double) -> Double { 0.1 + 0.05 * t - 0.002 * t * t }
        for c in 0..<3 {
            for y in 0..<5 {
                for x in 0..<n { image[c, x, y] = Float(f(Double(x))) }
            }
        }
        let out = image.resized(width: m, height: 5)
        for i in 0..<m {
            let position = (Double(i) + 0.5) * Double(n) / Double(m) - 0.5
            guard position >= 1, position <= Double(n - 2) else { continue } // needs 4 real neighbours
            for c in 0..<3 { XCTAssertEqual(Double(out[c, i, 2]), f(position), accuracy: 1e-5, "i = \(i)") }
        }
    }

    func testBicubicEnlargeOfUpsampledStepIsSymmetric() {
        // A vertical step enlarged 2× vertically: the interpolated column is antisymmetric about 0.5.
        var image = Image(width: 1, height: 4)
        for c in 0..<3 { image[c, 0, 2] = 1; image[c, 0, 3] = 1 }
        let out = image.resized(width: 1, height: 8)
        for y in 0..<8 { XCTAssertEqual(out[0, 0, y] + out[0, 0, 7 - y], 1, accuracy: 1e-6) }
    }

    func testPrepareForNetwork() {
        let exact = randomImage(width: 224, height: 224, seed: 5, in: -0.2...1.2)
        XCTAssertEqual(exact.prepareForNetwork(size: 224), exact, "already the right size: unchanged")
        let big = randomImage(width: 256, height: 256, seed: 6)
        XCTAssertEqual(big.prepareForNetwork(size: 224), big.centreCropped(fraction: 0.875),
                       "256 crops to exactly 224")
        let large = randomImage(width: 512, height: 384, seed: 7)
        let prepared = large.prepareForNetwork(size: 224)
        XCTAssertEqual([prepared.width, prepared.height], [224, 224])
        let expected = large.centreSquareCropped(fraction: 0.875).resized(width: 224, height: 224).clamped()
        XCTAssertEqual(prepared, expected)
        let small = Image(width: 100, height: 100, fill: 0.25).prepareForNetwork(size: 224)
        XCTAssertLessThan(small.pixels.map { abs($0 - 0.25) }.max() ?? 1, 1e-6)
    }
}
