import Evolution
import Foundation
import Genome
import Scoring
import Search
import Store
import XCTest

/// The morph schedule's arithmetic.
final class MorphScheduleTests: XCTestCase {
    func testScheduleFramesAndObjectives() {
        let morph = MorphSchedule(from: .classes([1]), to: .classes([2]), fromName: "goldfish", toName: "great white shark",
                                  frames: 3, generationsPerFrame: 2)
        XCTAssertEqual(morph.generations, 6)
        XCTAssertEqual((0...7).map { morph.frame(generation: $0) }, [0, 0, 0, 1, 1, 2, 2, 2])
        XCTAssertEqual((0...7).map { morph.endsFrame(generation: $0) }, [false, false, true, false, true, false, true, false])
        XCTAssertEqual(morph.objective(frame: 0), 1 * .classes([1]) + 0 * .classes([2]))
        // Past the middle the destination comes first, so the confidence shown is its class's.
        XCTAssertEqual(morph.objective(frame: 2), 1 * .classes([2]) + 0 * .classes([1]))
        var p = [Float](repeating: 0, count: 1000)
        p[1] = 0.7
        p[2] = 0.2
        XCTAssertEqual(morph.objective(frame: 0).confidence(probabilities: p), 0.7, accuracy: 1e-6)
        XCTAssertEqual(morph.objective(frame: 2).confidence(probabilities: p), 0.2, accuracy: 1e-6)
        let lp: [Float] = p.map { (q: Float) -> Float in log(max(q, 1e-9)) }
        let halfway: Float = 0.5 * log(0.7) + 0.5 * log(0.2)
        XCTAssertEqual(morph.objective(frame: 1).value(logProbabilities: lp), halfway, accuracy: 1e-5)
    }

}

/// Runs with the objective language on the real Lite0, through the engine tests' fixtures: a
/// morph that resumes exactly across a frame change and records every frame, and a run toward
/// an inner channel.
extension EngineTests {
    func testMorphRunResumesExactlyAcrossFramesAndRecordsEveryFrame() throws {
        let engine = self
        let store = try RunStore.inMemory()
        let morph = MorphSchedule(from: .classes([119]), to: .classes([1]), fromName: "rock crab", toName: "goldfish",
                                  frames: 2, generationsPerFrame: 2)
        let configure: (inout RunSettings) -> Void = {
            $0.morph = morph
            $0.fitness.objective = morph.objective(frame: 0)
        }
        var straight = try engine.start("straight", store: store, generations: 4, configure: configure)
        XCTAssertEqual(try straight.run(), .reachedGenerations)
        var split = try engine.start("split", store: store, generations: 4, configure: configure)
        var checks = 0
        // Stops after generation 2, the last of frame 0; the resumed run starts frame 1.
        XCTAssertEqual(try split.run(shouldStop: { checks += 1; return checks > 2 }), .interrupted)
        XCTAssertEqual(split.state.generation, 2)
        var resumed = try SearchRun.resume(store: store, name: "split", recordDirectory: engine.directory + "/s",
                                           models: EngineTests.models)
        XCTAssertEqual(resumed.evaluator.fitness.objective, morph.objective(frame: 0), "generation 2 is still frame 0")
        XCTAssertEqual(try resumed.run(), .reachedGenerations)
        XCTAssertEqual(resumed.evaluator.fitness.objective, morph.objective(frame: 1))
        try engine.assertSameRun("straight", "split", store: store)
        let generations = Set(try store.records(run: try store.run(named: "straight").id).map(\.generation))
        XCTAssertTrue(generations.isSuperset(of: [2, 4]), "every frame's last generation is recorded: \(generations)")
    }

    /// Judging one render for both ends of a morph at once (one classification of the framings)
    /// gives the verdicts judging it for each end alone gives.
    func testJudgingSeveralObjectivesAtOnceEqualsJudgingEach() throws {
        let judge = try RunJudge(settings: settings(generations: 1), models: Self.models)
        let render = try RunJudge.render(try Genome(parsing: "(rgb (sin (* 7 x)) (cos (* 5 y)) (* x y))"))
        let ends: [Objective] = [.classes([250]), 0.5 * .classes([251]) + .opposite(1)]
        XCTAssertEqual(try judge.judge(render: render, objectives: ends),
                       try ends.map { try judge.judge(render: render, objective: $0) })
    }

    /// A run toward an inner channel climbs on it: the objective language drives evolution.
    func testChannelObjectiveRunClimbs() throws {
        let engine = self
        let store = try RunStore.inMemory()
        let objective = Objective.layer(LayerFeature(.channel, block: 12, channel: 57))
        var run = try engine.start("channel", store: store, generations: 3) { $0.fitness.objective = objective }
        let first = run.state.best.evaluation.fitness
        XCTAssertEqual(try run.run(), .reachedGenerations)
        XCTAssertGreaterThan(run.state.best.evaluation.fitness, first)
        XCTAssertTrue((0...1).contains(run.state.best.evaluation.confidence), "confidence: the top-1 probability")
    }
}
