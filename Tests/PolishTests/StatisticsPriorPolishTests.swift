import Foundation
import Genome
import Imaging
import Net
import Polish
import Render
import Scoring
import XCTest

/// A framed objective with a statistics prior term, differentiated through the networks, the
/// framings and the renderer into a genome's constants, against central differences of the
/// framed value; and a constant polish that climbs it.
final class StatisticsPriorPolishTests: XCTestCase {
    nonisolated(unsafe) static var cached: Scorer?

    /// Lite0 and Lite1 at their own resolutions, loaded once.
    func ensemble() throws -> Scorer {
        if let s = Self.cached { return s }
        let s = try Scorer(models: [EfficientNetLite.load(.lite0), EfficientNetLite.load(.lite1)])
        Self.cached = s
        return s
    }

    /// A smooth genome (no kinks or steps), so that differences see no subgradient.
    static let genome = "(rgb (sin (+ (* 3.1 x) (* 1.7 y))) (cos (- (* 2.3 x) (* 0.8 y))) (sin (+ (* 4.2 r) 0.5)))"

    /// The directional derivative of the framed value V(c) of the genome's render along a
    /// random direction of its constants: analytic (framed gradient → `ConstantGradient`) and
    /// central differences of `FramedScoring.evaluate`, which computes the prior in a forward
    /// pass of its own.
    func directionalDerivatives(_ scorer: Scorer, objective: Objective, eps: Float) throws -> (analytic: Double, numeric: Double) {
        var rng = SplitMix64(state: 12)
        let framings = (0..<3).map { _ in Framing.random(using: &rng) }
        let size = 300
        let framed = FramedScoring(scorer: scorer, framings: framings, sourceSize: size)
        let genome = try Genome(parsing: Self.genome)
        let direction = genome.constants.indices.map { i in Float(i % 2 == 0 ? 1 : -1) * (0.5 + 0.1 * Float(i)) }
        func value(_ t: Float) throws -> Double {
            var g = genome
            g.constants = zip(genome.constants, direction).map { $0 + t * $1 }
            return Double(try framed.evaluate([try Renderer.render(g, width: size, height: size)], objective: objective)[0].value)
        }
        let source = try Renderer.render(genome, width: size, height: size)
        let (v, pixelGradient) = try framed.gradient(source, objective: objective)
        XCTAssertEqual(Double(v), try value(0), accuracy: 1e-4 * max(1, abs(Double(v))), "gradient pass and evaluation agree")
        let gradient = try ConstantGradient.compute(genome: genome, width: size, height: size, pixelGradient: pixelGradient)
        let analytic = zip(gradient, direction).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let numeric = (try value(eps) - value(-eps)) / (2 * Double(eps))
        return (analytic, numeric)
    }

    func check(_ scorer: Scorer, name: String) throws {
        let crab = Objective.classes([119]), prior = 0.05 * Objective.stats(.all)
        let withPrior = try directionalDerivatives(scorer, objective: crab + prior, eps: 1e-3)
        let crabOnly = try directionalDerivatives(scorer, objective: crab, eps: 1e-3)
        let priorOnly = try directionalDerivatives(scorer, objective: prior, eps: 1e-3)
        print("\(name): class + stats \(withPrior), class \(crabOnly), stats \(priorOnly)")
        for (what, d) in [("class + stats", withPrior), ("stats", priorOnly)] {
            XCTAssertEqual(d.analytic, d.numeric, accuracy: 2e-2 * max(abs(d.numeric), 0.1), "\(name): \(what)")
        }
        XCTAssertEqual(withPrior.analytic, crabOnly.analytic + priorOnly.analytic, accuracy: 1e-3 * max(1, abs(withPrior.analytic)))
        XCTAssertGreaterThan(abs(priorOnly.analytic), 0.1 * abs(crabOnly.analytic), "\(name): the prior's share is not negligible")
    }

    func testFramedPriorGradientIntoConstantsMatchesFiniteDifferencesOnLite0() throws {
        let ensemble = try ensemble()
        try check(Scorer(sessions: [ensemble.sessions[0]]), name: "lite0")
    }

    func testFramedPriorGradientIntoConstantsMatchesFiniteDifferencesOnAnEnsemble() throws {
        try check(try ensemble(), name: "lite0 + lite1")
    }

    /// The framed constant polish climbs an objective that is the prior alone, with no change to
    /// the polish: its value (−w · P) rises.
    func testFramedConstantPolishLowersThePrior() throws {
        let scorer = Scorer(sessions: [try ensemble().sessions[0]])
        var rng = SplitMix64(state: 3)
        let framed = FramedScoring(scorer: scorer, framings: (0..<2).map { _ in Framing.random(using: &rng) }, sourceSize: 300)
        let objective = 0.05 * Objective.stats(.all)
        let result = try ConstantPolish.run(genome: try Genome(parsing: Self.genome), objective: objective, framed: framed,
                                            settings: ConstantPolishSettings(steps: 6, learningRate: 0.03, tvWeight: 0))
        print("framed constant polish of the prior: \(result.report.before.objective) → \(result.report.after.objective)")
        XCTAssertGreaterThan(result.report.after.objective, result.report.before.objective + 1e-3)
    }
}
