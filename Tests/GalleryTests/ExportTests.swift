import Foundation
import Gallery
import ImageIO
import Imaging
import Store
import XCTest

/// The exported files: every link resolves, every PNG decodes with the right pixels and
/// text chunks, and the numbers on the pages are the store's.
final class ExportTests: GalleryTestCase {
    func testEveryLocalLinkResolvesToAPNGWithTheRecordsTextChunks() throws {
        let run = try makeRun()
        let log = RenderLog()
        let report = try GalleryExporter.export(runs: [], from: store, options: options(),
                                                renderer: Fake.renderer(log))
        XCTAssertEqual(report.runs.map(\.name), ["crab-1"])
        XCTAssertEqual(report.runs[0].rendered, plannedRecords.count)
        XCTAssertEqual(log.renders, plannedRecords.count)
        let records = Dictionary(uniqueKeysWithValues: try store.records(run: run.id).map { ($0.id, $0) })

        var pages = [out + "/index.html"]
        var visited = Set<String>()
        var pngs = 0
        while let page = pages.popLast() {
            guard visited.insert(page).inserted else { continue }
            let base = (page as NSString).deletingLastPathComponent
            for tag in HTMLScanner.tags(try read(page)) {
                for link in [tag.attributes["src"], tag.attributes["href"]].compactMap({ $0 }) {
                    XCTAssertFalse(link.contains("://") || link.hasPrefix("//"),
                                   "\(page) refers to an external resource \(link)")
                    let file = base + "/" + (link.removingPercentEncoding ?? link)
                    XCTAssertTrue(FileManager.default.fileExists(atPath: file), "\(page) links to \(link)")
                    if link.hasSuffix(".html") { pages.append((file as NSString).standardizingPath) }
                    guard link.hasSuffix(".png") else { continue }
                    let png = try PNGFile.read(file)
                    pngs += 1
                    let text = png.text
                    let id = try XCTUnwrap(Int64(text[PNGTextKey.record] ?? ""))
                    let record = try XCTUnwrap(records[id])
                    let render = Fake.render(record.genome, size: 40, aa: 2)
                    let expected = link.hasSuffix("-thumb.png") ? render.resized(width: 16, height: 16) : render
                    XCTAssertEqual(png.image.width, expected.width, link)
                    XCTAssertEqual(png.image.interleavedRGB8(), expected.interleavedRGB8(), link)
                    XCTAssertEqual(text[PNGTextKey.genome], record.genome)
                    XCTAssertEqual(text[PNGTextKey.target], awkwardTarget)
                    XCTAssertEqual(text[PNGTextKey.run], "crab-1")
                    XCTAssertEqual(text[PNGTextKey.model], "efficientnet-lite0")
                    XCTAssertEqual(text[PNGTextKey.generation], String(record.generation))
                    XCTAssertEqual(text[PNGTextKey.polished], String(record.polished))
                    XCTAssertEqual(text[PNGTextKey.storedConfidence].flatMap(Float.init), record.confidence)
                    XCTAssertEqual(text[PNGTextKey.naturalness].flatMap(Float.init), record.naturalness)
                    XCTAssertEqual(text[PNGTextKey.confidence].flatMap(Float.init), Fake.confidence(render))
                }
            }
        }
        XCTAssertEqual(visited.count, 2, "the front page and one run page")
        // Each record: a thumbnail and a full-size link on the run page, plus the best
        // record's thumbnail on the front page.
        XCTAssertEqual(pngs, 2 * plannedRecords.count + 1)
        // Exporting reads the store and never writes to it: records keep the image evolve wrote.
        XCTAssertEqual(try store.records(run: run.id).map(\.imagePath), plannedRecords.map { _ in nil })
    }

