import Evolution
import Foundation
import Gallery
import Scoring
import Search
import Store
import XCTest

/// The gallery names each run's genome family and search (`BreedingLabel`), read from its plan:
/// on the front page's card and in the run page's facts; a manifest written before they were
/// kept still decodes (its card says nothing of them until the run is exported again).
final class BreedingLabelTests: GalleryTestCase {
    /// Textured layered genomes, searched memetic: the `evolve` default.
    var texturedLayers: EvolutionConfig {
        var c = EvolutionConfig()
        c.layers = LayerSeeding(share: 1, layers: 4, groundWaves: 8, colourWaves: 2, waveFrequency: 8, keepsShape: true)
        return c
    }

    /// Wave sums of 24 terms, as `--family waves` draws them.
    var waveSums: EvolutionConfig {
        var c = EvolutionConfig()
        c.waves = WaveSeeding(share: 1, terms: 24)
        c.termOperators = .measured
        return c
    }

    // MARK: The label

    func testEachFamilyHasItsLabel() {
        func family(_ change: (inout EvolutionConfig) -> Void) -> String {
            var c = EvolutionConfig()
            change(&c)
            return BreedingLabel(evolution: c, polish: PolishSchedule()).familyText
        }
        XCTAssertEqual(BreedingLabel(evolution: texturedLayers, polish: PolishSchedule()).familyText,
                       "layered: 4 shapes, textured (8 ground waves, 2 per shape)")
        XCTAssertEqual(family { $0.layers = LayerSeeding(layers: 4) }, "layered: 4 flat shapes")
        XCTAssertEqual(family { $0.layers = LayerSeeding(layers: 1) }, "layered: 1 flat shape")
        XCTAssertEqual(family { $0.layers = LayerSeeding(layers: 3, groundWaves: 8) },
                       "layered: 3 shapes, textured (8 ground waves, flat shapes)")
        XCTAssertEqual(family { $0.layers = LayerSeeding(layers: 5, groundWaves: 0, colourWaves: 1) },
                       "layered: 5 shapes, textured (1 wave per shape, flat ground)")
        XCTAssertEqual(family { $0.cppn = CPPNSeeding() }, "CPPN")
        XCTAssertEqual(BreedingLabel(evolution: waveSums, polish: nil).familyText, "wave sums: 24 terms")
        XCTAssertEqual(family { _ in }, "expression trees")
        // Mixed seedings (hand-edited plans, and runs from before wave sums filled every batch):
        // each family with its share, in the order batches are drawn.
        XCTAssertEqual(family { $0.waves = WaveSeeding(share: 0.5, terms: 12) },
                       "50 % wave sums: 12 terms; 50 % expression trees")
        XCTAssertEqual(family { $0.layers = LayerSeeding(share: 0.25, layers: 2); $0.cppn = CPPNSeeding(share: 1) },
                       "25 % layered: 2 flat shapes; 75 % CPPN")
        // A seeding that draws nothing is no family.
        XCTAssertEqual(family { $0.waves = WaveSeeding(share: 0, terms: 24) }, "expression trees")
        XCTAssertEqual(family { $0.waves = WaveSeeding(share: 1, terms: 0) }, "expression trees")
    }

    func testTheSearchFollowsThePolishScheduleAndTheImmigrantRate() {
        var polishAlone = texturedLayers
        polishAlone.immigrantRate = 1
        XCTAssertEqual(BreedingLabel(evolution: texturedLayers, polish: PolishSchedule()).search, .memetic)
        XCTAssertEqual(BreedingLabel(evolution: polishAlone, polish: PolishSchedule()).search, .polishAlone)
        XCTAssertEqual(BreedingLabel(evolution: texturedLayers, polish: nil).search, .gp)
        XCTAssertEqual([BreedingLabel.Mode.memetic, .polishAlone, .gp].map {
            var label = BreedingLabel(evolution: EvolutionConfig(), polish: nil)
            label.search = $0
            return label.searchText
        }, ["memetic", "polish alone", "GP"])
    }

    func testARunAndAnAtlasAreLabelledFromTheirStoredPlans() throws {
        let run = RunSettings(evolution: waveSums, fitness: FitnessFunction(objective: .classes([1]), tvWeight: 0.3),
                              polish: nil)
        let stored = try RunSettings.decode(try run.json(), run: "r")
        XCTAssertEqual(BreedingLabel(stored), BreedingLabel(evolution: waveSums, polish: nil))
        XCTAssertEqual(BreedingLabel(stored).searchText, "GP")
        let atlas = AtlasSettings(classes: [1, 2], evolution: texturedLayers)
        let storedAtlas = try AtlasSettings.decode(try atlas.json(), run: "a")
        XCTAssertEqual(BreedingLabel(storedAtlas).familyText, "layered: 4 shapes, textured (8 ground waves, 2 per shape)")
        XCTAssertEqual(BreedingLabel(storedAtlas).searchText, "memetic")
    }

    // MARK: The pages

    func testFrontPageAndRunPagesNameEachRunsFamilyAndSearch() throws {
        var polishAlone = waveSums
        polishAlone.immigrantRate = 1
        try makePlannedRun("layers-1", RunSettings(evolution: texturedLayers, fitness: fitness))
        try makePlannedRun("waves-1", RunSettings(evolution: polishAlone, fitness: fitness))
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: Fake.renderer(RenderLog()))

