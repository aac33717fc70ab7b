import Foundation
import Store
import XCTest

/// The confidence a record shows is what re-measuring it gives.
final class RecordTruthTests: XCTestCase {
    /// The library's chromatic rings look like a coil from any framing. A run seeded from the
    /// library keeps them as its first record; the PNG's headline confidence (robust: 16 random
    /// framings of the render) is the database's, and `classify` on the PNG (one centre crop)
    /// tells the same story.
    func testRecordConfidenceAgreesWithClassify() throws {
        let h = try CLIHarness()
        let r = try h.run(["evolve", "--class", "coil", "--seed-from", "library", "--population", "24",
                           "--search", "gp", "--generations", "0", "--run", "coil", "--db", h.database])
        XCTAssertEqual(r.status, 0, r.stderr)
        let store = try RunStore(path: h.database)
        let record = try XCTUnwrap(try store.records(run: try store.run(named: "coil").id).first)
        XCTAssertGreaterThan(record.confidence, 0.5, "robust confidence of the rings")
        let png = try XCTUnwrap(record.imagePath)
        let shown = try h.run(["classify", png, "--json"])
        XCTAssertEqual(shown.status, 0, shown.stderr)
        struct Report: Decodable { struct E: Decodable { let index: Int; let probability: Float }; let classes: [E] }
        let measured = try JSONDecoder().decode(Report.self, from: Data(shown.stdout.utf8)).classes[506].probability
        XCTAssertEqual(measured, record.confidence, accuracy: 0.1, "classify \(measured) vs record \(record.confidence)")
        let text = try h.run(["render", png, "--size", "8", "-o", h.directory.appendingPathComponent("x.png").path])
        XCTAssertEqual(text.status, 0, text.stderr)
    }
}