    func testCardsShowTheStoredNumbersAndBothConfidencesWhenTheyDiffer() throws {
        let run = try makeRun()
        try GalleryExporter.export(runs: ["crab-1"], from: store, options: options(),
                                   renderer: Fake.renderer(RenderLog()))
        let html = try read(out + "/crab-1/index.html")
        let cards = cardsByRecord(html)
        let records = try store.records(run: run.id)
        XCTAssertEqual(cards.keys.sorted(), records.map(\.id).sorted())
        XCTAssertEqual(HTMLScanner.tags(html).filter { $0.name == "article" }.compactMap { $0.attributes["data-record"] },
                       records.map { String($0.id) }.reversed(), "newest first")
        for record in records {
            let card = try XCTUnwrap(cards[record.id])
            let attributes = try XCTUnwrap(HTMLScanner.tags(card).first).attributes
            let measured = Fake.confidence(Fake.render(record.genome, size: 40, aa: 2))
            XCTAssertEqual(attributes["data-confidence"].flatMap(Float.init), record.confidence)
            XCTAssertEqual(attributes["data-measured"].flatMap(Float.init), measured)
            XCTAssertEqual(attributes["data-naturalness"].flatMap(Float.init), record.naturalness)
            XCTAssertEqual(attributes["data-generation"], String(record.generation))
            let text = HTMLScanner.plainText(card)
            XCTAssertTrue(text.contains("\(GalleryFormat.percent(measured)) robust \(awkwardTarget) "), text)
            XCTAssertTrue(text.contains("naturalness \(GalleryFormat.number(record.naturalness)) "), text)
            XCTAssertTrue(text.contains("generation \(record.generation) "), text)
            XCTAssertTrue(text.contains("found after \(GalleryFormat.duration(record.elapsedSeconds))"), text)
            XCTAssertEqual(card.contains("badge polished"), record.polished)
            let both = "stored \(GalleryFormat.percent(record.confidence)), on this render "
                + GalleryFormat.percent(measured)
            XCTAssertEqual(text.contains(both), abs(record.confidence - measured) > 0.005, text)
            XCTAssertEqual(text.contains("stored "), abs(record.confidence - measured) > 0.005, text)
        }
        // The plan has two records far off, one within tolerance, and two exact.
        XCTAssertEqual(records.filter { cards[$0.id]?.contains("class=\"note\"") == true }.count, 2)
        let fittest = try XCTUnwrap(records.max { $0.fitness < $1.fitness })
        XCTAssertTrue(try XCTUnwrap(cards[fittest.id]).contains("badge best"))
        XCTAssertEqual(cards.values.filter { $0.contains("badge best") }.count, 1)
        let facts = HTMLScanner.plainText(try XCTUnwrap(HTMLScanner.text(of: "ul", in: html)))
        XCTAssertTrue(facts.contains("generations \(plannedStats.count) "), facts)
        XCTAssertTrue(facts.contains("evaluations \(GalleryFormat.count(plannedStats.count * 50)) "), facts)
    }

    func testFrontPageShowsEachRunsBestRecordAndGenerations() throws {
        try makeRun()
        _ = try store.createRun(NewRun(name: "empty-run", target: "tabby", config: "{}",
                                               model: "efficientnet-lite1", seed: 1))
        try GalleryExporter.export(runs: ["crab-1"], from: store, options: options(),
                                   renderer: Fake.renderer(RenderLog()))
        try GalleryExporter.export(runs: ["empty-run"], from: store, options: options(),
                                   renderer: Fake.renderer(RenderLog()))
        let cards = HTMLScanner.tags(try read(out + "/index.html")).filter { $0.attributes["data-run"] != nil }
        XCTAssertEqual(cards.map { $0.attributes["data-run"] }, ["empty-run", "crab-1"], "newest first")
        XCTAssertEqual(cards[0].attributes["data-generations"], "0")
        XCTAssertNil(cards[0].attributes["data-measured"])
        XCTAssertEqual(cards[1].attributes["data-generations"], String(plannedStats.count))
        let records = try store.records(run: try store.run(named: "crab-1").id)
        let fittest = try XCTUnwrap(records.max { $0.fitness < $1.fitness })
        XCTAssertEqual(cards[1].attributes["data-confidence"].flatMap(Float.init), fittest.confidence)
        XCTAssertEqual(cards[1].attributes["data-measured"].flatMap(Float.init),
                       Fake.confidence(Fake.render(fittest.genome, size: 40, aa: 2)))
        XCTAssertTrue(try read(out + "/empty-run/index.html").contains("no records yet"))
    }

    func testBestSelectionExportsOnlyTheFittestRecord() throws {
        let run = try makeRun()
        let log = RenderLog()
        let report = try GalleryExporter.export(runs: ["crab-1"], from: store,
                                                options: options(selection: .best),
                                                renderer: Fake.renderer(log))
        let fittest = try XCTUnwrap(try store.records(run: run.id).max { $0.fitness < $1.fitness })
        XCTAssertEqual(log.renders, 1)
        XCTAssertEqual(report.runs[0].rendered, 1)
        XCTAssertEqual(Array(cardsByRecord(try read(out + "/crab-1/index.html")).keys), [fittest.id])
        let pngs = try FileManager.default.contentsOfDirectory(atPath: out + "/crab-1")
            .filter { $0.hasSuffix(".png") }.sorted()
        XCTAssertEqual(pngs, ["record-g\(fittest.generation)-\(fittest.id)-thumb.png",
                              "record-g\(fittest.generation)-\(fittest.id).png"])
    }
}

/// Each `<article>` of a run page by its `data-record` id, from its start tag to `</article>`.
func cardsByRecord(_ html: String) -> [Int64: String] {
    let characters = Array(html)
    var cards: [Int64: String] = [:]
    for tag in HTMLScanner.tags(html) where tag.name == "article" {
        guard let id = tag.attributes["data-record"].flatMap(Int64.init),
              let end = HTMLScanner.find(Array("</article>"), in: characters, from: tag.start) else { continue }
        cards[id] = String(characters[tag.start..<end])
    }
    return cards
}
