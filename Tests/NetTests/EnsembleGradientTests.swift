import Foundation
import Imaging
import Net
import Scoring
import XCTest

/// The gradient of the objective scored over framings and an ensemble (Lite0 at 64 px and Lite1
/// at 72 px, real weights) against central differences of the Double reference network.
///
/// The framed objective is F(x) = 1/(K·N) Σₖ Σ_f gₖ(A_f x) with linear framings A_f, so
/// F(x ± εd) = 1/(K·N) Σ gₖ(A_f x ± ε A_f d): the differences are taken of each gₖ in Double
/// (ε = 1e-6; float finite differences of a deep ReLU6 net are unreliable, see GradientTests).
final class EnsembleGradientTests: XCTestCase {
    func testFramedEnsembleGradientMatchesFiniteDifferences() throws {
        let ensemble = try SmallEnsemble()
        var rng = SeededGenerator(31)
        let framings = (0..<2).map { _ in Framing.random(using: &rng) }
        let source = SmallEnsemble.source, x = ensemble.photo
        let framed = FramedScoring(scorer: ensemble.scorer, framings: framings, sourceSize: source)
        let objective: Objective = .classes([282, 285])
        let (value, gradient) = try framed.gradient(x, objective: objective)
        let d = Image(width: source, height: source, pixels: randomFloats(3 * source * source, -1...1, &rng))
        let analytic = zip(gradient.pixels, d.pixels).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }

        func g(_ k: Int, _ y: [Double]) -> Double {
            let z = ensemble.referenceLogits(k, y)
            let m = z.max() ?? 0
            let lse = m + log(z.reduce(0.0) { $0 + exp($1 - m) })
            return log(exp(z[282] - lse) + exp(z[285] - lse))
        }
        let eps = 1e-6
        var numeric = 0.0, reference = 0.0
        for k in 0..<2 {
            let ys = framed.images(x, network: k), es = framed.images(d, network: k)
            for (y, e) in zip(ys, es) {
                let yd = y.pixels.map(Double.init), ed = e.pixels.map(Double.init)
                numeric += (g(k, zip(yd, ed).map { $0 + eps * $1 }) - g(k, zip(yd, ed).map { $0 - eps * $1 })) / (2 * eps)
                reference += g(k, yd)
            }
        }
        numeric /= 4
        reference /= 4
        XCTAssertEqual(Double(value), reference, accuracy: 1e-3, "framed ensemble objective")
        XCTAssertEqual(analytic, numeric, accuracy: 1e-2 * max(1, abs(numeric)), "directional derivative")
    }
}
