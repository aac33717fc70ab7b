import Foundation
import Imaging
import Net
import Scoring
import XCTest

/// The gradient of `class(a) + worst(margin(b))` scored over framings and an ensemble (Lite0 at
/// 64 px, Lite1 at 72 px, real weights) against central differences of the Double reference
/// networks: the class term averaged over the networks, the margin's minimum over them.
final class WorstMarginGradientTests: XCTestCase {
    func testWorstMarginGradientMatchesFiniteDifferences() throws {
        let ensemble = try SmallEnsemble()
        var rng = SeededGenerator(37)
        let framings = (0..<2).map { _ in Framing.random(using: &rng) }
        let source = SmallEnsemble.source, x = ensemble.photo
        let framed = FramedScoring(scorer: ensemble.scorer, framings: framings, sourceSize: source)
        let (tabby, egyptian) = (281, 285)
        let objective: Objective = 0.5 * .classes([tabby]) + .worst(.margin(egyptian))
        let (value, gradient) = try framed.gradient(x, objective: objective)
        let d = Image(width: source, height: source, pixels: randomFloats(3 * source * source, -1...1, &rng))
        let analytic = zip(gradient.pixels, d.pixels).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }

        /// Network k's (log p(tabby), margin of the Egyptian cat) at input y.
        func terms(_ k: Int, _ y: [Double]) -> (Double, Double) {
            let z = ensemble.referenceLogits(k, y)
            let m = z.max() ?? 0
            let lse = m + log(z.reduce(0.0) { $0 + exp($1 - m) })
            let other = z.indices.filter { $0 != egyptian }.map { z[$0] }.max() ?? 0
            return (z[tabby] - lse, z[egyptian] - other)
        }
        /// The framed objective at x + t·d.
        func objectiveValue(_ t: Double) -> (value: Double, margins: [Double]) {
            var classMean = 0.0, margins: [Double] = []
            for k in 0..<2 {
                let ys = framed.images(x, network: k), es = framed.images(d, network: k)
                var margin = 0.0
                for (y, e) in zip(ys, es) {
                    let (c, m) = terms(k, zip(y.pixels, e.pixels).map { Double($0) + t * Double($1) })
                    classMean += c / 4
                    margin += m / 2
                }
                margins.append(margin)
            }
            return (0.5 * classMean + (margins.min() ?? 0), margins)
        }
        let at = objectiveValue(0)
        XCTAssertGreaterThan(abs(at.margins[0] - at.margins[1]), 0.05, "no tie between the networks: min is smooth here")
        let eps = 1e-6
        let numeric = (objectiveValue(eps).value - objectiveValue(-eps).value) / (2 * eps)
        XCTAssertEqual(Double(value), at.value, accuracy: 1e-3, "framed objective")
        XCTAssertEqual(analytic, numeric, accuracy: 1e-2 * max(1, abs(numeric)), "directional derivative")
    }
}
