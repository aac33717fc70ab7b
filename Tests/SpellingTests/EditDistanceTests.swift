import Spelling
import XCTest

final class EditDistanceTests: XCTestCase {
    func testKnownDistances() {
        XCTAssertEqual(EditDistance.between("kitten", "sitting"), 3)
        XCTAssertEqual(EditDistance.between("", "abc"), 3)
        XCTAssertEqual(EditDistance.between("abc", ""), 3)
        XCTAssertEqual(EditDistance.between("flaw", "lawn"), 2)
        XCTAssertEqual(EditDistance.between("same", "same"), 0)
        XCTAssertEqual(EditDistance.between(Array("crab".utf8), Array("carb".utf8)), 2)
    }

    /// With a limit the answer is exact up to it and `limit + 1` beyond.
    func testLimit() {
        XCTAssertEqual(EditDistance.between("kitten", "sitting", limit: 3), 3)
        XCTAssertEqual(EditDistance.between("kitten", "sitting", limit: 2), 3)
        XCTAssertEqual(EditDistance.between("a", "abcdef", limit: 2), 3)
        XCTAssertEqual(EditDistance.between("", "abcdef", limit: 2), 3)
    }

    /// Symmetric and within the triangle inequality on random words.
    func testMetricProperties() {
        var g = SystemRandomNumberGenerator()
        let letters = Array("abcd")
        for _ in 0..<200 {
            let w = (0..<3).map { _ in String((0..<Int.random(in: 0...6, using: &g)).map { _ in letters.randomElement(using: &g)! }) }
            XCTAssertEqual(EditDistance.between(w[0], w[1]), EditDistance.between(w[1], w[0]))
            XCTAssertLessThanOrEqual(EditDistance.between(w[0], w[2]), EditDistance.between(w[0], w[1]) + EditDistance.between(w[1], w[2]))
        }
    }
}
