import Genome
import Render
import XCTest

final class LibraryTests: XCTestCase {
    func testLibraryGenomesParseRenderLikeTheReferenceAndAreNotFlat() throws {
        let library = try libraryGenomes()
        XCTAssertGreaterThanOrEqual(library.count, 16)
        for (name, g) in library {
            XCTAssertTrue((10...80).contains(g.nodeCount), "\(name) has \(g.nodeCount) nodes")
            XCTAssertEqual(try Genome(parsing: g.description), g, name)
            let compiled = try Renderer.render(g, width: 24, height: 24)
            let reference = try ReferenceEvaluator.render(g, width: 24, height: 24)
            XCTAssertLessThanOrEqual(maxDifference(compiled, reference), 1e-5, name)
            var channelSpread: Float = 0
            for c in 0..<3 {
                let plane = compiled.pixels[(c * 576)..<((c + 1) * 576)]
                channelSpread = max(channelSpread, plane.max()! - plane.min()!)
            }
            XCTAssertGreaterThan(channelSpread, 0.1, "\(name) is nearly flat")
        }
        XCTAssertEqual(Set(library.map { $0.1.structuralHash }).count, library.count, "duplicates in the library")
    }
}
