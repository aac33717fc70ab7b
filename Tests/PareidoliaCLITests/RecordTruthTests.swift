import Foundation
import Store
import XCTest

/// The confidence a record shows is what re-measuring it gives.
final class RecordTruthTests: XCTestCase {
    /// The part of a record's stored measurements this test reads.
    struct Measured: Decodable {
        struct Judgement: Decodable {
            struct Verdict: Decodable { let model: String; let confidence: Float }
            let heldOut: Verdict
        }
        let judgement: Judgement
    }

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

        // --robust re-measures it the way the record was measured (the judge's 16 framings of the
        // 448² render, this network and a held-out one): the same figures up to the PNG's 8-bit
        // samples, for the class the PNG names in its text.
        let robust = try h.run(["classify", png, "--robust", "--top", "1"])
        XCTAssertEqual(robust.status, 0, robust.stderr)
        let line = try XCTUnwrap(robust.stdout.split(separator: "\n").first.map(String.init))
        XCTAssertTrue(line.hasPrefix("coil: robust lite0 "), line)
        let figures = line.split(separator: " ").compactMap { $0.hasSuffix("%") ? Float($0.dropLast()) : nil }
        XCTAssertEqual(figures.count, 2, line)
        XCTAssertEqual(figures[0] / 100, record.confidence, accuracy: 0.02, line)
        let judged = try XCTUnwrap(record.measurements.flatMap { try? JSONDecoder().decode(Measured.self, from: Data($0.utf8)) })
        XCTAssertEqual(figures[1] / 100, judged.judgement.heldOut.confidence, accuracy: 0.05, line)
        XCTAssertTrue(line.contains("held-out \(judged.judgement.heldOut.model) "), line)
        let bare = try h.run(["classify", h.repository.appendingPathComponent("Tests/NetTests/Fixtures/chelsea-224.png").path, "--robust"])
        XCTAssertNotEqual(bare.status, 0)
        XCTAssertTrue(bare.stderr.contains("--objective"), bare.stderr)
        let text = try h.run(["render", png, "--size", "8", "-o", h.directory.appendingPathComponent("x.png").path])
        XCTAssertEqual(text.status, 0, text.stderr)
    }
}
