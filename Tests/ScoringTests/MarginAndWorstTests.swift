import Foundation
import Imaging
import Net
import Scoring
import XCTest

/// The transfer-minded class terms: `margin(c)` (the class's logit minus the largest other) and
/// `worst(…)` (the minimum over an ensemble's networks): their text, stored form and values.
final class MarginAndWorstTermTests: XCTestCase {
    func testTextRoundTripsAndMistakesAreNamed() throws {
        for text in ["margin(goldfish)", "worst(margin(goldfish))", "class(goldfish) + 0.5 * worst(margin(goldfish) - not(tench))",
                     "-worst(class(tench))", "lite1:margin(\"a, b\")"] {
            let parsed = try ObjectiveText(parsing: text)
            XCTAssertEqual(parsed.description, text, "canonical text prints as written")
        }
        XCTAssertEqual(try ObjectiveText(parsing: " worst ( margin( goldfish ) ) ").description, "worst(margin(goldfish))")
        XCTAssertEqual(try ObjectiveText(parsing: "worst(margin(goldfish))").confidenceKind, .sought)
        XCTAssertEqual(try ObjectiveText(parsing: "-worst(margin(goldfish))").confidenceKind, .absence)
        XCTAssertEqual(try ObjectiveText(parsing: "stats(0.01) + worst(dream(block3))").confidenceKind, .topOne)
        let mistakes: [(String, Int, String)] = [
            ("worst(stats(0.05))", 7, "inside worst"),
            ("worst(lite1:class(tench))", 7, "inside worst"),
            ("worst(worst(class(tench)))", 7, "inside worst"),
            ("lite1:worst(class(tench))", 1, "without a network prefix"),
            ("worst(class(tench)", 19, "'+', '-' or ')'"),
            ("worst()", 7, "one of class"),
        ]
        for (text, column, expected) in mistakes {
            XCTAssertThrowsError(try ObjectiveText(parsing: text), text) { error in
                guard let e = error as? ObjectiveTextError else { return XCTFail("\(text): \(error)") }
                XCTAssertEqual(e.column, column, "\(text): \(e)")
                XCTAssertTrue(e.expected.contains(expected), "\(text): \(e)")
            }
        }
    }

    /// The stored form is pinned, key by key.
    func testStoredJSONIsPinned() throws {
        let objective: Objective = .classes([1]) + 0.5 * .worst(.margin(1))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(objective), as: UTF8.self)
        XCTAssertEqual(json, #"{"sum":{"_0":{"classes":{"_0":[1]}},"_1":{"scaled":{"_0":0.5,"_1":{"worst":{"_0":{"margin":{"_0":1}}}}}}}}"#)
        XCTAssertEqual(try JSONDecoder().decode(Objective.self, from: Data(json.utf8)), objective)
    }

    /// margin(c) = lp_c − max_{j≠c} lp_j, with gradient +1 at c and −1 at the runner-up; worst
    /// of one network is the inner objective.
    func testMarginValueAndGradientOnTheLogSoftmax() {
        var lp = (0..<1000).map { -Float($0 % 97) / 10 - 3 }
        lp[7] = -0.5
        lp[3] = -1.25
        let m = Objective.margin(3)
        XCTAssertEqual(m.value(logProbabilities: lp), -1.25 - -0.5)
        XCTAssertEqual(Objective.margin(7).value(logProbabilities: lp), -0.5 - -1.25)
        let g = (2 * Objective.worst(m)).gradient(logProbabilities: lp)
        XCTAssertEqual(g[3], 2)
        XCTAssertEqual(g[7], -2)
        XCTAssertEqual(g.filter { $0 != 0 }.count, 2)
        XCTAssertEqual(Objective.worst(m).value(logProbabilities: lp), m.value(logProbabilities: lp))
        XCTAssertEqual(m.confidence(probabilities: lp.map { exp($0) }), exp(-1.25))
        XCTAssertEqual(m.targetClasses, [3])
    }

    func testEnsemblePartsSeparateTheWorstTerms() {
        let inner: Objective = .worst(.margin(1)) + .opposite(2)
        let o: Objective = .classes([1]) + 0.5 * inner + (-1) * Objective.worst(.classes([4]))
        let parts = o.ensembleParts
        XCTAssertEqual(parts.rest, .classes([1]) + 0.5 * .opposite(2))
        XCTAssertEqual(parts.worst.map(\.weight), [0.5, -1])
        XCTAssertEqual(parts.worst.map(\.inner), [.margin(1), .classes([4])])
        XCTAssertFalse(Objective.classes([1]).readsWorstNetwork)
    }
}

extension FramedScoringTests {
    /// On Lite0 + Lite1: margin(c) is logit_c − the largest other logit on each image; the
    /// ensemble's worst(…) is the minimum over the networks of their framing means, while the
    /// rest of the objective is their mean.
    func testWorstIsTheMinimumOverTheNetworksAndMarginTheLogitLead() throws {
        let scorer = try ensemble()
        var rng = SplitMix64(state: 12)
        let framings = (0..<3).map { _ in Framing.random(using: &rng) }
        let framed = FramedScoring(scorer: scorer, framings: framings, sourceSize: 300)
        let source = picture(300)
        let goldfish = 1
        var margins: [Float] = []
        for k in 0..<2 {
            let images = framed.images(source, network: k)
            let scores = try scorer.evaluate(images, objective: .margin(goldfish), network: k)
            var mean: Float = 0
            for (image, score) in zip(images, scores) {
                let z = try scorer.logits(of: image, network: k)
                let other = z.indices.filter { $0 != goldfish }.map { z[$0] }.max()!
                XCTAssertEqual(score.value, z[goldfish] - other, accuracy: 1e-3, "the logit lead")
                mean += score.value / 3
            }
            margins.append(mean)
        }
        let crab = try framed.evaluate([source], objective: .classes([119]))[0]
        let both = try framed.evaluate([source], objective: .classes([119]) + 0.5 * .worst(.margin(goldfish)))[0]
        XCTAssertEqual(both.value, crab.value + 0.5 * min(margins[0], margins[1]), accuracy: 1e-4)
        XCTAssertEqual(both.confidences, crab.confidences, "the confidence is the first class term's")
        let alone = try framed.evaluate([source], objective: .worst(.margin(goldfish)))[0]
        XCTAssertEqual(alone.value, min(margins[0], margins[1]), accuracy: 1e-4)
        XCTAssertNotEqual(margins[0], margins[1], "two networks that differ, so the minimum is a choice")
    }
}
