import Foundation
import Gallery
import ImageIO
import Search
import Store
import XCTest

/// An atlas's page comes first (training figures, labelled), verdicts follow and are cached in
/// `verdicts.jsonl`: a second export does not judge again, an interrupted one keeps its verdicts.
final class AtlasProgressiveTests: GalleryTestCase {
    /// Exports with `judge` (every call goes through it), stopping once `stop` says so.
    @discardableResult
    func export(_ judge: @escaping @Sendable (Run, [EliteRow]) throws -> [CellVerdict],
                judging: AtlasJudging = .all, renders: RenderLog = RenderLog(), size: Int = 40,
                stop: @escaping () -> Bool = { false }) throws -> GalleryReport {
        let fake = Fake.renderer(renders)
        let renderer = GalleryRenderer(render: fake.render, confidence: fake.confidence, atlasVerdicts: judge,
                                       layoutGraph: { _ in nil })
        var options = self.options(size: size, aa: 1)
        options.judging = judging
        return try GalleryExporter.export(runs: [], from: store, options: options, renderer: renderer,
                                          isCancelled: stop)
    }

    var pagePath: String { "\(out)/atlas-1/index.html" }
    var journal: String { "\(out)/atlas-1/verdicts.jsonl" }

    /// Each card's `data-judged`/`data-robust` and its plain text, by cell.
    static func cards(_ html: String) throws -> [Int: (judged: Bool, robust: Float?, text: String)] {
        var result: [Int: (Bool, Float?, String)] = [:]
        for tag in HTMLScanner.tags(html) where tag.name == "article" {
            let cell = try XCTUnwrap(tag.attributes["data-cell"].flatMap(Int.init))
            let text = HTMLScanner.plainText(try XCTUnwrap(HTMLScanner.text(of: "article", in: html, from: tag.start)))
            result[cell] = (tag.attributes["data-judged"] != "false", tag.attributes["data-robust"].flatMap(Float.init), text)
        }
        return result
    }

    func testThePageIsWrittenBeforeAnyVerdictWithTheTrainingFiguresLabelledAsTraining() throws {
        try makeAtlas()
        let log = JudgeLog()
        let seen = Seen()
        let pagePath = self.pagePath, thumbnail = "\(out)/atlas-1/cell-0001-thumb.png"
        try export({ run, elites in
            if log.calls == 0 {
                // The first verdict is being made: the page and every thumbnail already exist.
                let html = try String(contentsOfFile: pagePath, encoding: .utf8)
                seen.set(try Self.cards(html), progress: html.contains("id=\"atlas-progress\""),
                         pending: html.contains("id=\"graph-pending\""), png: try PNGFile.readText(thumbnail))
            }
            return try log.judge(run, elites)
        })
        let before = try XCTUnwrap(seen.cards)
        XCTAssertEqual(before.keys.sorted(), planned.map(\.cell))
        for planned in planned {
            let card = try XCTUnwrap(before[planned.cell])
            XCTAssertFalse(card.judged)
            XCTAssertNil(card.robust, "no robust figure before the verdict")
            XCTAssertTrue(card.text.contains("\(GalleryFormat.percent(planned.training)) training"), card.text)
            XCTAssertTrue(card.text.contains("training (8 framings, not yet judged)"), card.text)
            XCTAssertFalse(card.text.contains("robust"), card.text)
            XCTAssertFalse(card.text.contains("not rendered yet"), "thumbnails come before the verdicts")
        }
        XCTAssertTrue(seen.progress, "the page says the export is going on")
        XCTAssertTrue(seen.pending, "the graph waits for the verdicts")
        XCTAssertEqual(seen.png?[PNGTextKey.confidence].flatMap(Float.init), 0.999)
        XCTAssertTrue(seen.png?[PNGTextKey.confidenceMethod]?.contains("not yet judged") ?? false)
        XCTAssertNil(seen.png?[PNGTextKey.heldOutConfidence])

        // The finished page: every card judged, no progress note; the PNGs carry the verdicts.
        let html = try read(pagePath)
        let after = try Self.cards(html)
        for planned in planned {
            XCTAssertEqual(after[planned.cell]?.robust, JudgeLog.verdict(planned.cell).robust)
        }
        XCTAssertFalse(html.contains("not yet judged"))
        XCTAssertFalse(html.contains("id=\"atlas-progress\""))
        let png = try PNGFile.readText("\(out)/atlas-1/cell-0001-thumb.png")
        XCTAssertEqual(png[PNGTextKey.confidence].flatMap(Float.init), JudgeLog.verdict(1).robust)
        XCTAssertEqual(png[PNGTextKey.heldOutConfidence].flatMap(Float.init), JudgeLog.verdict(1).heldOut)
    }

