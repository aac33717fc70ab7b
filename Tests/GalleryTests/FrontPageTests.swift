import Evolution
import Foundation
import Gallery
import ImageIO
import Scoring
import Search
import Store
import XCTest

/// The run page's Pareto front (issue 26, item 5): the chart of the last generation's population
/// with its front numbered and linked, a card per front member with its render, re-measured
/// robust and held-out confidence and formula, and files that follow the front.
final class FrontPageTests: GalleryTestCase {
    /// (genome, confidence, naturalness): nodes 4, 1, 4, 4, 4. The front is D (most confident),
    /// A, and B (the smallest and smoothest); C and E are dominated by A (same size, less
    /// confident and rougher).
    let population: [(String, Float, Float)] = [
        ("(rgb x y r)", 0.9, 0.05),       // A
        ("x", 0.2, 0.01),                 // B
        ("(rgb x x x)", 0.5, 0.06),       // C
        ("(sin (* 3 x))", 0.95, 0.2),     // D
        ("(rgb y y y)", 0.3, 0.07),       // E
    ]
    let front = ["(sin (* 3 x))", "(rgb x y r)", "x"]

    func testTheFrontIsTheNonDominatedMembersMostConfidentFirst() throws {
        let stored = population.map { Individual(genome: $0.0, fitness: 0, confidence: $0.1, naturalness: $0.2) }
        let computed = try PopulationFront(population: stored, generation: 3)
        XCTAssertEqual(computed.members.map(\.genome), front)
        XCTAssertEqual(computed.points.map(\.nodes), [4, 1, 4, 4, 4])
        XCTAssertEqual(computed.generation, 3)
    }

    func testAParetoRunsPageChartsItsFrontAndLinksEachPointToItsMeasuredRender() throws {
        try makeRun("pareto-1", survivors: .pareto)
        let log = RenderLog()
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: Self.renderer(log))
        let page = try read(out + "/pareto-1/index.html")

        // The chart: three numbered front markers linked to their cards, two dominated dots.
        let chart = try XCTUnwrap(page.range(of: "<svg class=\"chart front-chart\"").map { String(page[$0.lowerBound...]) })
        let svg = String(chart[..<(chart.range(of: "</svg>")?.upperBound ?? chart.endIndex)])
        XCTAssertEqual(svg.components(separatedBy: "<circle class=\"other\"").count - 1, 2 + 1)  // + the legend's
        for k in 1...3 {
            XCTAssertTrue(svg.contains("<a href=\"#front-\(k)\"><circle class=\"front\" data-front=\"\(k)\""), svg)
        }
        XCTAssertFalse(svg.contains("data-front=\"4\""))

        // The cards, in front order, each with its render's own measurement and a held-out line.
        for (k, genome) in front.enumerated() {
            let start = try XCTUnwrap(page.range(of: "<article class=\"card\" id=\"front-\(k + 1)\""))
            let card = String(page[start.lowerBound..<(page[start.upperBound...].range(of: "</article>")?.upperBound ?? page.endIndex)])
            XCTAssertTrue(card.contains(genome), card)
            let (image, _) = GalleryExporter.frontFileNames(genome: genome)
            let text = try PNGFile.readText(out + "/pareto-1/" + image)
            let measured = Fake.confidence(Fake.render(genome, size: 40, aa: 2))
            XCTAssertEqual(text[PNGTextKey.confidence], "\(measured)")
            XCTAssertEqual(text[PNGTextKey.heldOutConfidence], "\(measured / 2)")
            XCTAssertEqual(text[PNGTextKey.storedConfidence], "\(population.first { $0.0 == genome }!.1)")
            XCTAssertTrue(HTMLScanner.plainText(card).contains("\(GalleryFormat.percent(measured)) robust"), card)
            XCTAssertTrue(HTMLScanner.plainText(card).contains("held-out lite2: \(GalleryFormat.percent(measured / 2)) (top-1 on 4/16 framings)"),
                          card)
        }

