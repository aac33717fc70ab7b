import Evolution
import Foundation
import Gallery
import ImageIO
import Search
import Store
import XCTest

/// An atlas's page: every elite's card with its robust figure, the filter box, coverage equal
/// to the verdicts', cached verdicts and reused PNGs on a re-export, and the similarity graph.
final class AtlasPageTests: GalleryTestCase {
    /// The cells drawn in the similarity graph: all but the shark (below 10 % robust).
    var drawn: [Int] { planned.map(\.cell).filter { $0 != 2 } }

    @discardableResult
    func export(_ judge: JudgeLog, renders: RenderLog = RenderLog(),
                layout: @escaping @Sendable (String) throws -> String? = Graphviz.layout,
                runs: [String] = []) throws -> GalleryReport {
        let fake = Fake.renderer(renders)
        let renderer = GalleryRenderer(render: fake.render, confidence: fake.confidence,
                                       atlasVerdicts: { run, elites in try judge.judge(run, elites) },
                                       layoutGraph: layout)
        return try GalleryExporter.export(runs: runs, from: store, options: options(), renderer: renderer)
    }

    func page(_ name: String = "atlas-1") throws -> String { try read("\(out)/\(name)/index.html") }

    // MARK: The page

    func testPageListsEveryEliteWithItsRobustFigureAndLinksItsFullRender() throws {
        let run = try makeAtlas()
        let judge = JudgeLog()
        let renders = RenderLog()
        let report = try export(judge, renders: renders)
        XCTAssertEqual(report.runs.map(\.name), ["atlas-1"])
        XCTAssertEqual(report.runs[0].judged, 4, "one judgement per distinct genome")
        XCTAssertEqual(renders.renders, planned.count)
        let html = try page()
        let tags = HTMLScanner.tags(html)
        let articles = tags.filter { $0.name == "article" }
        XCTAssertEqual(articles.compactMap { $0.attributes["data-cell"] }, planned.map { String($0.cell) })
        let elites = try store.elites(run: run.id)
        for elite in elites {
            let verdict = JudgeLog.verdict(elite.cell)
            let article = try XCTUnwrap(articles.first { $0.attributes["id"] == "cell-\(elite.cell)" })
            XCTAssertEqual(article.attributes["data-robust"].flatMap(Float.init), verdict.robust)
            let card = HTMLScanner.plainText(try XCTUnwrap(HTMLScanner.text(of: "article", in: html, from: article.start)))
            XCTAssertTrue(card.contains(JudgeLog.names[elite.cell]!), card)
            XCTAssertTrue(card.contains("\(GalleryFormat.percent(verdict.robust)) robust"), card)
            XCTAssertTrue(card.contains("held-out lite2 \(GalleryFormat.percent(verdict.heldOut))"), card)
            XCTAssertTrue(card.contains("training \(GalleryFormat.percent(elite.confidence))"), card)

            // The thumbnail is lazy and links to the full render, whose text carries the robust figure.
            let after = tags.filter { $0.start > article.start }
            let link = try XCTUnwrap(after.first { $0.name == "a" }?.attributes["href"])
            let image = try XCTUnwrap(after.first { $0.name == "img" })
            XCTAssertEqual(image.attributes["loading"], "lazy")
            let thumb = try PNGFile.read("\(out)/atlas-1/\(try XCTUnwrap(image.attributes["src"]))")
            XCTAssertEqual(thumb.image.width, 16)
            let full = try PNGFile.read("\(out)/atlas-1/\(link)")
            XCTAssertEqual(full.image.width, 40)
            XCTAssertEqual(full.image.interleavedRGB8(), Fake.render(elite.genome, size: 40, aa: 2).interleavedRGB8())
            XCTAssertEqual(full.text[PNGTextKey.genome], elite.genome)
            XCTAssertEqual(full.text[PNGTextKey.confidence].flatMap(Float.init), verdict.robust)
            XCTAssertEqual(full.text[PNGTextKey.trainingConfidence].flatMap(Float.init), elite.confidence)
            XCTAssertEqual(full.text[PNGTextKey.heldOutConfidence].flatMap(Float.init), verdict.heldOut)
            XCTAssertTrue(full.text[PNGTextKey.target]?.hasPrefix(JudgeLog.names[elite.cell]!) ?? false)
        }
        // The filter box and its script.
        let filter = try XCTUnwrap(tags.first { $0.name == "input" && $0.attributes["id"] == "cell-filter" })
        XCTAssertEqual(filter.attributes["type"], "search")
        XCTAssertTrue(html.contains("getElementById('cell-filter')"))
        XCTAssertEqual(articles.first { $0.attributes["data-cell"] == "281" }?.attributes["data-name"], "tabby, tabby cat")

        // Every local link resolves: to a file of the atlas directory, or to an element of the page
        // (the nearest classes' cards, the graph's nodes).
        let ids = Set(tags.compactMap { $0.attributes["id"] })
        var links = 0
        for tag in tags {
            for link in [tag.attributes["src"], tag.attributes["href"], tag.attributes["xlink:href"]].compactMap({ $0 }) {
                links += 1
                XCTAssertFalse(link.contains("://") || link.hasPrefix("//"), "external resource \(link)")
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                if !parts[0].isEmpty {
                    let file = "\(out)/atlas-1/" + (parts[0].removingPercentEncoding ?? parts[0])
                    XCTAssertTrue(FileManager.default.fileExists(atPath: file), link)
                }
                if parts.count == 2, parts[0].isEmpty || parts[0] == "index.html" {
                    XCTAssertTrue(ids.contains(parts[1]), link)
                }
            }
        }
        XCTAssertGreaterThan(links, 2 * planned.count)
    }