    func testALargeRenderIsPreviewedAtThumbnailSizeAndRenderedInFullAfterTheVerdicts() throws {
        try makeAtlas()
        let log = JudgeLog(), renders = RenderLog()
        let notes = Notes()
        let directory = "\(out)/atlas-1", pagePath = self.pagePath
        // 128 px renders with 16 px thumbnails: a full render costs 64 thumbnails.
        try export({ run, elites in
            if log.calls == 0 {
                let html = try String(contentsOfFile: pagePath, encoding: .utf8)
                notes.set([
                    "thumbnail width": String(try PNGFile.read(directory + "/cell-0001-thumb.png").image.width),
                    "renders": String(renders.renders),
                    "full render": String(FileManager.default.fileExists(atPath: directory + "/cell-0001.png")),
                    "linked": String(html.contains("href=\"cell-0001.png\"")),
                    "unrendered": String(html.contains("not rendered yet")),
                ])
            }
            return try log.judge(run, elites)
        }, renders: renders, size: 128)
        XCTAssertEqual(notes.values, ["thumbnail width": "16", "renders": String(planned.count), "full render": "false",
                                      "linked": "false", "unrendered": "false"],
                       "before the first verdict: a preview thumbnail per cell, no full render, no link to one")
        XCTAssertEqual(renders.renders, 2 * planned.count, "then one full render per cell")

        // The finished files are those of an export without previews: the full render with the
        // verdict in its text, and the thumbnail downscaled from it.
        for p in planned {
            let name = String(format: "cell-%04d", p.cell)
            let full = try PNGFile.read("\(directory)/\(name).png")
            let thumb = try PNGFile.read("\(directory)/\(name)-thumb.png")
            let render = Fake.render(p.genome, size: 128, aa: 1)
            XCTAssertEqual(full.image.interleavedRGB8(), render.interleavedRGB8())
            XCTAssertEqual(thumb.image.interleavedRGB8(), render.resized(width: 16, height: 16).interleavedRGB8())
            XCTAssertEqual(full.text[PNGTextKey.confidence].flatMap(Float.init), JudgeLog.verdict(p.cell).robust)
            XCTAssertEqual(thumb.text[PNGTextKey.confidence].flatMap(Float.init), JudgeLog.verdict(p.cell).robust)
        }
        XCTAssertTrue(try read(pagePath).contains("href=\"cell-0001.png\""))

        let again = JudgeLog(), rerenders = RenderLog()
        try export({ try again.judge($0, $1) }, renders: rerenders, size: 128)
        XCTAssertEqual([again.calls, rerenders.renders], [0, 0])
    }

    func testVerdictsAreCachedByGenomeAndASecondExportDoesNotCallTheJudge() throws {
        try makeAtlas()
        let first = JudgeLog()
        try export({ try first.judge($0, $1) })
        XCTAssertEqual(first.calls, 4)
        XCTAssertEqual(try read(journal).split(separator: "\n").count, 4, "one journal line per genome")

        let second = JudgeLog(), renders = RenderLog()
        let report = try export({ try second.judge($0, $1) }, renders: renders)
        XCTAssertEqual(second.calls, 0)
        XCTAssertEqual([report.runs[0].judged, renders.renders], [0, 0])

        // The verdicts live in their own journal: without the manifest (every PNG rendered again),
        // the judge is still not called, and the page shows the cached verdicts.
        try FileManager.default.removeItem(atPath: "\(out)/atlas-1/manifest.json")
        let third = JudgeLog(), rerenders = RenderLog()
        try export({ try third.judge($0, $1) }, renders: rerenders)
        XCTAssertEqual(third.calls, 0)
        XCTAssertEqual(rerenders.renders, planned.count)
        let after = try Self.cards(try read(pagePath))
        XCTAssertEqual(after[281]?.robust, JudgeLog.verdict(281).robust)

        // A changed elite is judged again; the others are not.
        let run = try store.run(named: "atlas-1")
        let lease = try store.acquireLock(run: run.id)
        try store.commitBatch(BatchCommit(run: run.id, stats: stats(1), rngState: "{}", filledCells: 5,
                                          elites: [EliteRow(cell: 327, genome: "(rgb t y x)", quality: 0,
                                                            confidence: 0.4, naturalness: 0.02, batch: 1)]))
        try store.releaseLock(lease)
        let fourth = JudgeLog()
        try export({ try fourth.judge($0, $1) })
        XCTAssertEqual(fourth.judged, [[327]])
        XCTAssertEqual(try read(journal).split(separator: "\n").count, 5, "the journal keeps what the cells hold")
    }