        // A second export renders nothing again.
        let renders = log.renders
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: Self.renderer(log))
        XCTAssertEqual(log.renders, renders)
    }

    func testTheFrontsFilesFollowTheFrontAndARunSelectedByFitnessHasNone() throws {
        let run = try makeRun("pareto-2", survivors: .pareto)
        try makeRun("fitness-1", survivors: nil)
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: Self.renderer(RenderLog()))
        let fitnessFiles = try FileManager.default.contentsOfDirectory(atPath: out + "/fitness-1")
        XCTAssertFalse(fitnessFiles.contains { $0.hasPrefix("front-") }, "\(fitnessFiles)")
        XCTAssertFalse(try read(out + "/fitness-1/index.html").contains("id=\"front\""))

        // The next generation's front is one picture: the others' files go.
        try store.commitGeneration(GenerationCommit(
            run: run.id, stats: GenerationStats(index: 1, bestFitness: 1, meanFitness: 1, bestConfidence: 0.99,
                                                meanConfidence: 0.99, bestNaturalness: 0.01, evaluations: 20, elapsedSeconds: 2),
            rngState: "rng:1", population: [Individual(genome: "y", fitness: 1, confidence: 0.99, naturalness: 0.01),
                                            Individual(genome: "(rgb y x r)", fitness: 0, confidence: 0.5, naturalness: 0.5)],
            records: []))
        try GalleryExporter.export(runs: ["pareto-2"], from: store, options: options(), renderer: Self.renderer(RenderLog()))
        let files = try FileManager.default.contentsOfDirectory(atPath: out + "/pareto-2").filter { $0.hasPrefix("front-") }
        let (image, thumbnail) = GalleryExporter.frontFileNames(genome: "y")
        XCTAssertEqual(Set(files), [image, thumbnail])
        XCTAssertTrue(try read(out + "/pareto-2/index.html").contains("generation 1 · 1 of 2 pictures"))
    }

    func testALongFrontGetsSixteenCardsSpreadFromEndToEnd() throws {
        // 20 pictures trading confidence for smoothness: every one is on the front.
        let run = try makeRun("pareto-3", survivors: .pareto)
        let tradeOff = (0..<20).map { k in
            Individual(genome: "(rgb x y \(Float(k) / 20))", fitness: 0, confidence: 0.5 + Float(k) / 50,
                       naturalness: 0.01 + Float(k) / 100)
        }
        try store.commitGeneration(GenerationCommit(
            run: run.id, stats: GenerationStats(index: 1, bestFitness: 1, meanFitness: 1, bestConfidence: 0.88,
                                                meanConfidence: 0.7, bestNaturalness: 0.01, evaluations: 40, elapsedSeconds: 3),
            rngState: "rng:1", population: tradeOff, records: []))
        var reported: [Int] = []
        try GalleryExporter.export(runs: ["pareto-3"], from: store, options: options(), renderer: Self.renderer(RenderLog()),
                                   progress: { if $0.front { reported.append($0.done) } })
        XCTAssertEqual(reported, Array(1...16))
        let page = try read(out + "/pareto-3/index.html")
        let cards = page.components(separatedBy: "<article class=\"card\" id=\"front-").dropFirst()
            .map { Int($0.prefix { $0.isNumber })! }
        XCTAssertEqual(cards.count, 16)
        XCTAssertEqual(cards.first, 1)
        XCTAssertEqual(cards.last, 20)
        XCTAssertEqual(cards, cards.sorted())
        XCTAssertEqual(page.components(separatedBy: "<circle class=\"front\" data-front=").count - 1, 20)
        XCTAssertEqual(page.components(separatedBy: "<a href=\"#front-").count - 1, 16)
        XCTAssertTrue(page.contains("16 of the 20 on the front are rendered"))
    }

    func testNiceTicksCoverTheirRange() {
        XCTAssertEqual(FrontChart.linearTicks(0.013, 0.2), [0, 0.05, 0.1, 0.15000000000000002, 0.2])
        XCTAssertEqual(FrontChart.linearTicks(0.013, 0.2).map(FrontChart.tickText), ["0", "0.05", "0.1", "0.15", "0.2"])
        let single = FrontChart.linearTicks(3, 3)
        XCTAssertLessThan(single.first!, 3)
        XCTAssertGreaterThan(single.last!, 3)
    }

    // MARK: Helpers

    /// A run with one generation whose population is `population` (and one record).
    @discardableResult
    func makeRun(_ name: String, survivors: SurvivorSelection?) throws -> Run {
        var evolution = EvolutionConfig()
        evolution.survivors = survivors
        let settings = RunSettings(evolution: evolution, fitness: FitnessFunction(objective: .classes([1]), tvWeight: 0.05))
        let run = try store.createRun(NewRun(name: name, target: "goldfish", config: try settings.json(),
                                             model: settings.modelName, seed: 5))
        try store.commitGeneration(GenerationCommit(
            run: run.id, stats: GenerationStats(index: 0, bestFitness: 0.5, meanFitness: 0.2, bestConfidence: 0.95,
                                                meanConfidence: 0.5, bestNaturalness: 0.03, evaluations: 8, elapsedSeconds: 1),
            rngState: "rng", population: population.map { Individual(genome: $0.0, fitness: 0, confidence: $0.1, naturalness: $0.2) },
            records: [NewRecord(genome: "(rgb x y r)", fitness: 0.5, confidence: 0.9, naturalness: 0.05, evaluations: 8,
                                elapsedSeconds: 1, polished: false)]))
        return try store.run(named: name)
    }

    /// The fake renderer, with a held-out network that sees half the robust confidence and
    /// names the target on 4 of 16 framings.
    static func renderer(_ log: RenderLog) -> GalleryRenderer {
        var renderer = Fake.renderer(log)
        renderer.judgement = { image, _, _ in
            let p = Fake.confidence(image)
            return Judgement(robust: [NetworkVerdict(model: "lite0", confidence: p, top1: 1, topClass: 1)],
                             heldOut: NetworkVerdict(model: "lite2", confidence: p / 2, top1: 0.25, topClass: 1),
                             framings: 16, renderSize: 448)
        }
        return renderer
    }
}
