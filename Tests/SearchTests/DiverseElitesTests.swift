import Genome
import Search
import XCTest

/// The elites a polish takes turns on: fit, and unlike each other.
final class DiverseElitesTests: XCTestCase {
    func testTheBestFirstThenTheFitterHalfsFarthestMembers() {
        // Members best first; descriptors on a line. The fitter half is members 0…3.
        let descriptors: [[Float]] = [[0, 0], [0.1, 0], [3, 0], [1, 0], [9, 9], [8, 8], [9, 0], [0, 9]]
        XCTAssertEqual(DiverseElites.choose(count: 1, descriptors: descriptors), [0])
        XCTAssertEqual(DiverseElites.choose(count: 3, descriptors: descriptors), [0, 2, 3],
                       "farthest from the best, then farthest from both; never the less fit half")
        XCTAssertEqual(DiverseElites.choose(count: 9, descriptors: descriptors), [0, 2, 3, 1], "at most the fitter half")
        // Look-alikes are not separate basins.
        XCTAssertEqual(DiverseElites.choose(count: 3, descriptors: [[1, 1], [1, 1], [1, 1], [1, 1]]), [0])
        XCTAssertEqual(DiverseElites.choose(count: 3, descriptors: []), [])
    }

    func testDescriptorsTellShapesApart() throws {
        let a = try DiverseElites.descriptor(try Genome(parsing: "(rgb x y 0)"))
        let b = try DiverseElites.descriptor(try Genome(parsing: "(rgb (- 0 x) y 0)"))
        XCTAssertEqual(a.count, 3 * DiverseElites.descriptorSide * DiverseElites.descriptorSide)
        XCTAssertEqual(a, try DiverseElites.descriptor(try Genome(parsing: "(rgb x y 0)")))
        XCTAssertNotEqual(a, b)
    }
}