    func testCoverageFiguresAreThoseOfTheVerdictsOnThePageAndTheFrontPage() throws {
        try makeAtlas()
        try makeRun()
        try export(JudgeLog())
        let coverage = AtlasCoverage(cells: classes.count, verdicts: planned.map { JudgeLog.verdict($0.cell) })
        XCTAssertEqual([coverage.filled, coverage.robustAtHalf, coverage.robustAtNinety, coverage.robustAtNinetyNine,
                        coverage.heldOutAtHalf, coverage.heldOutAgree], [5, 3, 2, 1, 2, 1], "the test's own verdicts")
        let html = try page()
        var shown: [String: String] = [:]
        for tag in HTMLScanner.tags(html) where tag.name == "li" {
            guard let key = tag.attributes["data-coverage"] else { continue }
            shown[key] = HTMLScanner.plainText(try XCTUnwrap(HTMLScanner.text(of: "b", in: html, from: tag.start)))
        }
        XCTAssertEqual(shown, [
            "filled": "\(coverage.filled) / \(coverage.cells)", "robust-50": "\(coverage.robustAtHalf)",
            "robust-90": "\(coverage.robustAtNinety)", "robust-99": "\(coverage.robustAtNinetyNine)",
            "heldout-50": "\(coverage.heldOutAtHalf)", "heldout-agree": "\(coverage.heldOutAgree)",
        ])
        // The front page lists the atlas beside the run, linked, with its coverage line.
        let index = try read(out + "/index.html")
        let card = try XCTUnwrap(HTMLScanner.tags(index).first { $0.attributes["data-kind"] == "atlas" })
        XCTAssertEqual(card.attributes["href"], "atlas-1/index.html")
        let text = HTMLScanner.plainText(try XCTUnwrap(HTMLScanner.text(of: "a", in: index, from: card.start)))
        XCTAssertTrue(text.contains("5/6 cells · robust ≥50% 3 · ≥90% 2 · ≥99% 1 · held-out ≥50% 2 · held-out agrees 1"),
                      text)
        XCTAssertTrue(HTMLScanner.tags(index).contains { $0.attributes["data-run"] == "crab-1" })
    }

    // MARK: Incremental

    func testReexportReusesThumbnailsAndCachedVerdictsAndJudgesOnlyAChangedElite() throws {
        let run = try makeAtlas()
        let first = JudgeLog()
        try export(first)
        XCTAssertEqual(first.calls, 4)
        let before = try snapshot(out)

        let judge = JudgeLog(), renders = RenderLog()
        let report = try export(judge, renders: renders)
        XCTAssertEqual(judge.calls, 0)
        XCTAssertEqual(renders.renders, 0)
        XCTAssertEqual(report.runs[0].reused, planned.count)
        XCTAssertEqual(report.runs[0].judged, 0)
        XCTAssertEqual(try snapshot(out), before, "same atlas, same files")

        // A better elite for the goldfish cell: only that genome is judged and rendered again.
        let lease = try store.acquireLock(run: run.id)
        try store.commitBatch(BatchCommit(run: run.id, stats: stats(1), rngState: "{}", filledCells: planned.count,
                                          elites: [EliteRow(cell: 1, genome: "(rgb y x r)", quality: 0,
                                                            confidence: 0.9999, naturalness: 0.02, batch: 1)]))
        try store.releaseLock(lease)
        let changed = JudgeLog(), rerenders = RenderLog()
        try export(changed, renders: rerenders)
        XCTAssertEqual(changed.judged, [[1]])
        XCTAssertEqual(rerenders.renders, 1)
        let png = try PNGFile.read("\(out)/atlas-1/cell-0001.png")
        XCTAssertEqual(png.text[PNGTextKey.genome], "(rgb y x r)")
    }

