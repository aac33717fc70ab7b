import Net
import XCTest

/// The statistics prior's kernels against slow, obvious references, for channel counts that
/// take the vector path, the scalar tail and both, and row counts across several chunks.
final class ChannelStatisticsKernelTests: XCTestCase {
    private var rng = SeededGenerator(71)

    func testAccumulateMatchesDoubleSums() {
        for (rows, channels) in [(1, 16), (70, 37), (33, 5), (100, 48)] {
            let z = randomFloats(rows * channels, -3...9, &rng), shift = randomFloats(channels, -1...1, &rng)
            var sums = [Double](repeating: 0.5, count: channels), squares = [Double](repeating: 0.25, count: channels)
            var clamped = [Float](repeating: .nan, count: rows * channels)
            ChannelStatistics.accumulate(z, rows: rows, channels: channels, shift: shift, sums: &sums, squares: &squares, clamped: &clamped)
            for c in 0..<channels {
                let d = (0..<rows).map { Double(z[$0 * channels + c]) - Double(shift[c]) }
                // float partial sums over chunks of 32 rows: within 32 ulps of the magnitudes summed
                let magnitude = d.reduce(0) { $0 + abs($1) }, squared = d.reduce(0) { $0 + $1 * $1 }
                XCTAssertEqual(sums[c], 0.5 + d.reduce(0, +), accuracy: 4e-6 * magnitude, "rows \(rows) channels \(channels) sum \(c)")
                XCTAssertEqual(squares[c], 0.25 + squared, accuracy: 4e-6 * squared, "rows \(rows) channels \(channels) squares \(c)")
            }
            XCTAssertEqual(clamped, z.map { min(max($0, 0), 6) })
            var again = [Double](repeating: 0.5, count: channels), againSquares = [Double](repeating: 0.25, count: channels)
            ChannelStatistics.accumulate(z, rows: rows, channels: channels, shift: shift, sums: &again, squares: &againSquares)
            XCTAssertEqual(again, sums, "without clamping: the same sums")
            XCTAssertEqual(againSquares, squares, "without clamping: the same squares")
        }
    }

    func testCopiesAndDifference() {
        let n = 53
        let a = randomFloats(n, -3...9, &rng), b = randomFloats(n, -1...1, &rng)
        var out = [Float](repeating: .nan, count: n)
        ChannelStatistics.relu6Copy(a, count: n, into: &out)
        XCTAssertEqual(out, a.map { min(max($0, 0), 6) })
        ChannelStatistics.difference(a, b, count: n, into: &out)
        XCTAssertEqual(out, zip(a, b).map { $0 - $1 })
    }

    func testGradientKernels() {
        for (rows, channels) in [(3, 16), (7, 37), (5, 5)] {
            let z = randomFloats(rows * channels, -3...9, &rng), g = randomFloats(rows * channels, -1...1, &rng)
            let k = randomFloats(channels, -1...1, &rng), s = randomFloats(channels, -1...1, &rng), m = randomFloats(channels, -1...1, &rng)
            let affine = (0..<(rows * channels)).map { i -> Float in
                let c = i % channels
                return k[c] + s[c] * (z[i] - m[c])
            }
            var plain = g
            ChannelStatistics.addGradient(z, rows: rows, channels: channels, constant: k, slope: s, centre: m, into: &plain)
            assertClose(plain, zip(g, affine).map { $0 + $1 }, 1e-5, "addGradient \(rows)×\(channels)")
            var through = g
            ChannelStatistics.relu6BackwardAddingGradient(z, rows: rows, channels: channels, constant: k, slope: s, centre: m, into: &through)
            let masked = zip(g, z).map { $1 > 0 && $1 < 6 ? $0 : 0 }
            assertClose(through, zip(masked, affine).map { $0 + $1 }, 1e-5, "through ReLU6 \(rows)×\(channels)")
        }
    }
}
