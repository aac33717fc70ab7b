import Foundation
import Gallery
import Store
import XCTest

/// User errors name the input and the fix; numbers are formatted by fixed rules.
final class ErrorAndFormatTests: GalleryTestCase {
    func testUnknownRunListsTheClosestCandidatesFirst() throws {
        try makeRun("crab-1")
        try makeRun("tabby-cat")
        XCTAssertThrowsError(try GalleryExporter.export(runs: ["crab-2"], from: store, options: options(),
                                                        renderer: Fake.renderer(RenderLog()))) { error in
            XCTAssertEqual(error as? GalleryError, .unknownRun(name: "crab-2", candidates: ["crab-1", "tabby-cat"]))
            XCTAssertTrue("\(error)".contains("did you mean 'crab-1'"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing written for a bad name")
    }

    func testEmptyDatabaseAndBadOptions() throws {
        XCTAssertThrowsError(try GalleryExporter.export(runs: [], from: store, options: options(),
                                                        renderer: Fake.renderer(RenderLog()))) { error in
            XCTAssertEqual(error as? GalleryError, .noRuns(database: store.path))
        }
        try makeRun()
        for (bad, name) in [(options(size: 8), "size"), (options(aa: 0), "supersampling (--aa)"),
                            (options(thumbnail: 2), "thumbnail size")] {
            XCTAssertThrowsError(try GalleryExporter.export(runs: [], from: store, options: bad,
                                                            renderer: Fake.renderer(RenderLog()))) { error in
                guard case .invalidOption(let got, _, _)? = error as? GalleryError else {
                    return XCTFail("\(error)")
                }
                XCTAssertEqual(got, name)
            }
        }
    }

    func testOutputThatIsAFileOrUnderAFileIsRefused() throws {
        try makeRun()
        XCTAssertTrue(FileManager.default.createFile(atPath: out, contents: Data("x".utf8)))
        XCTAssertThrowsError(try GalleryExporter.export(runs: [], from: store, options: options(),
                                                        renderer: Fake.renderer(RenderLog()))) { error in
            XCTAssertEqual(error as? GalleryError, .outputNotDirectory(path: out))
        }
        var nested = options()
        nested.outputDirectory = out + "/sub/"
        XCTAssertThrowsError(try GalleryExporter.export(runs: [], from: store, options: nested,
                                                        renderer: Fake.renderer(RenderLog()))) { error in
            guard case .outputNotWritable(let path, let reason)? = error as? GalleryError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(path, out + "/sub")
            XCTAssertTrue(reason.contains("Not a directory"), reason)
        }
    }

    func testRenderFailureNamesTheRecordAndGenome() throws {
        let run = try makeRun()
        let bad = try store.addRecord(NewRecord(genome: "(bad <op> x)", fitness: -1, confidence: 0.1,
                                                naturalness: 0, evaluations: 1, elapsedSeconds: 1),
                                      run: run.id, generation: 2)
        XCTAssertThrowsError(try GalleryExporter.export(runs: [], from: store, options: options(),
                                                        renderer: Fake.renderer(RenderLog()))) { error in
            XCTAssertEqual(error as? GalleryError,
                           .renderFailed(run: "crab-1", record: bad.id, generation: 2,
                                         genome: "(bad <op> x)", reason: "badGenome"))
            XCTAssertTrue("\(error)".contains("record \(bad.id) (generation 2) of run 'crab-1'"), "\(error)")
            XCTAssertTrue("\(error)".contains("genome: (bad <op> x)"), "\(error)")
        }
    }

    func testWrongRenderSizeIsARenderFailure() throws {
        try makeRun()
        let renderer = GalleryRenderer(render: { genome, size, aa in Fake.render(genome, size: size + 1, aa: aa) },
                                       confidence: { image, _, _ in Fake.confidence(image) })
        XCTAssertThrowsError(try GalleryExporter.export(runs: [], from: store, options: options(),
                                                        renderer: renderer)) { error in
            XCTAssertTrue("\(error)".contains("41×41 pixels instead of 40×40"), "\(error)")
        }
    }

    func testPercent() {
        let cases: [(Float, String)] = [
            (0.9921, "99.2%"), (0.99962, "99.96%"), (0.999949, "99.99%"), (0.99996, ">99.99%"),
            (1, "100%"), (0.5, "50.0%"), (0.0314, "3.14%"), (0.00123, "0.123%"),
            (0.000123, "0.0123%"), (0.00000009, "<0.01%"), (0, "0%"), (.nan, "–"),
            (0.0999, "9.99%"), (0.09999, "10.0%"), (0.999, "99.90%"), (0.9989, "99.9%"),
        ]
        for (p, text) in cases { XCTAssertEqual(GalleryFormat.percent(p), text, "\(p)") }
    }

    func testNumbersCountsAndDurations() {
        XCTAssertEqual(GalleryFormat.number(0.033358), "0.0334")
        XCTAssertEqual(GalleryFormat.number(1.2345), "1.23")
        XCTAssertEqual(GalleryFormat.number(123.4), "123")
        XCTAssertEqual(GalleryFormat.number(1234.5), "1234")
        XCTAssertEqual(GalleryFormat.count(1_234_567), "1,234,567")
        XCTAssertEqual(GalleryFormat.count(999), "999")
        XCTAssertEqual(GalleryFormat.duration(0.84), "0.8 s")
        XCTAssertEqual(GalleryFormat.duration(42.4), "42 s")
        XCTAssertEqual(GalleryFormat.duration(185), "3 min 05 s")
        XCTAssertEqual(GalleryFormat.duration(7620), "2 h 07 min")
        XCTAssertEqual(GalleryFormat.duration(273_600), "3 d 04 h")
        XCTAssertEqual(GalleryFormat.confidenceNote(stored: 0.992, measured: 0.971),
                       "stored 99.2%, on this render 97.1%")
        XCTAssertNil(GalleryFormat.confidenceNote(stored: 0.992, measured: 0.988))
    }
}
