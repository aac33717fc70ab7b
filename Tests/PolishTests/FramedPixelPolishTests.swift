import Foundation
import Imaging
import Net
import Polish
import Scoring
import XCTest

/// The calibration polish on pixels (`FramedPixelPolish`), on Lite0 at 96 px (real weights).
final class FramedPixelPolishTests: XCTestCase {
    func scorer() throws -> Scorer {
        let checkpoint = try TorchCheckpoint(contentsOf: try ModelLocator.locate(.lite0))
        return Scorer(sessions: [try InferenceSession(model: try EfficientNetLite(checkpoint: checkpoint, resolution: 96))])
    }

    /// Ten steps toward goldfish raise log p(goldfish) measured on framings no step used, keep the
    /// pixels in (0, 1), and the same seed gives the same picture bit for bit.
    func testPolishClimbsOnUnseenFramingsAndASeedGivesOnePicture() throws {
        let scorer = try scorer()
        let settings = FramedPixelPolishSettings(steps: 10, learningRate: 0.05, tvWeight: 0.3, framings: 2, size: 120)
        let objective = Objective.classes([1])
        let first = try FramedPixelPolish.run(objective: objective, scorer: scorer, settings: settings, seed: 3)
        let again = try FramedPixelPolish.run(objective: objective, scorer: scorer, settings: settings, seed: 3)
        XCTAssertEqual(first.image, again.image, "a seed gives one picture")
        XCTAssertEqual(first.trace.count, 10)
        XCTAssertTrue(first.image.pixels.allSatisfy { $0 > 0 && $0 < 1 })

        var rng = SplitMix64(state: 0xBAD5EED)
        let unseen = FramedScoring(scorer: scorer, framings: (0..<6).map { _ in Framing.random(using: &rng) }, sourceSize: 120)
        var noise = SplitMix64(state: 3)
        let start = Image(width: 120, height: 120,
                          pixels: (0..<(3 * 120 * 120)).map { _ in 1 / (1 + exp(-0.1 * FramedPixelPolish.gaussian(using: &noise))) })
        let before = try unseen.evaluate([start], objective: objective)[0].value
        let after = try unseen.evaluate([first.image], objective: objective)[0].value
        print("log p(goldfish) on unseen framings: \(before) → \(after); trace \(first.trace)")
        XCTAssertGreaterThan(after, before + 1, "log p(goldfish) rises on framings the polish never saw")
    }

    func testBadSettingsAreNamed() throws {
        let scorer = try scorer()
        XCTAssertThrowsError(try FramedPixelPolish.run(objective: .classes([1]), scorer: scorer,
                                                      settings: FramedPixelPolishSettings(steps: 0), seed: 1)) { error in
            XCTAssertEqual(error as? PolishError, .invalidSetting(name: "steps", value: 0, allowed: "≥ 1"))
        }
    }
}
