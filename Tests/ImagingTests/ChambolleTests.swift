import Imaging
import XCTest

/// Chambolle TV denoising against scikit-image reference values and a slow Double port.
final class ChambolleTests: XCTestCase {
    /// scikit-image's `_denoise_tv_chambolle_nd` on one H×W plane, written out in Double with
    /// whole-array steps in the same order as the NumPy code.
    private func referencePlane(_ f: [Double], width w: Int, height h: Int, weight: Double,
                                eps: Double, maxIterations: Int) -> [Double] {
        let n = w * h
        var p0 = [Double](repeating: 0, count: n), p1 = p0 // axis 0 (rows), axis 1 (columns)
        var g0 = p0, g1 = p0, d = p0, out = f
        var initial = 0.0, previous = 0.0
        for i in 0..<maxIterations {
            if i > 0 {
                for k in 0..<n { d[k] = -(p0[k] + p1[k]) }
                for y in 1..<h { for x in 0..<w { d[y * w + x] += p0[(y - 1) * w + x] } }
                for y in 0..<h { for x in 1..<w { d[y * w + x] += p1[y * w + x - 1] } }
                for k in 0..<n { out[k] = f[k] + d[k] }
            }
            var energy = d.reduce(0) { $0 + $1 * $1 }
            for y in 0..<(h - 1) { for x in 0..<w { g0[y * w + x] = out[(y + 1) * w + x] - out[y * w + x] } }
            for y in 0..<h { for x in 0..<(w - 1) { g1[y * w + x] = out[y * w + x + 1] - out[y * w + x] } }
            var norm: [Double] = (0..<n).map { (k: Int) -> Double in (g0[k] * g0[k] + g1[k] * g1[k]).squareRoot() }
            energy += weight * norm.reduce(0, +)
            let tau = 0.25
            for k in 0..<n {
                norm[k] = norm[k] * tau / weight + 1
                p0[k] = (p0[k] - tau * g0[k]) / norm[k]
                p1[k] = (p1[k] - tau * g1[k]) / norm[k]
            }
            energy /= Double(n)
            if i == 0 {
                initial = energy
                previous = energy
            } else {
                if abs(previous - energy) < eps * initial { break }
                previous = energy
            }
        }
        return out
    }

    private func reference(_ image: Image, weight: Double, eps: Double = 2e-4, maxIterations: Int = 200) -> Image {
        let plane = image.planeSize
        var out = Image(width: image.width, height: image.height)
        for c in 0..<3 {
            let f = image.pixels[(c * plane)..<((c + 1) * plane)].map(Double.init)
            let u = referencePlane(f, width: image.width, height: image.height, weight: weight,
                                   eps: eps, maxIterations: maxIterations)
            for k in 0..<plane { out.pixels[c * plane + k] = Float(u[k]) }
        }
        return out
    }

    func testChelseaReferenceValues() throws {
        let image = try chelsea()
        // scikit-image 0.26 denoise_tv_chambolle(x, weight, eps=2e-4, max_num_iter=200, channel_axis=-1).
        for (weight, expected) in [(Float(0.2), 0.033358), (Float(0.1), 0.025098)] {
            let distance = Double(denoiseDistance(image, weight: weight))
            XCTAssertEqual(distance, expected, accuracy: expected * 5e-4, "weight \(weight)")
        }
    }

    func testDenoisedImageMatchesSlowReference() throws {
        let photo = try chelsea().cropped(x: 60, y: 40, width: 45, height: 33)
        let noise = randomImage(width: 23, height: 17, seed: 4)
        for (image, weight) in [(photo, 0.2), (photo, 0.05), (noise, 0.1), (noise, 1.0)] {
            let fast = denoiseTVChambolle(image, weight: Float(weight))
            let slow = reference(image, weight: weight)
            XCTAssertLessThan(maxDifference(fast, slow), 2e-5, "\(image.width)×\(image.height) weight \(weight)")
            let meanChange = zip(image.pixels, slow.pixels).reduce(0.0) { $0 + Double(abs($1.0 - $1.1)) }
                / Double(image.pixels.count)
            XCTAssertEqual(Double(denoiseDistance(image, weight: Float(weight))), meanChange, accuracy: 1e-6)
        }
    }

    func testIterationCapAndThinImages() {
        let image = randomImage(width: 19, height: 13, seed: 8)
        for cap in [1, 2, 5] {
            let capped = denoiseTVChambolle(image, weight: 0.3, eps: 0, maxIterations: cap)
            XCTAssertLessThan(maxDifference(capped, reference(image, weight: 0.3, eps: 0, maxIterations: cap)), 2e-6)
        }
        XCTAssertEqual(denoiseTVChambolle(image, weight: 0.3, maxIterations: 1), image, "iteration 0 returns the input")
        for (w, h) in [(1, 9), (9, 1), (1, 1), (8, 3), (9, 2)] {
            let thin = randomImage(width: w, height: h, seed: UInt64(w * 31 + h))
            XCTAssertLessThan(maxDifference(denoiseTVChambolle(thin, weight: 0.2), reference(thin, weight: 0.2)),
                              2e-5, "\(w)×\(h)")
        }
    }

    func testFlatImageIsUnchanged() {
        let flat = Image(width: 12, height: 10, fill: 0.6)
        XCTAssertEqual(denoiseTVChambolle(flat, weight: 0.2), flat)
        XCTAssertEqual(denoiseDistance(flat, weight: 0.2), 0)
    }
}