    func testAnInterruptedJudgingKeepsTheVerdictsMadeBeforeTheInterruption() throws {
        try makeAtlas()
        let log = JudgeLog()
        // Ctrl-C arrives while the second verdict is being made.
        XCTAssertThrowsError(try export({ try log.judge($0, $1) }, stop: { log.calls >= 2 })) { error in
            guard case let .interrupted(run, page, judged, remaining)? = error as? GalleryError else {
                return XCTFail("expected interrupted, got \(error)")
            }
            XCTAssertEqual([run, page], ["atlas-1", pagePath])
            XCTAssertEqual([judged, remaining], [2, 2])
            XCTAssertTrue(String(describing: error).contains("run the same command again"))
        }
        XCTAssertEqual(log.judged, [[0], [1]])
        XCTAssertEqual(try read(journal).split(separator: "\n").count, 2)
        let html = try read(pagePath)
        let shown = try Self.cards(html)
        XCTAssertEqual(planned.map(\.cell).filter { shown[$0]?.judged == true }, [0, 1])
        XCTAssertEqual(shown[0]?.robust, JudgeLog.verdict(0).robust)
        XCTAssertTrue(shown[2]?.text.contains("not yet judged") ?? false)
        XCTAssertTrue(html.contains("2 of 5 elites judged"), "the page says how far it got")

        let resumed = JudgeLog()
        let report = try export({ try resumed.judge($0, $1) })
        XCTAssertEqual(resumed.judged, [[2], [281, 327]], "only the genomes not judged before")
        XCTAssertEqual(report.runs[0].judged, 2)
        XCTAssertEqual(try Self.cards(try read(pagePath)).values.filter(\.judged).count, 5)
    }

    func testJudgingTheTopCellsOnlyJudgesTheMostConfidentAndSaysSo() throws {
        try makeAtlas()
        let top = JudgeLog()
        try export({ try top.judge($0, $1) }, judging: .top(2))
        XCTAssertEqual(top.judged, [[0], [1]], "goldfish 99.9 % and tench 97 % training, in cell order")
        let html = try read(pagePath)
        XCTAssertTrue(html.contains("2 of 5 elites judged (--judge top 2)"))
        let chip = try XCTUnwrap(HTMLScanner.tags(html).first { $0.attributes["data-coverage"] == "judged" })
        XCTAssertEqual(HTMLScanner.plainText(try XCTUnwrap(HTMLScanner.text(of: "b", in: html, from: chip.start))), "2 / 5")
        XCTAssertTrue(try read(out + "/index.html").contains("5/6 cells · 2 judged · robust"))

        let none = JudgeLog()
        try export({ try none.judge($0, $1) }, judging: .none)
        XCTAssertEqual(none.calls, 0)
        let rest = JudgeLog()
        try export({ try rest.judge($0, $1) }, judging: .all)
        XCTAssertEqual(rest.judged, [[2], [281, 327]])
    }

    func testJudgeOptionParsesAllNoneAndCountsAndNamesABadValue() throws {
        XCTAssertEqual(try AtlasJudging(parsing: "all"), .all)
        XCTAssertEqual(try AtlasJudging(parsing: "none"), AtlasJudging.none)
        XCTAssertEqual(try AtlasJudging(parsing: "150"), .top(150))
        XCTAssertEqual(try AtlasJudging(parsing: "top 20"), .top(20))
        XCTAssertEqual(try AtlasJudging(parsing: "top-20"), .top(20))
        for bad in ["most", "-3", "top", "top x"] {
            XCTAssertThrowsError(try AtlasJudging(parsing: bad)) { error in
                XCTAssertEqual(error as? GalleryError, .invalidJudging(value: bad))
                XCTAssertTrue(String(describing: error).contains("'\(bad)'"))
                XCTAssertTrue(String(describing: error).contains("--judge all"))
            }
        }
    }
}

/// What the first judge call saw on disk.
private final class Seen: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var cards: [Int: (judged: Bool, robust: Float?, text: String)]?
    private(set) var progress = false
    private(set) var pending = false
    private(set) var png: [String: String]?

    func set(_ cards: [Int: (judged: Bool, robust: Float?, text: String)], progress: Bool, pending: Bool,
             png: [String: String]) {
        lock.withLock {
            self.cards = cards
            self.progress = progress
            self.pending = pending
            self.png = png
        }
    }
}

/// Notes a judge takes while the export runs.
private final class Notes: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String: String] = [:]

    var values: [String: String] { lock.withLock { stored } }
    func set(_ values: [String: String]) { lock.withLock { stored = values } }
}
