import Evolution
import Foundation
import Gallery
import Scoring
import Search
import Store
import XCTest

/// A morph run's page plays the records of its frames' last generations, in frame order.
final class MorphPageTests: GalleryTestCase {
    func testMorphRunPlaysItsFramesWithAScrubber() throws {
        let morph = MorphSchedule(from: .classes([250]), to: .classes([251]), fromName: "class(Siberian husky)",
                                  toName: "class(dalmatian)", frames: 3, generationsPerFrame: 2)
        let settings = RunSettings(evolution: EvolutionConfig(),
                                   fitness: FitnessFunction(objective: morph.objective(frame: 0), tvWeight: 0.3),
                                   stop: StopCondition(generation: morph.generations), morph: morph)
        let run = try store.createRun(NewRun(name: "morph-1", target: "class(Siberian husky) → class(dalmatian)",
                                             config: try settings.json(), model: "lite0", seed: 1))
        // Records at the frames' ends (2, 4, 6) and in between (0, 3), each with its own genome.
        for generation in 0...6 {
            let records = [0, 2, 3, 4, 6].contains(generation)
                ? [NewRecord(genome: "(rgb x y \(Float(generation) / 10))", fitness: Float(generation), confidence: 0.1,
                             naturalness: 0.01, evaluations: generation * 10, elapsedSeconds: Double(generation),
                             polished: false)] : []
            try store.commitGeneration(GenerationCommit(
                run: run.id, stats: GenerationStats(index: generation, bestFitness: Float(generation), meanFitness: 0,
                                                    bestConfidence: 0.1, meanConfidence: 0.05, bestNaturalness: 0.01,
                                                    evaluations: generation * 10, elapsedSeconds: Double(generation)),
                rngState: "rng", population: [Individual(genome: "(rgb x x x)", fitness: 0, confidence: 0, naturalness: 0)],
                records: records))
        }
        try GalleryExporter.export(runs: ["morph-1"], from: store, options: options(), renderer: Fake.renderer(RenderLog()))
        let page = try read(out + "/morph-1/index.html")
        let script = try XCTUnwrap(page.components(separatedBy: "(function(){var f=[").dropFirst().first)
        let sources = script.components(separatedBy: "src:\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        let records = try store.records(run: run.id)
        let expected = try [2, 4, 6].map { g in try XCTUnwrap(records.first { $0.generation == g }) }
        XCTAssertEqual(sources.count, 3, page)
        for (source, record) in zip(sources, expected) {
            XCTAssertTrue(FileManager.default.fileExists(atPath: out + "/morph-1/" + source), source)
            XCTAssertEqual(source, "record-g\(record.generation)-\(record.id).png")
        }
        XCTAssertTrue(script.contains("frame 1 of 3"), script)
        XCTAssertTrue(page.contains("max=\"2\""), "the scrubber has one step per frame")
        // A run that is not a morph has no such section.
        try makeRun()
        try GalleryExporter.export(runs: ["crab-1"], from: store, options: options(), renderer: Fake.renderer(RenderLog()))
        XCTAssertFalse(try read(out + "/crab-1/index.html").contains("morph-scrubber"))
    }
}
