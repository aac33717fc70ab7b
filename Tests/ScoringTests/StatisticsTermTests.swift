import Foundation
import Imaging
import Net
import Scoring
import XCTest

/// The `stats` term of the objective language: its text, its stored form and what the
/// objective makes of it, without a network.
final class StatisticsTermTests: XCTestCase {
    func testStatsTextRoundTrips() throws {
        let texts = [
            "stats",
            "stats(0.05)",
            "stats(0.05, stem...block7)",
            "stats(block8...head)",
            "stats(2, block3...block3)",
            "class(goldfish) + stats(0.05)",
            "lite1:stats(0.05)",
            "class(goldfish) - stats(0.05)",
            "-stats(0.25) + dream(block10)",
        ]
        for text in texts {
            let parsed = try ObjectiveText(parsing: text)
            XCTAssertEqual(parsed.description, text, "canonical text prints as written")
            XCTAssertEqual(try ObjectiveText(parsing: parsed.description), parsed)
        }
        // The number inside is the term's weight: the same term as a weight before it.
        XCTAssertEqual(try ObjectiveText(parsing: "stats(0.05)"), try ObjectiveText(parsing: "0.05 * stats"))
        XCTAssertEqual(try ObjectiveText(parsing: "2 * stats(0.05)").description, "stats(0.1)")
        XCTAssertEqual(try ObjectiveText(parsing: " stats ( 0.5 ,block_2 ... 9 ) ").description, "stats(0.5, block2...block9)")
        XCTAssertEqual(try ObjectiveText(parsing: "stats(0.05, stem...head)").description, "stats(0.05)", "the whole network is the default")
        let term = try ObjectiveText(parsing: "class(tench) - lite1:stats(0.5, block8...head)").terms[1]
        XCTAssertEqual(term, .init(weight: -0.5, model: "lite1", atom: .stats(PriorLayers(from: .block(8), through: .head))))
        XCTAssertEqual(try ObjectiveText(parsing: "class(goldfish) + stats").confidenceKind, .sought)
        XCTAssertEqual(try ObjectiveText(parsing: "stats(0.05) + dream(block3)").confidenceKind, .topOne)
    }

    func testStatsMistakesNameTheColumnAndWhatWasExpected() {
        let cases: [(String, Int, String)] = [
            ("stats()", 7, "a weight or a layer range"),
            ("stats(0.05, block7..block8)", 19, "'...' between"),
            ("stats(0.05, neck...head)", 13, "a layer: stem, head or blockN"),
            ("stats(block8...block2)", 16, "a last layer at or after block8"),
            ("stats(head...stem)", 14, "a last layer at or after head"),
            ("stats(0.05 stem...head)", 12, "')'"),
            ("1e-6 * stats(1e-6)", 8, "a weight between 1e-6 and 1e6"),
            ("stats(0)", 7, "a weight between 1e-6 and 1e6"),
            ("stats(0.05) - stats(0.05)", 0, ""),
        ]
        for (text, column, expected) in cases {
            XCTAssertThrowsError(try ObjectiveText(parsing: text), text) { error in
                if column == 0 { return XCTAssertEqual(error as? ObjectiveError, .constant(text: text)) }
                guard let e = error as? ObjectiveTextError else { return XCTFail("\(text): \(error)") }
                XCTAssertEqual(e.column, column, "\(text): \(e)")
                XCTAssertTrue(e.expected.hasPrefix(expected), "\(text): \(e)")
            }
        }
    }

