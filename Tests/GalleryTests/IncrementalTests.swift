import Foundation
import Gallery
import ImageIO
import Store
import XCTest

/// Reuse of finished renders, re-rendering on change, and resuming after an interruption.
final class IncrementalTests: GalleryTestCase {
    func testSecondExportRendersNothingAndWritesIdenticalFiles() throws {
        try makeRun()
        let first = RenderLog()
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: Fake.renderer(first))
        let before = try snapshot(out)
        XCTAssertEqual(first.renders, plannedRecords.count)

        let second = RenderLog()
        var reused: [Bool] = []
        let report = try GalleryExporter.export(runs: [], from: store, options: options(),
                                                renderer: Fake.renderer(second)) { reused.append($0.reused) }
        XCTAssertEqual(second.renders, 0)
        XCTAssertEqual(reused, Array(repeating: true, count: plannedRecords.count))
        XCTAssertEqual(report.runs[0].reused, plannedRecords.count)
        let after = try snapshot(out)
        XCTAssertEqual(after.keys.sorted(), before.keys.sorted())
        for (name, data) in before { XCTAssertEqual(after[name], data, name) }
    }

    func testChangingSizeOrSupersamplingRerenders() throws {
        let run = try makeRun()
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: Fake.renderer(RenderLog()))
        let larger = RenderLog()
        try GalleryExporter.export(runs: [], from: store, options: options(size: 48), renderer: Fake.renderer(larger))
        XCTAssertEqual(larger.renders, plannedRecords.count)
        for record in try store.records(run: run.id) {
            let png = try PNGFile.read("\(out)/crab-1/record-g\(record.generation)-\(record.id).png")
            XCTAssertEqual(png.image.width, 48)
            XCTAssertEqual(png.text[PNGTextKey.confidence].flatMap(Float.init),
                           Fake.confidence(Fake.render(record.genome, size: 48, aa: 2)))
        }
        let aa = RenderLog()
        try GalleryExporter.export(runs: [], from: store, options: options(size: 48, aa: 1), renderer: Fake.renderer(aa))
        XCTAssertEqual(aa.renders, plannedRecords.count)
        let same = RenderLog()
        try GalleryExporter.export(runs: [], from: store, options: options(size: 48, aa: 1), renderer: Fake.renderer(same))
        XCTAssertEqual(same.renders, 0)
    }

    func testInterruptedExportResumesWhereItStopped() throws {
        try makeRun()
        let interrupted = RenderLog(failAfter: 2)
        var done: [Int64] = []
        XCTAssertThrowsError(try GalleryExporter.export(runs: [], from: store, options: options(),
                                                        renderer: Fake.renderer(interrupted)) {
            done.append($0.record)
        }) { error in
            guard case .renderFailed(let run, let record, _, _, _)? = error as? GalleryError else {
                return XCTFail("expected renderFailed, got \(error)")
            }
            XCTAssertEqual(run, "crab-1")
            XCTAssertFalse(done.contains(record))
        }
        XCTAssertEqual(done.count, 2)
        let resumed = RenderLog()
        var reused: [Int64: Bool] = [:]
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: Fake.renderer(resumed)) {
            reused[$0.record] = $0.reused
        }
        XCTAssertEqual(resumed.renders, plannedRecords.count - 2)
        XCTAssertEqual(reused.filter(\.value).map(\.key).sorted(), done.sorted())
        // The resumed gallery is the one an uninterrupted export makes.
        let resumedFiles = try snapshot(out)
        try FileManager.default.removeItem(atPath: out)
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: Fake.renderer(RenderLog()))
        XCTAssertEqual(try snapshot(out), resumedFiles)
        XCTAssertFalse(resumedFiles.keys.contains { $0.hasSuffix(".tmp") })
    }

    func testInterruptedRerenderDoesNotTrustTheRecordItWasWriting() throws {
        let run = try makeRun()
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: Fake.renderer(RenderLog()))
        XCTAssertThrowsError(try GalleryExporter.export(runs: [], from: store, options: options(size: 48),
                                                        renderer: Fake.renderer(RenderLog(failAfter: 2))))
        // Back at the first size: the two records redone at 48 px and the one being redone
        // when the export stopped are rendered again; the other two are kept.
        let log = RenderLog()
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: Fake.renderer(log))
        XCTAssertEqual(log.renders, 3)
        for record in try store.records(run: run.id) {
            let name = "\(out)/crab-1/record-g\(record.generation)-\(record.id)"
            XCTAssertEqual(try PNGFile.read(name + ".png").image.width, 40)
            XCTAssertEqual(try PNGFile.read(name + "-thumb.png").image.width, 16)
        }
    }

    func testStrayRecordFilesAndTemporaryFilesAreRemoved() throws {
        try makeRun()
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: Fake.renderer(RenderLog()))
        let before = try snapshot(out)
        for stray in ["record-g9-999.png", ".record-g0-1.png.123-abc.tmp"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: "\(out)/crab-1/\(stray)", contents: Data([1])))
        }
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: Fake.renderer(RenderLog()))
        XCTAssertEqual(try snapshot(out), before)
    }

    func testDeletedFileIsRenderedAgain() throws {
        let run = try makeRun()
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: Fake.renderer(RenderLog()))
        let record = try XCTUnwrap(try store.records(run: run.id).first)
        try FileManager.default.removeItem(atPath: "\(out)/crab-1/record-g\(record.generation)-\(record.id)-thumb.png")
        let log = RenderLog()
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: Fake.renderer(log))
        XCTAssertEqual(log.renders, 1)
    }

    func testRecordsOfARecreatedRunAreNotMistakenForOldOnes() throws {
        try makeRun()
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: Fake.renderer(RenderLog()))
        // A new database whose run has the same name and the same record ids, other genomes.
        store = try RunStore(path: directory.appendingPathComponent("other.sqlite").path)
        let run = try store.createRun(NewRun(name: "crab-1", target: "tabby", config: "{}",
                                             model: "efficientnet-lite0", seed: 7))
        try store.commitGeneration(GenerationCommit(
            run: run.id,
            stats: GenerationStats(index: 0, bestFitness: 1, meanFitness: 0, bestConfidence: 0.5,
                                   meanConfidence: 0.2, bestNaturalness: 0, evaluations: 9,
                                   elapsedSeconds: 1),
            rngState: "r", population: [Individual(genome: "(rgb y y y)", fitness: 0, confidence: 0, naturalness: 0)],
            records: [NewRecord(genome: "(rgb y x y)", fitness: 1, confidence: 0.5, naturalness: 0.1,
                                evaluations: 9, elapsedSeconds: 1)]))
        let log = RenderLog()
        try GalleryExporter.export(runs: [], from: store, options: options(), renderer: Fake.renderer(log))
        XCTAssertEqual(log.renders, 1)
        let pngs = try FileManager.default.contentsOfDirectory(atPath: out + "/crab-1").filter { $0.hasSuffix(".png") }
        XCTAssertEqual(pngs.count, 2, "files of records the database no longer has are removed: \(pngs)")
        let record = try XCTUnwrap(try store.records(run: run.id).first)
        let png = try PNGFile.read("\(out)/crab-1/record-g0-\(record.id).png")
        XCTAssertEqual(png.text[PNGTextKey.genome], "(rgb y x y)")
        XCTAssertEqual(png.text[PNGTextKey.target], "tabby")
    }
}
