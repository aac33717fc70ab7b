import Imaging
import Net
import Scoring
import XCTest

/// Scoring over framings and an ensemble, on the real Lite0 and Lite1.
final class FramedScoringTests: XCTestCase {
    nonisolated(unsafe) static var cached: Scorer?

    func ensemble() throws -> Scorer {
        if let s = Self.cached { return s }
        let s = try Scorer(models: [EfficientNetLite.load(.lite0), EfficientNetLite.load(.lite1)])
        Self.cached = s
        return s
    }

    /// A smooth picture with values well inside (0, 1), so clamping never bites.
    func picture(_ size: Int) -> Image {
        var image = Image(width: size, height: size)
        for c in 0..<3 {
            for y in 0..<size {
                for x in 0..<size {
                    let u = Float(x) / Float(size), v = Float(y) / Float(size)
                    image.pixels[(c * size + y) * size + x] = 0.5 + 0.3 * sin(7 * u + 3 * Float(c)) * cos(5 * v - Float(c))
                }
            }
        }
        return image
    }

    /// The ensemble's score is the mean of the per-network scores, each over the framings.
    func testEnsembleScoreIsTheMeanOfItsNetworks() throws {
        let scorer = try ensemble()
        var rng = SplitMix64(state: 9)
        let framings = (0..<3).map { _ in Framing.random(using: &rng) }
        let framed = FramedScoring(scorer: scorer, framings: framings, sourceSize: 300)
        let source = picture(300)
        let score = try framed.evaluate([source], objective: .classes([119]))[0]
        var perNetwork: [Float] = [], values: [Float] = []
        for k in 0..<2 {
            let s = try scorer.evaluate(framed.images(source, network: k), objective: .classes([119]), network: k)
            perNetwork.append(s.reduce(0) { $0 + $1.confidence } / 3)
            values.append(s.reduce(0) { $0 + $1.value } / 3)
        }
        XCTAssertEqual(score.confidences[0], perNetwork[0], accuracy: 1e-6)
        XCTAssertEqual(score.confidences[1], perNetwork[1], accuracy: 1e-6)
        XCTAssertEqual(score.value, (values[0] + values[1]) / 2, accuracy: 1e-5)
        XCTAssertEqual(framed.images(source, network: 1)[0].width, 240, "Lite1 sees its own resolution")
    }
}
