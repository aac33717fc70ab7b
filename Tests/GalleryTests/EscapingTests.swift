import Foundation
import Gallery
import XCTest

/// `HTML.escape` and its use on the pages: formulas and class names survive exactly.
final class EscapingTests: GalleryTestCase {
    func testEscapeReplacesExactlyTheSpecialCharacters() {
        XCTAssertEqual(HTML.escape(#"a<b>&"c"'d'"#), "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;")
        XCTAssertEqual(HTML.escape("&amp;"), "&amp;amp;", "an entity in the data stays literal")
        XCTAssertEqual(HTML.escape("x\r\ny\n"), "x&#13;\ny\n")
        XCTAssertEqual(HTML.escape("crème brûlée, 🦀 (sin x)"), "crème brûlée, 🦀 (sin x)")
        XCTAssertEqual(HTML.escape(""), "")
    }

    func testUnescapingGivesBackTheText() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("<>&\"'\r\n ;#xab0129é🦀")
        for _ in 0..<500 {
            let text = String((0..<Int.random(in: 0...30, using: &rng)).map { _ in
                alphabet.randomElement(using: &rng) ?? "a"
            })
            let escaped = HTML.escape(text)
            XCTAssertFalse(escaped.contains("<") || escaped.contains(">") || escaped.contains("\"")
                           || escaped.contains("'") || escaped.contains("\r"), escaped)
            XCTAssertEqual(HTMLScanner.unescape(escaped), text)
        }
    }

    func testHrefPercentEncodesAndEscapes() {
        XCTAssertEqual(HTML.href("crab-1", "index.html"), "crab-1/index.html")
        XCTAssertEqual(HTML.href("a b&c", "é.png"), "a%20b%26c/%C3%A9.png")
    }

    func testPagesShowFormulasAndClassNamesExactly() throws {
        let run = try makeRun()
        try GalleryExporter.export(runs: [], from: store, options: options(),
                                   renderer: Fake.renderer(RenderLog()))
        let page = try read(out + "/crab-1/index.html")
        let front = try read(out + "/index.html")
        for html in [page, front] {
            for raw in ["(< x", "(> y", "\"q&a\"", "<b>bold", "'b'", "\r", #""academic""#, "<&>"] {
                XCTAssertFalse(html.contains(raw), "raw \(raw.debugDescription) in a page")
            }
        }
        let cards = cardsByRecord(page)
        for record in try store.records(run: run.id) {
            let card = try XCTUnwrap(cards[record.id])
            let shown = try XCTUnwrap(HTMLScanner.text(of: "pre", in: card))
            XCTAssertTrue(shown.hasPrefix("\n"), "a <pre> drops one leading newline")
            XCTAssertEqual(HTMLScanner.unescape(String(shown.dropFirst())), record.genome)
            let image = try XCTUnwrap(HTMLScanner.tags(card).first { $0.name == "img" })
            XCTAssertTrue(image.attributes["alt"]?.hasPrefix(awkwardTarget + ",") == true,
                          image.attributes["alt"] ?? "no alt")
        }
        XCTAssertTrue(HTMLScanner.plainText(page).contains("evolved toward \(awkwardTarget)"))
        // Every tag on the pages is one the pages are meant to have: a stray `<` from data
        // would open a tag of another name.
        let expected: Set = ["html", "head", "meta", "title", "style", "script", "body", "main",
                             "nav", "a", "h1", "h2", "small", "p", "strong", "ul", "li", "span",
                             "div", "svg", "line", "text", "polyline", "circle", "g", "article",
                             "img", "dl", "dt", "dd", "pre", "button", "footer"]
        for html in [page, front] {
            let names = Set(HTMLScanner.tags(html).map(\.name))
            XCTAssertTrue(names.isSubset(of: expected), "unexpected tags \(names.subtracting(expected))")
        }
        XCTAssertEqual(HTMLScanner.tags(page).filter { $0.name == "pre" }.count, plannedRecords.count)
    }
}
