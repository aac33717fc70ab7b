import Evolution
import Foundation
import Genome
import Imaging
import Net
import Polish
import Scoring
import Search
import XCTest

/// The stored plan: every field round-trips (over many random plans), the written form is
/// pinned key by key, version 1 settings of both kinds still decode, a later version is refused.
final class RunPlanTests: XCTestCase {
    func testRandomPlansRoundTripEveryField() throws {
        var rng = SeededGenerator(seed: 2026)
        for trial in 0..<500 {
            let plan = Self.randomPlan(&rng)
            let json = try plan.json()
            let decoded = try RunPlan.decode(json, run: "p\(trial)")
            XCTAssertEqual(decoded, plan, "plan \(trial): \(json)")
            XCTAssertEqual(try decoded.json(), json, "plan \(trial) re-encodes to the same bytes")
            // The engine's views carry the same plan.
            switch plan.strategy {
            case .population:
                XCTAssertEqual(try RunPlan(try plan.runSettings(run: "p")), plan, "plan \(trial) through RunSettings")
                XCTAssertThrowsError(try plan.atlasSettings(run: "p"))
            case .atlas:
                var expected = plan
                // An atlas's objective names its first cell; its stop is always set.
                if case .atlas(let atlas) = plan.strategy { expected.fitness.objective = .classes([atlas.classes[0]]) }
                expected.fitness.gateSlope = FitnessFunction(objective: .classes([0]), tvWeight: 0).gateSlope
                expected.stop = plan.stop ?? StopCondition(minutes: 10)
                XCTAssertEqual(try RunPlan(try plan.atlasSettings(run: "p")), expected, "plan \(trial) through AtlasSettings")
                XCTAssertThrowsError(try plan.runSettings(run: "p"))
            }
        }
    }

