import Foundation
import Gallery
import ImageIO
import XCTest

/// Verdicts reach a cell's PNGs by replacing their text chunks; the pixels stay byte for byte.
final class PNGTextRewriteTests: GalleryTestCase {
    func testCRCIsPNGs() {
        XCTAssertEqual(PNGTextRewrite.crc32(Array("IEND".utf8)), 0xAE42_6082)
        XCTAssertEqual(PNGTextRewrite.crc32(Array("123456789".utf8)), 0xCBF4_3926)
    }

    func testReplacingTheTextKeepsThePixelsAndLibpngReadsTheNewText() throws {
        let path = directory.appendingPathComponent("cell.png").path
        let image = Fake.render("(rgb x y r)", size: 24, aa: 1)
        try PNGFile.write(image, to: path, text: ["genome": "(rgb x y r)", "confidence": "0.5", "old key": "gone"])
        let before = try PNGFile.read(path)
        let text = ["genome": awkwardGenome, "confidence": "0.93", "class": "tabby, tabby cat — Übung ✓",
                    "Title": String(repeating: "long ", count: 4000)]
        try PNGTextRewrite.replaceText(in: path, with: text)
        let after = try PNGFile.read(path)
        XCTAssertEqual(after.text, text, "old chunks dropped, new ones read back exactly")
        XCTAssertEqual(after.image.interleavedRGB8(), before.image.interleavedRGB8())
        XCTAssertEqual(try snapshot(directory.path).keys.filter { $0.hasSuffix(".tmp") }, [], "no temporary file left")

        try Data("not a png".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try PNGTextRewrite.replaceText(in: path, with: text)) { error in
            guard case .writeFailed(let failed, let reason)? = error as? GalleryError else {
                return XCTFail("expected writeFailed, got \(error)")
            }
            XCTAssertEqual(failed, path)
            XCTAssertTrue(reason.contains("not a PNG"), reason)
        }
    }
}
