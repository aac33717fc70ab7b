import Foundation
import Genome
import Render
import XCTest

/// Runs the render benchmark on the library (what `pareidolia bench render` reports) and checks
/// its bookkeeping; the measured throughput is printed, never asserted.
final class RenderBenchmarkTests: XCTestCase {
    func testLibraryThroughputTable() throws {
        let genomes = try libraryGenomes().map(\.1)
        let nodes = genomes.map(\.evaluationCost).reduce(0, +)   // node evaluations per pixel
        var lines = ["render throughput on \(genomes.count) library genomes (\(nodes) node evaluations per pixel), G pixel·nodes/s:"]
        // Small sides: the bookkeeping is the same at any size (`bench render` measures 224² and
        // 1024²; this test only checks what it counts).
        for side in [48, 96] {
            let repeats = side == 48 ? 3 : 1
            let referenceRows = side == 48 ? 8 : 4
            let reference = try RenderBenchmark.runReference(genomes: genomes, width: side, height: side,
                                                             repeats: 1, rows: referenceRows)
            XCTAssertEqual(reference.pixelNodes, Double(side * referenceRows * nodes))
            for threads in [1, 2] {
                let compiled = try RenderBenchmark.run(genomes: genomes, width: side, height: side,
                                                       threads: threads, repeats: repeats)
                XCTAssertEqual(compiled.pixelNodes, Double(side * side * nodes * repeats))
                XCTAssertEqual(compiled.renders, genomes.count * repeats)
                lines.append(String(format: "  %4d² %d thread(s): compiled %6.3f (%.3f ms/render), reference %6.4f, ratio %5.0f×",
                                    side, threads, compiled.pixelNodesPerSecond / 1e9, compiled.secondsPerRender * 1e3,
                                    reference.pixelNodesPerSecond / 1e9,
                                    compiled.pixelNodesPerSecond / reference.pixelNodesPerSecond))
            }
        }
        XCTAssertEqual(try RenderBenchmark.maxDifference(genomes: genomes, width: 32, height: 20), 0)
        let off = try Genome(parsing: "(+ x 0.5)")
        // A different genome's image is not the same: the comparison can fail.
        XCTAssertGreaterThan(maxDifference(try Renderer.render(off, width: 8, height: 8),
                                           try ReferenceEvaluator.render(try Genome(parsing: "x"), width: 8, height: 8)), 0.2)
        print(lines.joined(separator: "\n"))
    }
}