        let expected = [
            ("layers-1", "layered: 4 shapes, textured (8 ground waves, 2 per shape)", "memetic"),
            ("waves-1", "wave sums: 24 terms", "polish alone"),
        ]
        let index = try read(out + "/index.html")
        for (name, genomes, search) in expected {
            let card = try runCard(name, in: index)
            XCTAssertTrue(card.contains("\(genomes) · \(search)"), card)
            let others = expected.filter { $0.0 != name }
            for other in others { XCTAssertFalse(card.contains(other.1), card) }

            let page = try read(out + "/\(name)/index.html")
            let facts = HTMLScanner.plainText(try XCTUnwrap(HTMLScanner.text(of: "ul", in: page)))
            XCTAssertTrue(facts.contains("genomes \(genomes) search \(search) "), facts)
            for other in others { XCTAssertFalse(facts.contains(other.1), facts) }
        }
    }

    func testARunWithoutAReadablePlanShowsNeitherLine() throws {
        try makeRun()
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: Fake.renderer(RenderLog()))
        XCTAssertFalse(try read(out + "/index.html").contains("class=\"breeding\""))
        let facts = HTMLScanner.plainText(try XCTUnwrap(HTMLScanner.text(of: "ul", in: try read(out + "/crab-1/index.html"))))
        XCTAssertFalse(facts.contains("genomes"), facts)
        XCTAssertFalse(facts.contains("search"), facts)
    }

    func testAManifestWrittenBeforeTheLabelStillDecodesAndTheNextExportAddsIt() throws {
        // As the previous release wrote it: no `genomes`, no `search`.
        let old = """
            {
              "records" : {

              },
              "run" : {
                "best" : null,
                "createdAt" : 1700000000,
                "elapsedSeconds" : 75,
                "evaluations" : 150,
                "generations" : 3,
                "model" : "lite0",
                "name" : "layers-1",
                "seed" : "5",
                "shown" : [

                ],
                "status" : "finished",
                "target" : "goldfish"
              },
              "version" : 1
            }

            """
        try FileManager.default.createDirectory(atPath: out + "/layers-1", withIntermediateDirectories: true)
        try old.write(toFile: out + "/layers-1/manifest.json", atomically: true, encoding: .utf8)
        try GalleryExporter.writeIndex(out)
        let card = try runCard("layers-1", in: try read(out + "/index.html"))
        XCTAssertTrue(card.contains("goldfish"), card)
        XCTAssertFalse(card.contains(" · memetic"), card)

        try makePlannedRun("layers-1", RunSettings(evolution: texturedLayers, fitness: fitness))
        try GalleryExporter.export(runs: ["layers-1"], from: store, options: options(), renderer: Fake.renderer(RenderLog()))
        let exported = try runCard("layers-1", in: try read(out + "/index.html"))
        XCTAssertTrue(exported.contains("layered: 4 shapes, textured (8 ground waves, 2 per shape) · memetic"), exported)
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/layers-1/manifest.json")))
        let info = try XCTUnwrap((manifest as? [String: Any])?["run"] as? [String: Any])
        XCTAssertEqual(info["genomes"] as? String, "layered: 4 shapes, textured (8 ground waves, 2 per shape)")
        XCTAssertEqual(info["search"] as? String, "memetic")
    }

    func testAnAtlasNamesItsFamilyAndSearchOnItsCardAndPage() throws {
        try makeAtlas()
        let fake = Fake.renderer(RenderLog())
        let judge = JudgeLog()
        let renderer = GalleryRenderer(render: fake.render, confidence: fake.confidence,
                                       atlasVerdicts: { run, elites in try judge.judge(run, elites) },
                                       layoutGraph: { _ in nil })
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: renderer)
        let index = try read(out + "/index.html")
        let tag = try XCTUnwrap(HTMLScanner.tags(index).first { $0.name == "a" && $0.attributes["data-run"] == "atlas-1" })
        let card = HTMLScanner.plainText(try XCTUnwrap(HTMLScanner.text(of: "a", in: index, from: tag.start)))
        XCTAssertTrue(card.contains("expression trees · memetic"), card)
        let page = try read(out + "/atlas-1/index.html")
        let chips = try XCTUnwrap(HTMLScanner.tags(page).first { $0.name == "ul" && $0.attributes["class"] == "facts small" })
        let facts = HTMLScanner.plainText(try XCTUnwrap(HTMLScanner.text(of: "ul", in: page, from: chips.start)))
        XCTAssertTrue(facts.contains("genomes expression trees search memetic "), facts)
    }

    // MARK: Helpers

    var fitness: FitnessFunction { FitnessFunction(objective: .classes([1]), tvWeight: 0.05) }

    /// The plain text of run `name`'s card on the front page.
    func runCard(_ name: String, in index: String) throws -> String {
        let tag = try XCTUnwrap(HTMLScanner.tags(index).first { $0.name == "a" && $0.attributes["data-run"] == name },
                                "no card for \(name)")
        return HTMLScanner.plainText(try XCTUnwrap(HTMLScanner.text(of: "a", in: index, from: tag.start)))
    }

    /// Creates run `name` with `settings` as its stored plan and one generation with one record.
    @discardableResult
    func makePlannedRun(_ name: String, _ settings: RunSettings) throws -> Run {
        let run = try store.createRun(NewRun(name: name, target: "goldfish", config: try settings.json(),
                                             model: settings.modelName, seed: 5))
        try store.commitGeneration(GenerationCommit(
            run: run.id, stats: GenerationStats(index: 0, bestFitness: 0.5, meanFitness: 0.2, bestConfidence: 0.5,
                                                meanConfidence: 0.2, bestNaturalness: 0.03, evaluations: 8,
                                                elapsedSeconds: 1),
            rngState: "rng", population: [Individual(genome: "(rgb x y r)", fitness: 0.5, confidence: 0.5, naturalness: 0.03)],
            records: [NewRecord(genome: "(rgb x y r)", fitness: 0.5, confidence: 0.5, naturalness: 0.03, evaluations: 8,
                                elapsedSeconds: 1, polished: false)]))
        return try store.run(named: name)
    }
}
