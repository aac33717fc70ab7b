import Scoring
import XCTest

final class ObjectiveTextTests: XCTestCase {
    func testPrintParseRoundTrip() throws {
        let texts = [
            "class(rock crab)",
            "class(rock crab | king crab)",
            "not(tench)",
            "-logit(tench)",
            "channel(block12, 57)",
            "neuron(block12, 57)",
            "dream(block10)",
            "match(photo.png)",
            "style(\"paintings/starry (night).png\")",
            "style(painting.png) + content(\"photos/a, b.png\", block8)",
            "lite1:class(go-kart)",
            "0.5 * class(goldfish) - lite1:class(go-kart) + 2 * dream(block10)",
            "class(jack-o'-lantern) + 0.25 * not(tench)",
        ]
        for text in texts {
            let parsed = try ObjectiveText(parsing: text)
            XCTAssertEqual(parsed.description, text, "canonical text prints as written")
            XCTAssertEqual(try ObjectiveText(parsing: parsed.description), parsed)
        }
        // Loose spacing and a weight without '*' read the same as the canonical form.
        let loose = try ObjectiveText(parsing: "  2dream( block10 )-0.5lite2:class( tabby cat )")
        XCTAssertEqual(loose.description, "2 * dream(block10) - 0.5 * lite2:class(tabby cat)")
        XCTAssertEqual(loose.terms[1], .init(weight: -0.5, model: "lite2", atom: .classes(["tabby cat"])))
        // match with a layer is the content term (feature inversion at that layer).
        let inversion = try ObjectiveText(parsing: "match(photo.png, block6)")
        XCTAssertEqual(inversion.terms[0].atom, .content(path: "photo.png", layer: "block6"))
        XCTAssertEqual(inversion.description, "content(photo.png, block6)")
    }

    func testMistakesNameTheColumnAndWhatWasExpected() {
        let cases: [(String, Int, String)] = [
            ("", 1, "an objective"),
            ("klass(rock crab)", 1, "one of class, not, logit"),
            ("class(rock crab", 16, "')'"),
            ("class()", 7, "an argument"),
            ("channel(block12)", 16, "','"),
            ("channel(block12, x)", 18, "a channel number"),
            ("class(goldfish) class(tench)", 17, "'+', '-' or the end"),
            (":class(goldfish)", 1, "a model name"),
            ("match(\"photo.png)", 18, "'\"'"),
            ("content(photo.png)", 18, "',' and a layer"),
            ("content(photo.png, )", 20, "an argument"),
        ]
        for (text, column, expected) in cases {
            XCTAssertThrowsError(try ObjectiveText(parsing: text), text) { error in
                guard let e = error as? ObjectiveTextError else { return XCTFail("\(error)") }
                XCTAssertEqual(e.column, column, "\(text): \(e)")
                XCTAssertTrue(e.expected.hasPrefix(expected), "\(text): \(e)")
                XCTAssertFalse("\(e)".contains("\n"), "one line")
            }
        }
    }
}