    /// The written form, key by key: a renamed property or case anywhere in a plan fails here.
    func testTheStoredFormIsPinned() throws {
        var evolution = EvolutionConfig()
        evolution.waves = WaveSeeding(share: 1, terms: 24, frequency: 8)
        let plan = RunPlan(models: [.lite0, .lite1], scoring: .framings(FramingSettings()),
                           fitness: FitnessFunction(objective: .sum(.classes([119]), .on(network: "lite1", .scaled(0.5, .logit(1)))),
                                                    tvWeight: 0.3, gate: 0.05),
                           evolution: evolution,
                           strategy: .population(.init(seededFrom: "random", island: IslandSettings(archipelago: "crab", island: 2, migrateEvery: 5))),
                           polish: PolishSchedule(every: 2, steps: 20, learningRate: 0.03, freshFramings: true),
                           stop: StopCondition(confidence: 0.99, minutes: 10))
        XCTAssertEqual(try plan.json(), #"{"evolution":{"crossoverRate":0.3,"immigrantRate":0.05,"initialMaxDepth":6,"initialMinDepth":2,"maxDepth":12,"maxNodes":80,"mutation":{"constantJitter":0.35,"hoist":0.05,"point":0.2,"shrink":0.1,"subtree":0.3},"offspringPerGeneration":32,"parsimony":0.002,"populationSize":32,"restartAfter":30,"restartKeep":4,"tournamentSize":3,"waves":{"frequency":8,"share":1,"terms":24}},"fitness":{"gate":0.05,"gateSlope":100,"objective":{"sum":{"_0":{"classes":{"_0":[119]}},"_1":{"on":{"_1":{"scaled":{"_0":0.5,"_1":{"logit":{"_0":1}}}},"network":"lite1"}}}},"tvWeight":0.3},"models":["lite0","lite1"],"polish":{"every":2,"freshFramings":true,"learningRate":0.03,"steps":20},"scoring":{"framings":{"count":8,"detail":0.8,"ranges":{"degrees":10,"mirror":0.5,"scale":[0.7,1]},"renewal":"fixed"}},"stop":{"confidence":0.99,"minutes":10},"strategy":{"population":{"island":{"archipelago":"crab","island":2,"migrateEvery":5},"seededFrom":"random"}},"threads":2,"version":2}"#)
        // Plans stored before the thread count was: the 2 threads every run had then.
        let withoutThreads = try plan.json().replacingOccurrences(of: #","threads":2"#, with: "")
        XCTAssertEqual(try RunPlan.decode(withoutThreads, run: "p"), plan)
        var seven = plan
        seven.threads = 7
        XCTAssertTrue(try seven.json().contains(#""threads":7"#))
        let atlas = RunPlan(models: [.lite0], scoring: .framings(FramingSettings(count: 4)),
                            fitness: FitnessFunction(objective: .classes([1]), tvWeight: 0.3), evolution: EvolutionConfig(),
                            strategy: .atlas(.init(classes: [7, 1])), polish: nil, stop: StopCondition(generation: 40))
        let atlasJSON = try atlas.json()
        XCTAssertTrue(atlasJSON.contains(#""strategy":{"atlas":{"classes":[1,7],"recentBatches":20,"recentShare":0.5}}"#), atlasJSON)
        XCTAssertTrue(try RunPlan(models: [.lite2], scoring: .exact(views: 3), fitness: atlas.fitness, evolution: EvolutionConfig(),
                                  strategy: .population(.init()), polish: nil, stop: nil).json()
            .contains(#""scoring":{"exact":{"views":3}}"#))
    }

    /// Version 1, as releases up to e940a5c stored it (no version key), of both kinds.
    func testVersionOneDecodes() throws {
        let run = #"{"evolution":{"crossoverRate":0.3,"immigrantRate":0.05,"initialMaxDepth":6,"initialMinDepth":2,"maxDepth":12,"maxNodes":400,"mutation":{"constantJitter":0.35,"hoist":0.05,"point":0.2,"shrink":0.1,"subtree":0.3},"offspringPerGeneration":32,"parsimony":0.0005,"populationSize":32,"restartAfter":30,"restartKeep":4,"tournamentSize":3,"waves":{"frequency":8,"share":1,"terms":24}},"fitness":{"gateSlope":100,"objective":{"classes":{"_0":[119]}},"tvWeight":0.3},"framings":{"count":8,"detail":0.8,"ranges":{"degrees":10,"mirror":0.5,"scale":[0.7,1]},"renewal":"fixed"},"model":"lite0","models":["lite0","lite1"],"polishEvery":2,"polishFreshFramings":true,"polishLearningRate":0.03,"polishSteps":20,"seededFrom":"random","stop":{"confidence":0.99,"minutes":10},"views":1}"#
        let plan = try RunPlan.decode(run, run: "old")
        XCTAssertEqual(plan.models, [.lite0, .lite1])
        XCTAssertEqual(plan.scoring, .framings(FramingSettings()))
        XCTAssertEqual(plan.fitness.objective, .classes([119]))
        XCTAssertEqual(plan.polish, PolishSchedule(every: 2, steps: 20, learningRate: 0.03, freshFramings: true))
        XCTAssertEqual(plan.strategy, .population(.init(seededFrom: "random")))
        XCTAssertEqual(plan.threads, RunPlan.storedBeforeThreads)
        XCTAssertEqual(try RunSettings.decode(run, run: "old"), try StoredJSON.decode(RunSettings.self, from: run, run: "old"))

        let atlas = #"{"classes":[1,119],"evolution":{"crossoverRate":0.3,"immigrantRate":0.05,"initialMaxDepth":6,"initialMinDepth":2,"maxDepth":12,"maxNodes":400,"mutation":{"constantJitter":0.35,"hoist":0.05,"point":0.2,"shrink":0.1,"subtree":0.3},"offspringPerGeneration":32,"parsimony":0.0005,"populationSize":32,"restartAfter":30,"restartKeep":4,"tournamentSize":3},"framings":{"count":8,"detail":0.8,"ranges":{"degrees":10,"mirror":0.5,"scale":[0.7,1]},"renewal":"fixed"},"models":["lite0"],"polish":{"every":4,"freshFramings":true,"learningRate":0.03,"steps":20},"recentBatches":20,"recentShare":0.5,"stop":{"minutes":30},"tvWeight":0.3}"#
        let atlasPlan = try RunPlan.decode(atlas, run: "atlas")
        XCTAssertEqual(atlasPlan.strategy, .atlas(.init(classes: [1, 119])))
        XCTAssertEqual(try AtlasSettings.decode(atlas, run: "atlas"), try StoredJSON.decode(AtlasSettings.self, from: atlas, run: "atlas"))
        XCTAssertThrowsError(try RunSettings.decode(atlas, run: "atlas")) { error in
            XCTAssertEqual(error as? SearchError, .isAnAtlas(run: "atlas"))
        }
    }

    func testALaterVersionIsRefusedByName() throws {
        XCTAssertThrowsError(try RunPlan.decode(#"{"version":3}"#, run: "future")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("'future'") && text.contains("version 3") && text.contains("newer pareidolia"), text)
        }
    }

    // MARK: Random plans

    static func randomPlan(_ rng: inout SeededGenerator) -> RunPlan {
        let models = Array(ModelVariant.allCases.shuffled(using: &rng).prefix(Int.random(in: 1...3, using: &rng)))
        let scoring: RunPlan.Scoring = Bool.random(using: &rng)
            ? .exact(views: Int.random(in: 1...4, using: &rng))
            : .framings(FramingSettings(count: Int.random(in: 1...64, using: &rng),
                                        renewal: FramingSettings.Renewal.allCases.randomElement(using: &rng)!,
                                        ranges: Framing.Ranges(scale: float(&rng, 0.3...0.7)...float(&rng, 0.7...1),
                                                               degrees: float(&rng, 0...30), mirror: float(&rng, 0...1)),
                                        detail: float(&rng, 0.5...2)))
        var fitness = FitnessFunction(objective: objective(&rng, depth: 3), tvWeight: float(&rng, 0...2),
                                      gate: Bool.random(using: &rng) ? float(&rng, 0...0.2) : nil)
        fitness.gateSlope = float(&rng, 1...1000)
        var evolution = EvolutionConfig()
        evolution.populationSize = Int.random(in: 4...1024, using: &rng)
        evolution.offspringPerGeneration = Int.random(in: 1...1024, using: &rng)
        evolution.tournamentSize = Int.random(in: 1...8, using: &rng)
        evolution.crossoverRate = Double.random(in: 0...1, using: &rng)
        evolution.mutation.subtree = Double.random(in: 0...1, using: &rng)
        evolution.mutation.point = Double.random(in: 0...1, using: &rng)
        evolution.mutation.hoist = Double.random(in: 0...1, using: &rng)
        evolution.mutation.shrink = Double.random(in: 0...1, using: &rng)
        evolution.mutation.constantJitter = Double.random(in: 0...1, using: &rng)
        evolution.maxDepth = Int.random(in: 2...20, using: &rng)
        evolution.maxNodes = Int.random(in: 10...1000, using: &rng)
        evolution.initialMinDepth = Int.random(in: 1...3, using: &rng)
        evolution.initialMaxDepth = Int.random(in: 3...8, using: &rng)
        evolution.parsimony = float(&rng, 0...0.01)
        evolution.immigrantRate = Double.random(in: 0...1, using: &rng)
        evolution.restartAfter = Int.random(in: 1...100, using: &rng)
        evolution.restartKeep = Int.random(in: 0...8, using: &rng)
        if Bool.random(using: &rng) {
            evolution.waves = WaveSeeding(share: Double.random(in: 0...1, using: &rng), terms: Int.random(in: 1...48, using: &rng),
                                          frequency: float(&rng, 1...16), falloff: Bool.random(using: &rng) ? float(&rng, 0...4) : nil,
                                          warp: Bool.random(using: &rng) ? float(&rng, 0...2) : nil)
        }
        if Bool.random(using: &rng) {
            let textured = Bool.random(using: &rng)
            evolution.layers = LayerSeeding(share: Double.random(in: 0...1, using: &rng), layers: Int.random(in: 1...8, using: &rng),
                                            crossover: Double.random(in: 0...1, using: &rng), mutation: Double.random(in: 0...1, using: &rng),
                                            groundWaves: textured ? Int.random(in: 0...16, using: &rng) : nil,
                                            colourWaves: textured ? Int.random(in: 0...4, using: &rng) : nil,
                                            waveFrequency: textured ? float(&rng, 1...16) : nil,
                                            keepsShape: [nil, false, true].randomElement(using: &rng)!)
        }
        if Bool.random(using: &rng) {
            evolution.cppn = CPPNSeeding(share: Double.random(in: 0...1, using: &rng), weight: float(&rng, 0.5...8),
                                         crossover: Double.random(in: 0...1, using: &rng), mutation: Double.random(in: 0...1, using: &rng))
        }
        if Bool.random(using: &rng) {
            evolution.termOperators = TermOperators(crossover: Double.random(in: 0...1, using: &rng),
                                                    mutation: Double.random(in: 0...1, using: &rng))
        }
        evolution.survivors = ([nil] + SurvivorSelection.allCases).randomElement(using: &rng)!
        let strategy: RunPlan.Strategy
        if Bool.random(using: &rng) {
            let island = Bool.random(using: &rng)
                ? IslandSettings(archipelago: "a\(Int.random(in: 0...99, using: &rng))", island: Int.random(in: 1...1000, using: &rng),
                                 migrateEvery: Int.random(in: 1...50, using: &rng)) : nil
            let morph = Bool.random(using: &rng)
                ? MorphSchedule(from: objective(&rng, depth: 2), to: objective(&rng, depth: 2), fromName: "from", toName: "to",
                                frames: Int.random(in: 2...64, using: &rng), generationsPerFrame: Int.random(in: 1...1000, using: &rng))
                : nil
            strategy = .population(.init(seededFrom: ["random", "library", "run:x"].randomElement(using: &rng)!,
                                         island: island, morph: morph))
        } else {
            strategy = .atlas(.init(classes: (0..<Int.random(in: 1...20, using: &rng)).map { _ in Int.random(in: 0...999, using: &rng) },
                                    recentBatches: Int.random(in: 1...100, using: &rng), recentShare: Double.random(in: 0...1, using: &rng)))
        }
        var finalScoring = scoring
        if case .atlas = strategy, case .exact = scoring { finalScoring = .framings(FramingSettings()) }
        let polish = Bool.random(using: &rng)
            ? PolishSchedule(every: Int.random(in: 1...10, using: &rng), steps: Int.random(in: 1...100, using: &rng),
                             learningRate: float(&rng, 0.001...0.3),
                             preconditioning: Bool.random(using: &rng)
                                 ? Preconditioning(decorrelatedColour: Bool.random(using: &rng),
                                                   falloff: Bool.random(using: &rng) ? float(&rng, 1...16) : nil) : nil,
                             freshFramings: [true, false, nil].randomElement(using: &rng)!)
            : nil
        let stop = Bool.random(using: &rng)
            ? StopCondition(generation: Bool.random(using: &rng) ? Int.random(in: 0...100_000, using: &rng) : nil,
                            confidence: Bool.random(using: &rng) ? float(&rng, 0.01...1) : nil,
                            minutes: Bool.random(using: &rng) ? Double.random(in: 0.1...600, using: &rng) : nil)
            : nil
        return RunPlan(models: models, scoring: finalScoring, fitness: fitness, evolution: evolution, strategy: strategy,
                       polish: polish, stop: stop, threads: Int.random(in: 1...256, using: &rng))
    }

    static func float(_ rng: inout SeededGenerator, _ range: ClosedRange<Float>) -> Float {
        Float.random(in: range, using: &rng)
    }

    /// A random objective tree over every case, `depth` levels at most.
    static func objective(_ rng: inout SeededGenerator, depth: Int) -> Objective {
        let leaves = 6, all = depth > 0 ? 9 : leaves
        switch Int.random(in: 0..<all, using: &rng) {
        case 0: return .classes((0..<Int.random(in: 1...4, using: &rng)).map { _ in Int.random(in: 0...999, using: &rng) })
        case 1: return .opposite(Int.random(in: 0...999, using: &rng))
        case 2: return .logit(Int.random(in: 0...999, using: &rng))
        case 3: return .layer(LayerFeature([.channel, .neuron, .dream].randomElement(using: &rng)!,
                                           block: Int.random(in: 0...20, using: &rng), channel: Int.random(in: 0...300, using: &rng)))
        case 4: return .match(FeatureReference(source: "photo.png", pooled: ["lite0": (0..<5).map { _ in float(&rng, -3...3) }],
                                               topClasses: ["lite0": Int.random(in: 0...999, using: &rng)]))
        case 5: return .style(StyleReference(source: "art.png", blocks: ["lite0": [2, 4]],
                                             grams: ["lite0": [(0..<4).map { _ in float(&rng, 0...2) }, [float(&rng, 0...1)]]]))
        case 6: return .sum(objective(&rng, depth: depth - 1), objective(&rng, depth: depth - 1))
        case 7: return .scaled(float(&rng, -10...10), objective(&rng, depth: depth - 1))
        default: return .on(network: ModelVariant.allCases.randomElement(using: &rng)!.rawValue, objective(&rng, depth: depth - 1))
        }
    }
}
