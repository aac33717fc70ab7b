import Genome
import XCTest

/// Every primitive is total: finite arguments within ±bound give finite results within ±bound.
final class SemanticsTests: XCTestCase {
    let extremes: [Float] = [0, -0.0, 1e-30, -1e-30, 1e-7, 0.5, -0.5, 1, -1, 3.14159, 2e3, -7e4,
                             999_999, -999_999, 1e6, -1e6, .leastNonzeroMagnitude, -.leastNormalMagnitude]

    func check(_ v: Float, _ what: @autoclosure () -> String) {
        XCTAssertTrue(v.isFinite && abs(v) <= Semantics.bound, "\(what()) = \(v)")
    }

    func testEveryPrimitiveIsTotalOnExtremeArguments() {
        let unary: [(String, (Float) -> Float)] = [
            ("sin", Semantics.sin), ("cos", Semantics.cos), ("tanh", Semantics.tanh), ("abs", Semantics.abs),
            ("sqrt", Semantics.sqrt), ("log", Semantics.log), ("gauss", Semantics.gauss),
            ("floor", Semantics.floor), ("fract", Semantics.fract), ("squash", Semantics.squash),
        ]
        let binary: [(String, (Float, Float) -> Float)] = [
            ("+", Semantics.add), ("-", Semantics.sub), ("*", Semantics.mul), ("/", Semantics.div),
            ("min", Semantics.min), ("max", Semantics.max), ("mod", Semantics.mod), ("pow", Semantics.pow),
            ("hypot", Semantics.hypot), ("noise", Semantics.noise), ("fbm", Semantics.fbm),
            ("radius", Semantics.radius), ("angle", Semantics.angle), ("tileAxis", Semantics.tileAxis),
        ]
        let ternary: [(String, (Float, Float, Float) -> Float)] = [
            ("mix", Semantics.mix), ("if", Semantics.ifPositive), ("mean3", Semantics.mean3),
            ("hsv5", { Semantics.hsvChannel($0, $1, $2, 5) }),
        ]
        let warps: [(String, (Float, Float, Float) -> (Float, Float))] = [
            ("swirl", Semantics.swirl), ("rotate", Semantics.rotate), ("scale", Semantics.scale),
            ("tile", Semantics.tile), ("kaleido", Semantics.kaleido), ("polar", { x, y, _ in Semantics.polar(x, y) }),
            ("warp", { x, y, d in Semantics.translate(x, y, d, -d) }),
        ]
        for a in extremes {
            for (name, f) in unary { check(f(a), "\(name)(\(a))") }
            for b in extremes {
                for (name, f) in binary { check(f(a, b), "\(name)(\(a), \(b))") }
                for c in extremes {
                    for (name, f) in ternary { check(f(a, b, c), "\(name)(\(a), \(b), \(c))") }
                    for (name, f) in warps {
                        let (u, v) = f(a, b, c)
                        check(u, "\(name)(\(a), \(b), \(c)).x")
                        check(v, "\(name)(\(a), \(b), \(c)).y")
                    }
                }
            }
        }
    }

    func testSquashAndHSVMapTheValueRangeOntoColours() {
        XCTAssertEqual(Semantics.squash(-1), 0)
        XCTAssertEqual(Semantics.squash(1), 1)
        XCTAssertEqual(Semantics.squash(0), 0.5)
        XCTAssertEqual(Semantics.squash(-50), 0)
        // Hue 0 with full saturation and value is pure red; a third of a turn (h = 2/3) is green.
        let red = [5, 3, 1].map { Semantics.hsvChannel(0, 1, 1, Float($0)) }
        XCTAssertEqual(red, [1, -1, -1])
        let green = [5, 3, 1].map { Semantics.hsvChannel(2.0 / 3.0, 1, 1, Float($0)) }
        for (g, e) in zip(green, [Float(-1), 1, -1]) { XCTAssertEqual(g, e, accuracy: 1e-5) }
        XCTAssertEqual(Semantics.mean3(0.1, 0.1, 0.1), 0.1)
        XCTAssertEqual(Semantics.div(1, 0), 1000, accuracy: 1e-3)
        XCTAssertEqual(Semantics.div(1, -0.0), 1000, accuracy: 1e-3)
        XCTAssertEqual(Semantics.mod(-1.5, 1), 0.5)
        XCTAssertEqual(Semantics.pow(-2, 2), 4, accuracy: 1e-5)
    }
}
