import Foundation
import Gallery
import Store
import XCTest

/// The SVG chart: one vertex per generation per series, placed monotonically.
final class ChartTests: GalleryTestCase {
    func testRunPageChartHasOnePointPerGenerationForBothSeries() throws {
        let run = try makeRun()
        try GalleryExporter.export(runs: [], from: store, options: options(),
                                   renderer: Fake.renderer(RenderLog()))
        let svg = try XCTUnwrap(HTMLScanner.text(of: "svg", in: try read(out + "/crab-1/index.html")))
        let stats = try store.generations(run: run.id)
        try checkSeries(svg, stats)
    }

    func testManyGenerationsWithAFlatSeries() throws {
        let stats = (0..<250).map { g in
            GenerationStats(index: g, bestFitness: 0, meanFitness: 0,
                            bestConfidence: 1 - 0.5 / Float(g + 2), meanConfidence: 0.25,
                            bestNaturalness: 0, evaluations: g, elapsedSeconds: 0)
        }
        let svg = ConfidenceChart.svg(stats)
        try checkSeries(svg, stats)
        let ticks = HTMLScanner.tags(svg).filter { $0.name == "text" }.count
        XCTAssertLessThan(ticks, 30, "tick labels stay few")
        XCTAssertFalse(svg.contains("<circle"), "no markers on a long run")
    }

    func testEmptyAndSingleGeneration() throws {
        XCTAssertFalse(ConfidenceChart.svg([]).contains("<svg"))
        let one = [GenerationStats(index: 0, bestFitness: 0, meanFitness: 0, bestConfidence: 0.7,
                                   meanConfidence: 0.3, bestNaturalness: 0, evaluations: 1,
                                   elapsedSeconds: 0)]
        try checkSeries(ConfidenceChart.svg(one), one)
    }

    /// Checks each series has one vertex per generation, x increasing with the generation and
    /// y decreasing with confidence (both series on one scale).
    private func checkSeries(_ svg: String, _ stats: [GenerationStats],
                             file: StaticString = #filePath, line: UInt = #line) throws {
        var all: [(y: Double, p: Float)] = []
        for (series, value) in [("best", \GenerationStats.bestConfidence),
                                ("mean", \GenerationStats.meanConfidence)] {
            let lines = HTMLScanner.tags(svg).filter { $0.name == "polyline" && $0.attributes["data-series"] == series }
            XCTAssertEqual(lines.count, 1, series, file: file, line: line)
            let points = try lines.flatMap { line in
                try (line.attributes["points"] ?? "").split(separator: " ").map { pair in
                    let xy = pair.split(separator: ",").compactMap { Double($0) }
                    return (x: try XCTUnwrap(xy.first), y: try XCTUnwrap(xy.last))
                }
            }
            XCTAssertEqual(points.count, stats.count, series, file: file, line: line)
            for i in points.indices.dropFirst() {
                XCTAssertGreaterThan(points[i].x, points[i - 1].x, series, file: file, line: line)
            }
            all += zip(points, stats).map { ($0.y, $1[keyPath: value]) }
        }
        for a in all {
            for b in all where a.p < b.p {
                XCTAssertGreaterThanOrEqual(a.y, b.y, "higher confidence is drawn higher",
                                            file: file, line: line)
            }
        }
    }
}
