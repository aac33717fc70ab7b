import Foundation
import Net
import ImageIO
import Imaging
import Scoring
import Polish
import Search
import XCTest

/// The polish schedule and the fitness function's gate, without a classifier.
final class ScheduleAndFitnessTests: XCTestCase {
    /// Each idle polish interval halves the rate and doubles the steps, at most three times.
    func testPolishBudgetFollowsStagnation() {
        let s = PolishSchedule(every: 2, steps: 20, learningRate: 0.04)
        XCTAssertEqual(s.budget(stagnantGenerations: 0).steps, 20)
        XCTAssertEqual(s.budget(stagnantGenerations: 1).learningRate, 0.04)
        XCTAssertEqual(s.budget(stagnantGenerations: 2).steps, 40)
        XCTAssertEqual(s.budget(stagnantGenerations: 3).learningRate, 0.02)
        XCTAssertEqual(s.budget(stagnantGenerations: 4).steps, 80)
        XCTAssertEqual(s.budget(stagnantGenerations: 6).steps, 160)
        XCTAssertEqual(s.budget(stagnantGenerations: 6).learningRate, 0.005)
        XCTAssertEqual(s.budget(stagnantGenerations: 100).steps, 160, "capped at 8×")
    }

    /// A noisy image: its denoise distance is well above a small gate.
    func noisy() -> Image {
        var state: UInt32 = 7
        return Image(width: 32, height: 32, pixels: (0..<(3 * 32 * 32)).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 24)
        })
    }

    /// Outside the gate the fitness falls by `gateSlope` per unit of denoise distance over it.
    func testGatePenaltySlope() {
        let image = noisy()
        let d = denoiseDistance(image, weight: FitnessFunction.denoiseWeight)
        let tv = anisotropicTotalVariation(image)
        let gate: Float = d / 2
        let f = FitnessFunction(objective: .classes([1]), tvWeight: 0.3, gate: gate)
        let score = f.score(objectiveValue: -1, confidence: 0.2, image: image)
        XCTAssertEqual(score.naturalness, d, accuracy: 1e-6)
        XCTAssertEqual(score.fitness, -1 - 0.3 * tv - f.gateSlope * (d - gate), accuracy: 1e-4)
        XCTAssertEqual(score.confidence, 0.2)
        // Inside the gate: no penalty.
        let open = FitnessFunction(objective: .classes([1]), tvWeight: 0.3, gate: d * 2)
        XCTAssertEqual(open.score(objectiveValue: -1, confidence: 0.2, image: image).fitness, -1 - 0.3 * tv, accuracy: 1e-5)
    }

    /// Below `skipGateBelow` the Chambolle pass is skipped: the result is the gate-free upper
    /// bound with the total variation as naturalness; at or above it the gate applies.
    func testSkipGateBelowSkipsOnlyHopelessImages() {
        let image = noisy()
        let tv = anisotropicTotalVariation(image)
        let f = FitnessFunction(objective: .classes([1]), tvWeight: 0.3, gate: 0.001)
        let bound = -1 - 0.3 * tv
        let skipped = f.score(objectiveValue: -1, confidence: 0.2, image: image, skipGateBelow: bound + 0.01)
        XCTAssertEqual(skipped.fitness, bound, accuracy: 1e-6)
        XCTAssertEqual(skipped.naturalness, tv, accuracy: 1e-6)
        let checked = f.score(objectiveValue: -1, confidence: 0.2, image: image, skipGateBelow: bound - 0.01)
        XCTAssertLessThan(checked.fitness, bound - 1, "the gate penalty applies")
        XCTAssertEqual(checked.naturalness, denoiseDistance(image, weight: FitnessFunction.denoiseWeight), accuracy: 1e-6)
    }

    /// Stop conditions given on resume count from where the run is; stored ones are absolute.
    func testRelativeStopCondition() {
        XCTAssertNil(StopCondition.relative(generations: nil, confidence: nil, minutes: nil, from: 5, elapsedSeconds: 60))
        let c = StopCondition.relative(generations: 4, confidence: 0.9, minutes: 2, from: 16, elapsedSeconds: 90)
        XCTAssertEqual(c, StopCondition(generation: 20, confidence: 0.9, minutes: 3.5))
    }

    /// Settings stored before the stop condition and the nested polish schedule existed still
    /// decode, and new settings round-trip.
    func testSettingsDecodeOldAndRoundTrip() throws {
        // Written by the version before (no stop condition; polish stored flat).
        let old = #"{"evolution":{"crossoverRate":0.3,"immigrantRate":0.05,"initialMaxDepth":6,"initialMinDepth":2,"maxDepth":12,"maxNodes":400,"mutation":{"constantJitter":0.35,"hoist":0.05,"point":0.2,"shrink":0.1,"subtree":0.3},"offspringPerGeneration":32,"parsimony":0.0005,"populationSize":32,"restartAfter":30,"restartKeep":4,"tournamentSize":3,"waves":{"frequency":8,"share":1,"terms":24}},"fitness":{"gateSlope":100,"objective":{"classes":{"_0":[119]}},"tvWeight":0.3},"model":"lite0","polishEvery":5,"polishLearningRate":0.03,"polishSteps":20,"seededFrom":"random","views":1}"#
        let decoded = try RunSettings.decode(old, run: "old")
        XCTAssertEqual(decoded.polish?.every, 5)
        XCTAssertNil(decoded.stop)
        XCTAssertEqual(decoded.views, 1)
        var s = decoded
        s.stop = StopCondition(generation: 20, minutes: 3)
        XCTAssertEqual(try RunSettings.decode(try s.json(), run: "new"), s)
        // Every field a run is started with comes back on resume.
        s.polish?.freshFramings = true
        s.polish?.preconditioning = Preconditioning(decorrelatedColour: true, falloff: 8)
        s.evolution.termOperators = .measured
        s.evolution.waves?.warp = 1
        s.island = IslandSettings(archipelago: "crab", island: 3, migrateEvery: 2)
        s.models = [.lite0, .lite1]
        s.framings = FramingSettings(count: 4, renewal: .generation)
        XCTAssertEqual(try RunSettings.decode(try s.json(), run: "new"), s)
        XCTAssertTrue(try s.json().contains(#""island":{"archipelago":"crab","island":3,"migrateEvery":2}"#))
    }
}

/// Genome files name the file and the chunk when their genome is bad.
final class GenomeFileErrorTests: XCTestCase {
    func testBadGenomeInPNGNamesFileAndChunk() throws {
        let path = NSTemporaryDirectory() + "bad-genome-\(UUID().uuidString).png"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try PNGFile.write(Image(width: 4, height: 4), to: path, text: [PNGTextKey.genome: "(sin x) junk"])
        XCTAssertThrowsError(try GenomeFiles.load(path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(path), text)
            XCTAssertTrue(text.contains("'genome' text chunk"), text)
        }
    }
}
