import Imaging
import XCTest

/// Anisotropic total variation and its gradient.
final class TotalVariationTests: XCTestCase {
    /// The definition, in Double, sample by sample.
    private func referenceTV(_ image: Image) -> Double {
        var sum = 0.0
        for c in 0..<3 {
            for y in 0..<image.height {
                for x in 0..<image.width {
                    if x + 1 < image.width { sum += abs(Double(image[c, x + 1, y]) - Double(image[c, x, y])) }
                    if y + 1 < image.height { sum += abs(Double(image[c, x, y + 1]) - Double(image[c, x, y])) }
                }
            }
        }
        return sum / Double(3 * image.width * image.height)
    }

    func testChelseaReferenceValue() throws {
        let tv = anisotropicTotalVariation(try chelsea())
        XCTAssertEqual(Double(tv), 0.059176, accuracy: 0.059176 * 1e-4)
    }

    func testMatchesDefinitionAndIsZeroWhenFlat() {
        XCTAssertEqual(anisotropicTotalVariation(Image(width: 17, height: 9, fill: 0.3)), 0)
        for (w, h) in [(1, 1), (1, 6), (7, 1), (19, 11)] {
            let image = randomImage(width: w, height: h, seed: UInt64(w * 100 + h))
            XCTAssertEqual(Double(anisotropicTotalVariation(image)), referenceTV(image), accuracy: 1e-6, "\(w)×\(h)")
        }
    }

    func testGradientMatchesFiniteDifferences() {
        // Neighbouring samples differ by at least 1/17 − 0.02 > 0.03, so a step of 0.01 never
        // crosses a kink and TV is linear along it: central differences are exact up to rounding.
        let (w, h) = (9, 7)
        var rng = SplitMix64(state: 99)
        var image = Image(width: w, height: h)
        for c in 0..<3 {
            for y in 0..<h {
                for x in 0..<w {
                    let base = Float((x * 7 + y * 13 + c * 5) % 17) / 17
                    image[c, x, y] = base + Float.random(in: 0...0.02, using: &rng)
                }
            }
        }
        let gradient = totalVariationGradient(image)
        let step: Float = 0.01
        for i in image.pixels.indices {
            var plus = image, minus = image
            plus.pixels[i] += step
            minus.pixels[i] -= step
            let numeric = (referenceTV(plus) - referenceTV(minus)) / Double(2 * step)
            XCTAssertEqual(Double(gradient.pixels[i]), numeric, accuracy: 1e-6, "sample \(i)")
        }
        // A flat image sits on every kink: the subgradient chosen there is 0.
        XCTAssertEqual(totalVariationGradient(Image(width: 4, height: 3, fill: 0.5)).pixels,
                       [Float](repeating: 0, count: 36))
    }
}
