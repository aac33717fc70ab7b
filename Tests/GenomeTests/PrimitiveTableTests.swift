import Foundation
import Genome
import XCTest

final class PrimitiveTableTests: XCTestCase {
    func testTableMatchesOpsAndNamesAreUnique() {
        XCTAssertEqual(Primitive.table.count, Op.allCases.count)
        for (i, p) in Primitive.table.enumerated() {
            XCTAssertEqual(Int(p.op.rawValue), i, "row \(i) is \(p.name)")
            XCTAssertEqual(p.op.arity, p.arity)
            if p.op != .constant { XCTAssertEqual(Op(name: p.name), p.op) }
        }
        XCTAssertEqual(Set(Primitive.table.map(\.name)).count, Primitive.table.count)
        XCTAssertGreaterThanOrEqual(Primitive.table.count, 24)
    }

    /// The doc comment of `Op` carries the same table the code defines.
    func testDocCommentTableIsGeneratedTable() throws {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/Genome/Primitives.swift").standardizedFileURL
        let text = try String(contentsOf: source, encoding: .utf8)
        let docRows = text.split(separator: "\n")
            .filter { $0.hasPrefix("/// |") }
            .map { String($0.dropFirst(4)) }
        XCTAssertEqual(docRows.joined(separator: "\n"), Primitive.markdownTable)
    }
}
