import Imaging
import XCTest

final class FramingTests: XCTestCase {
    func noise(_ size: Int, seed: UInt64) -> Image { randomImage(width: size, height: size, seed: seed) }

    /// ⟨A x, y⟩ = ⟨x, Aᵀ y⟩ for random framings, shrinking and enlarging, mirrored or not.
    func testAdjointIdentity() {
        var rng = SplitMix64(state: 3)
        for (source, output) in [(64, 40), (40, 64), (50, 50), (97, 23)] {
            for _ in 0..<4 {
                let framing = Framing.random(using: &rng)
                let sampler = FramingSampler(framing, sourceSize: source, outputSize: output)
                let x = noise(source, seed: rng.next()), y = noise(output, seed: rng.next())
                let ax = sampler.apply(x)
                var aty = [Float](repeating: 0, count: 3 * source * source)
                sampler.accumulateAdjoint(y, into: &aty)
                let lhs = zip(ax.pixels, y.pixels).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                let rhs = zip(x.pixels, aty).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                XCTAssertEqual(lhs, rhs, accuracy: 1e-9 + 1e-5 * abs(lhs), "\(framing) \(source)→\(output)")
            }
        }
    }

    /// The identity framing at the same size reproduces the image; a mirror reverses rows.
    func testIdentityAndMirror() {
        let x = noise(16, seed: 9)
        let same = FramingSampler(.identity, sourceSize: 16, outputSize: 16).apply(x)
        for (a, b) in zip(same.pixels, x.pixels) { XCTAssertEqual(a, b, accuracy: 1e-6) }
        let mirrored = FramingSampler(Framing(mirrored: true), sourceSize: 16, outputSize: 16).apply(x)
        for c in 0..<3 {
            for yy in 0..<16 {
                for xx in 0..<16 { XCTAssertEqual(mirrored[c, xx, yy], x[c, 15 - xx, yy], accuracy: 1e-6) }
            }
        }
    }

    /// A constant picture stays constant under any framing (weights sum to 1, edges clamp).
    func testConstantStaysConstant() {
        var rng = SplitMix64(state: 5)
        let grey = Image(width: 30, height: 30, fill: 0.25)
        for _ in 0..<10 {
            let out = FramingSampler(Framing.random(using: &rng), sourceSize: 30, outputSize: 17).apply(grey)
            for v in out.pixels { XCTAssertEqual(v, 0.25, accuracy: 1e-5) }
        }
    }

    /// Random framings stay inside the ranges and the picture.
    func testRandomFramingsStayInRange() {
        var rng = SplitMix64(state: 7)
        var mirrors = 0
        for _ in 0..<500 {
            let f = Framing.random(using: &rng)
            XCTAssertTrue((0.7...1).contains(f.scale))
            XCTAssertLessThanOrEqual(abs(f.degrees), 10)
            XCTAssertGreaterThanOrEqual(f.centerX - f.scale / 2, -1e-6)
            XCTAssertLessThanOrEqual(f.centerX + f.scale / 2, 1 + 1e-6)
            if f.mirrored { mirrors += 1 }
        }
        XCTAssertTrue((180...320).contains(mirrors), "\(mirrors) mirrors in 500")
    }
}