    func testAnInterruptedJudgementKeepsTheVerdictsItFinished() throws {
        try makeAtlas()
        let failing = JudgeLog(failAfter: 1)
        XCTAssertThrowsError(try export(failing)) { error in
            guard case .judgeFailed(let run, let cells, _)? = error as? GalleryError else {
                return XCTFail("expected judgeFailed, got \(error)")
            }
            XCTAssertEqual(run, "atlas-1")
            XCTAssertEqual(cells, [1], "the second distinct genome, held by cell 1")
            XCTAssertTrue(String(describing: error).contains("atlas-1"))
        }
        let resumed = JudgeLog()
        try export(resumed)
        XCTAssertEqual(resumed.judged, [[1], [2], [281, 327]])
    }

    func testAFailedRenderKeepsTheCellsFinishedBeforeIt() throws {
        try makeAtlas()
        XCTAssertThrowsError(try export(JudgeLog(), renders: RenderLog(failAfter: 2))) { error in
            guard case .cellRenderFailed(let run, let cell, let name, _, _)? = error as? GalleryError else {
                return XCTFail("expected cellRenderFailed, got \(error)")
            }
            XCTAssertEqual([run, String(cell), name], ["atlas-1", "2", "great white shark"])
        }
        let judge = JudgeLog(), renders = RenderLog()
        let report = try export(judge, renders: renders)
        XCTAssertEqual(judge.calls, 0, "every verdict was kept")
        XCTAssertEqual(renders.renders, planned.count - 2)
        XCTAssertEqual([report.runs[0].rendered, report.runs[0].reused], [planned.count - 2, 2])
    }

    // MARK: The graph

    func testGraphHasOneEdgePerEliteCellAtTheThresholdToItsNearestClass() throws {
        try makeAtlas()
        try export(JudgeLog())
        let dot = try read("\(out)/atlas-1/graph.dot")
        let edges = dot.split(separator: "\n").filter { $0.contains(" -> ") }
        XCTAssertEqual(edges.map { String($0.prefix { $0 != "[" }).trimmingCharacters(in: .whitespaces) },
                       drawn.map { "c\($0) -> c\(JudgeLog.verdict($0).nearest)" })
        XCTAssertTrue(dot.contains("label=\"tiger cat\""), "a nearest class without an elite is drawn too")
        XCTAssertFalse(dot.contains("label=\"great white shark\""), "a cell below 10 % robust is left out")
        let html = try page()
        let note = try XCTUnwrap(HTMLScanner.tags(html).first { $0.attributes["id"] == "graph-left-out" })
        XCTAssertTrue(HTMLScanner.plainText(try XCTUnwrap(HTMLScanner.text(of: "p", in: html, from: note.start)))
            .contains("Left out: 1 cell below 10 % robust"))

        guard Graphviz.executable(named: Graphviz.engine) != nil else {
            throw XCTSkip("Graphviz is not installed (apt-get install graphviz): the SVG layout is not tested")
        }
        let svg = try read("\(out)/atlas-1/graph.svg")
        XCTAssertEqual(svg.components(separatedBy: "class=\"edge\"").count - 1, drawn.count)
        for cell in drawn {
            XCTAssertTrue(svg.contains("id=\"graph_edge_\(cell)\""), "edge of cell \(cell)")
            XCTAssertTrue(svg.contains("xlink:href=\"index.html#cell-\(cell)\""), "link of cell \(cell)")
        }
        // The page carries the same drawing inline, with readable titles instead of DOT ids.
        XCTAssertTrue(html.contains("<svg class=\"similarity\""))
        XCTAssertEqual(html.components(separatedBy: "class=\"edge\"").count - 1, drawn.count)
        XCTAssertTrue(html.contains("<title>tabby → tiger cat: "), "edge titles name the classes")
        XCTAssertFalse(html.contains("<title>c281</title>"))
        XCTAssertFalse(html.contains("<?xml"))
    }

