import Foundation
import Imaging
import Net
import Scoring
import XCTest

/// `stats` terms resolved against a real network: ranges checked on it, bad weights refused.
extension ObjectiveInputTests {
    func testStatsTermsResolveAndBadWeightsAreRefused() throws {
        let names = try ImageNetClasses.bundled(), scorer = try lite0()
        func resolve(_ text: String) throws -> Objective {
            try ObjectiveText(parsing: text).resolve(names: names, scorer: scorer) { _ in Image(width: 1, height: 1) }
        }
        XCTAssertEqual(try resolve("class(goldfish) + stats(0.05, block8...head)"),
                       .classes([1]) + 0.05 * .stats(PriorLayers(from: .block(8), through: .head)))
        XCTAssertEqual(try resolve("stats"), .stats(.all))
        XCTAssertEqual(try resolve("lite0:stats(2)"), 2 * .on(network: "lite0", .stats(.all)))
        let refused: [(String, ObjectiveError)] = [
            ("class(goldfish) - stats(0.05)", .priorWeight(weight: -0.05, term: "stats(0.05)")),
            ("-stats(stem...block3) + class(goldfish)", .priorWeight(weight: -1, term: "stats(stem...block3)")),
            ("stats(block16...head)", .unknownLayer(name: "block16", network: "lite0", blocks: 16)),
            ("stats(0.05) + stats(0.1, stem...block3)", .severalPriors(layers: ["stem...head", "stem...block3"])),
            ("class(goldfish) + lite1:stats", .modelNotInRun(name: "lite1", run: ["lite0"])),
        ]
        for (text, expected) in refused {
            XCTAssertThrowsError(try resolve(text), text) { error in
                XCTAssertEqual(error as? ObjectiveError, expected, text)
                XCTAssertFalse("\(error)".contains("\n"), "one line")
            }
        }
    }
}

/// The value of a `stats` term in framed and unframed scoring, against the engine's
/// `statisticsPrior` over the same images.
extension FramedScoringTests {
    func testStatsValueIsMinusWeightTimesThePriorOfEachPicturesFramings() throws {
        let scorer = try ensemble()
        var rng = SplitMix64(state: 4)
        let framings = (0..<3).map { _ in Framing.random(using: &rng) }
        let framed = FramedScoring(scorer: scorer, framings: framings, sourceSize: 300)
        let a = picture(300)
        var b = a
        for i in b.pixels.indices { b.pixels[i] = 1 - b.pixels[i] * b.pixels[i] }
        let w: Float = 0.05, stats = w * Objective.stats(.all), crab = Objective.classes([119])
        /// P of one picture's framings on network `k`, from the engine directly.
        func prior(_ source: Image, _ k: Int) throws -> Double {
            let images = framed.images(source, network: k)
            let input = try Preprocess.batch(images, resolution: scorer.resolution(of: k))
            return try scorer.sessions[k].statisticsPrior(input, batch: images.count).value
        }
        let statsOnly = try framed.evaluate([a, b], objective: stats)
        let crabOnly = try framed.evaluate([a, b], objective: crab)
        let both = try framed.evaluate([a, b], objective: crab + stats)
        for (i, source) in [a, b].enumerated() {
            let expected = -Double(w) * (try prior(source, 0) + prior(source, 1)) / 2
            print("picture \(i): −w·P = \(expected), class value \(crabOnly[i].value)")
            XCTAssertEqual(Double(statsOnly[i].value), expected, accuracy: 1e-5 * abs(expected), "−w · mean over networks of P")
            XCTAssertEqual(both[i].value, crabOnly[i].value + statsOnly[i].value, accuracy: 1e-4, "terms add")
            XCTAssertEqual(both[i].confidence, crabOnly[i].confidence, accuracy: 1e-5, "the prior leaves the confidence")
        }
        XCTAssertNotEqual(statsOnly[0].value, statsOnly[1].value, accuracy: 1e-3, "each picture has its own prior")
        // A picture scored alone or beside another gets the same value: prior batches never mix pictures.
        XCTAssertEqual(try framed.evaluate([b], objective: crab + stats)[0].value, both[1].value, accuracy: 1e-5)
        // On one network only: that network's prior, averaged over both networks like the rest.
        let onLite1 = try framed.evaluate([a], objective: crab + .on(network: "lite1", stats))[0].value
        XCTAssertEqual(Double(onLite1), Double(crabOnly[0].value) - Double(w) * (try prior(a, 1)) / 2, accuracy: 1e-4)
        // The gradient pass reports the value the evaluation does.
        XCTAssertEqual(try framed.gradient(a, objective: crab + stats).value, both[0].value, accuracy: 1e-4)
        // Unframed scoring: each image is its own prior batch by default; `priorBatch` groups views.
        let views = framed.images(a, network: 0)
        let alone = try scorer.evaluate(views, objective: stats)
        for (view, score) in zip(views, alone) {
            let p = try scorer.sessions[0].statisticsPrior(try Preprocess.batch([view], resolution: 224), batch: 1).value
            XCTAssertEqual(Double(score.value), -Double(w) * p, accuracy: 1e-5 * abs(Double(w) * p))
        }
        let grouped = try scorer.evaluate(views, objective: stats, priorBatch: 3)
        XCTAssertEqual(Double(grouped[0].value), -Double(w) * (try prior(a, 0)), accuracy: 1e-5 * abs(Double(w) * (try prior(a, 0))))
        XCTAssertTrue(grouped.allSatisfy { $0.value == grouped[0].value })
        XCTAssertThrowsError(try scorer.evaluate(views, objective: stats, priorBatch: 2)) { error in
            XCTAssertEqual(error as? ScoringError, .priorBatch(images: 3, priorBatch: 2))
        }
        // Without the term, `priorBatch` plays no part.
        XCTAssertEqual(try scorer.evaluate(views, objective: crab, priorBatch: 2), try scorer.evaluate(views, objective: crab))
    }
}
