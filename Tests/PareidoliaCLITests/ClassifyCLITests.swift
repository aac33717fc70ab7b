import Foundation
import XCTest

/// `classify` as scripts use it.
final class ClassifyCLITests: XCTestCase {
    struct Report: Decodable {
        struct Entry: Decodable { let index: Int; let name: String; let logit: Float; let probability: Float }
        let model: String
        let inputSize: Int
        let preprocessing: String
        let classes: [Entry]
    }

    /// `--json` lists all 1000 classes in index order with logits and probabilities that agree
    /// (softmax), and the golden photo's top class is tiger cat with the reference probability.
    func testJSONListsEveryClass() throws {
        let h = try CLIHarness()
        let photo = h.repository.appendingPathComponent("Tests/NetTests/Fixtures/chelsea-224.png").path
        let r = try h.run(["classify", photo, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let report = try decoder.decode(Report.self, from: Data(r.stdout.utf8))
        XCTAssertEqual(report.model, "lite0")
        XCTAssertEqual(report.inputSize, 224)
        XCTAssertTrue(report.preprocessing.contains("(u8 − 127) / 128"), report.preprocessing)
        XCTAssertEqual(report.classes.map(\.index), Array(0..<1000))
        XCTAssertEqual(report.classes.reduce(0) { $0 + Double($1.probability) }, 1, accuracy: 1e-4)
        let top = try XCTUnwrap(report.classes.max { $0.probability < $1.probability })
        XCTAssertEqual(top.index, 282)
        XCTAssertEqual(top.name, "tiger cat")
        XCTAssertEqual(top.probability, 0.408, accuracy: 0.002)
        let maxLogit = try XCTUnwrap(report.classes.map(\.logit).max())
        let logSum = log(report.classes.reduce(0) { $0 + exp(Double($1.logit - maxLogit)) })
        XCTAssertEqual(Double(top.probability), exp(Double(top.logit - maxLogit) - logSum), accuracy: 1e-5)
    }
}