    func testWithoutGraphvizThePageExportsAndSaysHowToGetItOnce() throws {
        try makeAtlas("atlas-1")
        try makeAtlas("atlas-2")
        let report = try export(JudgeLog(), layout: { _ in nil })
        XCTAssertEqual(report.runs.map(\.name).sorted(), ["atlas-1", "atlas-2"])
        XCTAssertEqual(report.warnings, [Graphviz.missingAdvice], "one warning for both atlases")
        XCTAssertTrue(Graphviz.missingAdvice.contains("apt-get install graphviz"))
        for name in ["atlas-1", "atlas-2"] {
            let html = try page(name)
            let line = try XCTUnwrap(HTMLScanner.tags(html).first { $0.attributes["id"] == "graph-missing" })
            XCTAssertTrue(HTMLScanner.plainText(try XCTUnwrap(HTMLScanner.text(of: "p", in: html, from: line.start)))
                .contains("apt-get install graphviz"))
            XCTAssertEqual(HTMLScanner.tags(html).filter { $0.name == "article" }.count, planned.count)
            XCTAssertFalse(FileManager.default.fileExists(atPath: "\(out)/\(name)/graph.svg"))
            XCTAssertTrue(FileManager.default.fileExists(atPath: "\(out)/\(name)/graph.dot"))
        }
    }
}

/// The test atlas, shared by the atlas page tests.
extension GalleryTestCase {
    /// tench, goldfish, great white shark, tabby, starfish filled; toilet tissue (999) left empty.
    var classes: [Int] { [0, 1, 2, 281, 327, 999] }
    /// Cells 281 and 327 share a genome: one judgement serves both.
    var planned: [(cell: Int, genome: String, training: Float)] { [
        (0, "(rgb x y r)", 0.97), (1, "(hsv (* 3.1 t) 0.8 (abs (- y r)))", 0.999), (2, "(rgb r r y)", 0.3),
        (281, "(mix x (noise (* 4 x) y) 0.25)", 0.62), (327, "(mix x (noise (* 4 x) y) 0.25)", 0.05),
    ] }
    /// Creates atlas `name` with `planned` committed as its first batch.
    @discardableResult
    func makeAtlas(_ name: String = "atlas-1") throws -> Run {
        let settings = AtlasSettings(classes: classes, evolution: EvolutionConfig())
        let (run, lease) = try store.createLockedRun(NewRun(name: name, target: settings.targetText,
                                                            config: try settings.json(), model: settings.modelName,
                                                            seed: 7, kind: .atlas))
        try store.commitBatch(BatchCommit(
            run: run.id, stats: stats(0), rngState: "{}", filledCells: planned.count,
            elites: planned.map { EliteRow(cell: $0.cell, genome: $0.genome, quality: log($0.training),
                                           confidence: $0.training, naturalness: 0.03, batch: 0) }))
        try store.releaseLock(lease)
        return try store.run(named: name)
    }

    func stats(_ index: Int) -> GenerationStats {
        GenerationStats(index: index, bestFitness: 0, meanFitness: -1, bestConfidence: 0.999, meanConfidence: 0.6,
                        bestNaturalness: 0.03, evaluations: 64 * (index + 1), elapsedSeconds: 12.5 * Double(index + 1))
    }

}

/// The fake judge: fixed verdicts per cell, every call counted (with the cells it was given);
/// can fail after a given number of calls.
final class JudgeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var log: [[Int]] = []
    private let failAfter: Int?

    init(failAfter: Int? = nil) { self.failAfter = failAfter }

    var calls: Int { lock.withLock { log.count } }
    /// The cells of each call, in call order.
    var judged: [[Int]] { lock.withLock { log } }

    static let names = [0: "tench", 1: "goldfish", 2: "great white shark", 281: "tabby", 327: "starfish",
                         282: "tiger cat"]

    /// robust, held-out, held-out top-1 share, nearest class, its probability.
    static let table: [Int: (Float, Float, Float, Int, Float)] = [
        0: (0.995, 0.7, 0.75, 1, 0.004), 1: (0.93, 0.55, 0.5, 0, 0.05), 2: (0.03, 0.02, 0, 0, 0.6),
        281: (0.6, 0.1, 0.125, 282, 0.3), 327: (0.2, 0.01, 0, 1, 0.1),
    ]

    /// The verdict on `cell`.
    static func verdict(_ cell: Int) -> CellVerdict {
        let (robust, heldOut, topOne, nearest, p) = table[cell] ?? (0, 0, 0, 0, 0)
        return CellVerdict(cell: cell, robust: Float(robust), heldOut: Float(heldOut), heldOutTopOne: Float(topOne),
                           topClass: robust >= 0.5 ? cell : nearest, nearest: nearest, nearestProbability: Float(p))
    }

    func judge(_ run: Run, _ elites: [EliteRow]) throws -> [CellVerdict] {
        try lock.withLock {
            if let failAfter, log.count >= failAfter { throw FakeFailure.interrupted }
            log.append(elites.map(\.cell))
        }
        XCTAssertEqual(Set(elites.map(\.genome)).count, 1, "one genome per call")
        return elites.map { Self.verdict($0.cell) }
    }
}
