import Genome
import XCTest

final class ParserTests: XCTestCase {
    func parseError(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> GenomeError? {
        do {
            let g = try Genome(parsing: text)
            XCTFail("parsed \(g) from \(text.prefix(60))", file: file, line: line)
            return nil
        } catch let error as GenomeError {
            return error
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return nil
        }
    }

    func testPrintParseRoundTripOverThousandsOfGenomes() throws {
        for g in samplePopulation(count: 3000, seed: 11) {
            let text = g.description
            let back = try Genome(parsing: text)
            XCTAssertEqual(back.nodes, g.nodes, text)
            XCTAssertEqual(back.constants.map(\.bitPattern), g.constants.map(\.bitPattern), text)
            XCTAssertEqual(try Genome(parsing: g.prettyDescription(width: 30)).nodes, g.nodes)
        }
    }

    func testConstantsRoundTripBitExactly() throws {
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<5000 {
            let bits = UInt32(truncatingIfNeeded: rng.next())
            var v = Float(bitPattern: bits)
            if !Genome.admits(constant: v) { v = Float(bitPattern: bits & 0x3FFF_FFFF) }
            let g = try Genome(nodes: [Node(.sin), .constant(v)])
            XCTAssertEqual(try Genome(parsing: g.description).constants[0].bitPattern, v.bitPattern, g.description)
        }
    }

    func testAcceptsCommentsWhitespaceAndNumberForms() throws {
        let text = """
        ; a comment — with UTF-8 ✓
        (rgb (sin (* 3.1 x))   ; trailing comment
             (abs (- y r))
             (noise (* 4 x) -.5e1))
        """
        let g = try Genome(parsing: text)
        XCTAssertEqual(g.description, "(rgb (sin (* 3.1 x)) (abs (- y r)) (noise (* 4.0 x) -5.0))")
        XCTAssertEqual(try Genome(parsing: "x").nodes, [Node(.x)])
        XCTAssertEqual(try Genome(parsing: "\u{FEFF}(sin x)\r\n").description, "(sin x)")
        XCTAssertEqual(try Genome(parsing: " +2.5e-3 ").constants, [0.0025])
    }

    func testUnbalancedParentheses() {
        XCTAssertEqual(parseError("(sin (cos x)"),
                       .unexpectedEnd(expected: "')'", openLine: 1, openColumn: 1))
        XCTAssertEqual(parseError("(sin x))"),
                       .unexpectedToken(found: "')'", expected: "end of input", line: 1, column: 8))
        XCTAssertEqual(parseError(")"),
                       .unexpectedToken(found: "')'", expected: "an expression before it", line: 1, column: 1))
        XCTAssertEqual(parseError("x y"), .unexpectedToken(found: "'y'", expected: "end of input", line: 1, column: 3))
        XCTAssertEqual(parseError("(\n  (sin x))"),
                       .unexpectedToken(found: "'('", expected: "an operator name after '('", line: 2, column: 3))
    }

    func testUnknownOperatorSuggestsNearNames() throws {
        let error = try XCTUnwrap(parseError("(rgb x\n (sinn y) r)"))
        XCTAssertEqual(error, .unknownOperator(name: "sinn", suggestions: ["sin"], line: 2, column: 3))
        XCTAssertTrue(error.description.contains("did you mean 'sin'?"), error.description)
        XCTAssertEqual(parseError("(MIX x y r)"),
                       .unknownOperator(name: "MIX", suggestions: ["mix"], line: 1, column: 2))
        XCTAssertEqual(parseError("(zzzzzzzz x)"),
                       .unknownOperator(name: "zzzzzzzz", suggestions: [], line: 1, column: 2))
    }

    func testWrongArity() {
        XCTAssertEqual(parseError("(sin x y)"), .wrongArity(op: "sin", expected: 1, found: 2, line: 1, column: 8))
        XCTAssertEqual(parseError("(+ x)"), .wrongArity(op: "+", expected: 2, found: 1, line: 1, column: 5))
        XCTAssertEqual(parseError("(x)"), .wrongArity(op: "x", expected: 0, found: 0, line: 1, column: 2))
        XCTAssertEqual(parseError("(+ sin x)"), .wrongArity(op: "sin", expected: 1, found: 0, line: 1, column: 4))
    }

    func testBadNumbers() {
        XCTAssertEqual(parseError("(sin 1.2.3)"), .badNumber(text: "1.2.3", line: 1, column: 6))
        XCTAssertEqual(parseError("(sin 3x)"), .badNumber(text: "3x", line: 1, column: 6))
        XCTAssertEqual(parseError("(sin 1e)"), .badNumber(text: "1e", line: 1, column: 6))
        XCTAssertEqual(parseError("(sin 1e39)"), .constantOutOfRange(text: "1e39", line: 1, column: 6))
        XCTAssertEqual(parseError("(sin 2e6)"), .constantOutOfRange(text: "2e6", line: 1, column: 6))
        XCTAssertEqual(parseError("(sin inf)"), .unknownOperator(name: "inf", suggestions: ["if"], line: 1, column: 6))
    }

    func testEmptyInput() {
        XCTAssertEqual(parseError(""), .empty)
        XCTAssertEqual(parseError("  \n ; only a comment\n\t"), .empty)
    }

    func testBinaryGarbageIsRejectedWithPosition() throws {
        let garbage = String(decoding: [0x28, 0x73, 0x69, 0x6E, 0x20, 0x00, 0xFF, 0x29], as: UTF8.self)
        guard case .invalidByte(_, 1, 6)? = parseError(garbage) else { return XCTFail("expected invalid byte at 1:6") }
        var rng = SeededGenerator(seed: 99)
        for _ in 0..<300 {
            let bytes = (0..<Int(rng.next() % 200 + 1)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            // Must throw a GenomeError or parse; never crash.
            _ = try? Genome(parsing: String(decoding: bytes, as: UTF8.self))
        }
    }

    func testTenMegabytesOfNestingFailsQuicklyWithPosition() {
        let depth = 2_000_000   // "(sin " × 2M ≈ 10 MB
        let text = String(repeating: "(sin ", count: depth) + "x" + String(repeating: ")", count: depth)
        XCTAssertEqual(parseError(text), .tooDeep(limit: Genome.maxDepth, line: 1, column: 5 * (Genome.maxDepth - 1) + 1))
        let parens = String(repeating: "(", count: 10_000_000)
        XCTAssertEqual(parseError(parens),
                       .unexpectedToken(found: "'('", expected: "an operator name after '('", line: 1, column: 2))
        let ok = String(repeating: "(sin ", count: Genome.maxDepth - 1) + "x" + String(repeating: ")", count: Genome.maxDepth - 1)
        XCTAssertNoThrow(try Genome(parsing: ok))
    }

    func testErrorDescriptionsNameInputAndFix() {
        XCTAssertTrue(GenomeError.badNumber(text: "1.2.3", line: 3, column: 4).description.contains("line 3, column 4"))
        XCTAssertTrue(GenomeError.wrongArity(op: "sin", expected: 1, found: 2, line: 1, column: 8).description
            .contains("'sin' takes 1 argument, found 2"))
        XCTAssertTrue(GenomeError.empty.description.contains("write one"))
    }
}