    /// The stored form of the new case, pinned; the old cases' stored form is unchanged.
    func testStoredJSONIsPinned() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let objective: Objective = .classes([1]) + 0.25 * .stats(PriorLayers(from: .block(8), through: .head))
        let pinned = #"{"sum":{"_0":{"classes":{"_0":[1]}},"_1":{"scaled":{"_0":0.25,"_1":{"stats":{"_0":{"from":"block8","through":"head"}}}}}}}"#
        XCTAssertEqual(String(decoding: try encoder.encode(objective), as: UTF8.self), pinned)
        XCTAssertEqual(try JSONDecoder().decode(Objective.self, from: Data(pinned.utf8)), objective)
        let all = #"{"on":{"_1":{"stats":{"_0":{"from":"stem","through":"head"}}},"network":"lite1"}}"#
        XCTAssertEqual(try JSONDecoder().decode(Objective.self, from: Data(all.utf8)), .on(network: "lite1", .stats(.all)))
        // What earlier releases stored still reads, and is still written, byte for byte.
        for old in [#"{"scaled":{"_0":0.5,"_1":{"opposite":{"_0":285}}}}"#, #"{"on":{"_1":{"logit":{"_0":3}},"network":"lite1"}}"#] {
            let decoded = try JSONDecoder().decode(Objective.self, from: Data(old.utf8))
            XCTAssertEqual(String(decoding: try encoder.encode(decoded), as: UTF8.self), old)
        }
        let bad = #"{"stats":{"_0":{"from":"neck","through":"head"}}}"#
        XCTAssertThrowsError(try JSONDecoder().decode(Objective.self, from: Data(bad.utf8))) { error in
            XCTAssertTrue("\(error)".contains("'neck' is not a layer"), "\(error)")
        }
    }

    /// The range's ends map to the engine's prior the same way on networks of any depth.
    func testLayerRangesBecomeTheEnginesPrior() throws {
        let lite0 = try EfficientNetLite.load(.lite0).architecture
        XCTAssertEqual(lite0.blocks.count, 16)
        XCTAssertEqual(PriorLayers.all.prior(weight: 0.5, architecture: lite0),
                       StatisticsPrior(weight: 0.5, blocks: 0..<16, stem: true, head: true))
        XCTAssertEqual(PriorLayers(from: .stem, through: .block(7)).prior(weight: 1, architecture: lite0),
                       StatisticsPrior(weight: 1, blocks: 0..<8, stem: true, head: false))
        XCTAssertEqual(PriorLayers(from: .block(8), through: .head).prior(weight: 1, architecture: lite0),
                       StatisticsPrior(weight: 1, blocks: 8..<16, stem: false, head: true))
        XCTAssertEqual(PriorLayers(from: .head, through: .head).prior(weight: 1, architecture: lite0).layers(of: lite0), [.head])
        XCTAssertEqual(PriorLayers(from: .stem, through: .stem).prior(weight: 1, architecture: lite0).layers(of: lite0), [.stem])
        XCTAssertEqual(PriorLayers(from: .block(3), through: .block(3)).prior(weight: 1, architecture: lite0).layers(of: lite0),
                       [.expand(block: 3), .depthwise(block: 3), .project(block: 3)])
    }

    /// Weights add up per network and range; `withoutStatistics` leaves the rest as it was.
    func testNetWeightsAndTheRestOfTheObjective() throws {
        let lite0 = try EfficientNetLite.load(.lite0).architecture
        let upper = PriorLayers(from: .block(8), through: .head)
        let all = Objective.stats(.all)
        let both: Objective = all + .on(network: "lite1", 2 * all)
        let objective: Objective = .classes([1]) + 0.5 * both + .on(network: "lite0", 0.25 * all)
        XCTAssertTrue(objective.readsStatistics)
        XCTAssertFalse(Objective.classes([1]).readsStatistics)
        XCTAssertEqual(objective.withoutStatistics, .classes([1]))
        XCTAssertNil((0.5 * .stats(.all)).withoutStatistics)
        XCTAssertEqual(try objective.statisticsPrior(network: "lite0", architecture: lite0)?.weight, 0.75)
        XCTAssertEqual(try objective.statisticsPrior(network: "lite1", architecture: lite0)?.weight, 1.5)
        XCTAssertNil(try Objective.classes([1]).statisticsPrior(network: "lite0", architecture: lite0))
        XCTAssertNil(try (.classes([1]) + .on(network: "lite1", .stats(.all))).statisticsPrior(network: "lite0", architecture: lite0))
        // Cancelling terms leave no prior; the rest of the objective keeps its weights and terms.
        XCTAssertNil(try (.classes([1]) + .stats(upper) + -1 * .stats(upper)).statisticsPrior(network: "lite0", architecture: lite0))
        XCTAssertEqual((0.5 * (.layer(LayerFeature(.dream, block: 3)) + .stats(.all))).withoutStatistics,
                       0.5 * .layer(LayerFeature(.dream, block: 3)))
        XCTAssertEqual(objective.confidenceKind, .sought)
        XCTAssertEqual(objective.targetClasses, [1])
    }

    /// A negative or non-finite net weight, or two ranges on one network, is a typed error that
    /// names the term and the fix.
    func testBadPriorWeightsAndSeveralRangesAreTypedErrors() throws {
        let lite0 = try EfficientNetLite.load(.lite0).architecture
        for (objective, weight) in [(Objective.classes([1]) + -0.05 * .stats(.all), Float(-0.05)),
                                    (.classes([1]) + .infinity * .stats(.all), .infinity)] {
            XCTAssertThrowsError(try objective.statisticsPrior(network: "lite0", architecture: lite0)) { error in
                guard case .priorWeight(let w, let term)? = error as? ObjectiveError else { return XCTFail("\(error)") }
                XCTAssertEqual(w, weight)
                XCTAssertTrue(term.hasPrefix("stats("), term)
                XCTAssertTrue("\(error)".contains("finite number ≥ 0") && "\(error)".contains("e.g. class(goldfish) + stats(0.05)"), "\(error)")
            }
        }
        let nan: Objective = .scaled(.nan, .stats(.all))
        XCTAssertThrowsError(try nan.statisticsPrior(network: "lite0", architecture: lite0))
        let several: Objective = .stats(.all) + .stats(PriorLayers(from: .stem, through: .block(3)))
        XCTAssertThrowsError(try several.statisticsPrior(network: "lite0", architecture: lite0)) { error in
            XCTAssertEqual(error as? ObjectiveError, .severalPriors(layers: ["stem...head", "stem...block3"]))
            XCTAssertTrue("\(error)".contains("keep a single stats term per network"), "\(error)")
        }
        // On different networks two ranges are fine.
        let split: Objective = .on(network: "lite0", .stats(.all)) + .on(network: "lite1", .stats(PriorLayers(from: .stem, through: .block(3))))
        XCTAssertEqual(try split.statisticsPrior(network: "lite0", architecture: lite0)?.blocks, 0..<16)
    }
}
