import Foundation
import Genome
import XCTest

/// The vectorisable elementary functions against libm in Double (the oracle).
final class FastMathTests: XCTestCase {
    func sweep(_ range: ClosedRange<Double>, count: Int = 20_000) -> [Float] {
        (0...count).map { Float(range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(count)) }
    }

    func maxError(_ xs: [Float], _ f: (Float) -> Float, _ g: (Double) -> Double) -> Double {
        xs.map { abs(Double(f($0)) - g(Double($0))) }.max() ?? 0
    }

    func testTrigonometry() {
        let xs = sweep(-100...100)
        XCTAssertLessThan(maxError(xs, FastMath.sin, Foundation.sin), 2e-6)
        XCTAssertLessThan(maxError(xs, FastMath.cos, Foundation.cos), 2e-6)
        for x in xs + sweep(-1e6...1e6, count: 1000) {
            let (s, c) = FastMath.sincos(x)
            XCTAssertEqual(s.bitPattern, FastMath.sin(x).bitPattern)
            XCTAssertEqual(c.bitPattern, FastMath.cos(x).bitPattern)
        }
        let big = sweep(-1e6...1e6)
        XCTAssertTrue(big.allSatisfy { FastMath.sin($0).isFinite && abs(FastMath.sin($0)) <= 1.0001 })
    }

    func testExpLogTanh() {
        let xs = sweep(-20...10)
        for x in xs {
            let e = Double(FastMath.exp(x)), ref = Foundation.exp(Double(x))
            XCTAssertLessThan(abs(e - ref) / ref, 1e-6, "exp(\(x))")
        }
        XCTAssertEqual(FastMath.exp(1000), FastMath.exp(88))
        XCTAssertGreaterThan(FastMath.exp(-1000), 0)
        let ps = sweep(1e-6...1e6, count: 50_000) + sweep(1e-6...2)
        XCTAssertLessThan(maxError(ps, FastMath.log, Foundation.log), 3e-6)
        XCTAssertLessThan(maxError(sweep(-12...12), FastMath.tanh, Foundation.tanh), 3e-7)
    }

    func testAtan2AndFloor() {
        var worst = 0.0
        for i in 0..<400 {
            for j in 0..<400 {
                let y = Float(i - 200) / 37, x = Float(j - 200) / 41
                worst = max(worst, abs(Double(FastMath.atan2(y, x)) - Foundation.atan2(Double(y), Double(x))))
            }
        }
        XCTAssertLessThan(worst, 1e-6)
        XCTAssertEqual(FastMath.atan2(0, 0), 0)
        for x in sweep(-1e3...1e3, count: 100_003) + [-0.5, 0.5, -1, 1, 0, 1e7 + 0.5, -1e9, 8_388_607.5] {
            XCTAssertEqual(FastMath.floor(x), Foundation.floor(x), "floor(\(x))")
        }
    }

    func testNoiseIsSmoothBoundedDeterministicAndZeroOnLattice() {
        var lo: Float = 0, hi: Float = 0
        for i in 0..<300 {
            for j in 0..<300 {
                let x = Float(i) * 0.0731 - 11, y = Float(j) * 0.0693 + 5
                let v = Noise.gradient2D(x, y)
                lo = min(lo, v)
                hi = max(hi, v)
                // Lipschitz: a step of 1e-3 moves the value by well under 1e-2.
                XCTAssertLessThan(abs(Noise.gradient2D(x + 1e-3, y) - v), 1e-2)
            }
        }
        XCTAssertGreaterThan(hi, 0.5)
        XCTAssertLessThan(lo, -0.5)
        XCTAssertLessThan(max(hi, -lo), 1.5)
        XCTAssertEqual(Noise.gradient2D(3, -7), 0)
        XCTAssertEqual(Noise.gradient2D(1.37, 2.71), Noise.gradient2D(1.37, 2.71))
        XCTAssertTrue(Noise.fbm(1e6, -1e6).isFinite)
    }
}
