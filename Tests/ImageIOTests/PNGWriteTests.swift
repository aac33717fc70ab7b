import ImageIO
import Imaging
import XCTest

/// Writing: pixel and text round trips, clamping, atomic replacement, bad keys and paths.
final class PNGWriteTests: XCTestCase {
    /// A reproducible pseudo-random image in [−0.1, 1.1] (so clamping is exercised).
    private func sampleImage(width: Int, height: Int) -> Image {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var image = Image(width: width, height: height)
        for i in image.pixels.indices {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            image.pixels[i] = Float(state >> 40) / Float(1 << 24) * 1.2 - 0.1
        }
        return image
    }

    func testRoundTripPixelsAndText() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("out.png")
        let image = sampleImage(width: 37, height: 23)
        let text = [
            "Genome": "(rgb (sin (* 3.1 x)) (abs (- y r)) (noise (* 4 x) y))\n; \"quoted\" 'single' ≤ π ∑ 日本 🦀",
            "Class": "282 tiger cat",
            "Café Key": "tab\tand\r\nCRLF and (parentheses) [brackets] {braces} \\ backslash",
            "Empty": "",
        ]
        try PNGFile.write(image, to: path, text: text)
        let decoded = try PNGFile.read(path)
        XCTAssertEqual(decoded.text, text)
        XCTAssertEqual(decoded.bitDepth, 8)
        XCTAssertFalse(decoded.hadAlpha)
        XCTAssertEqual(decoded.image.width, 37)
        XCTAssertEqual(decoded.image.height, 23)
        for i in image.pixels.indices {
            let expected = min(max(image.pixels[i], 0), 1)
            XCTAssertEqual(decoded.image.pixels[i], expected, accuracy: 0.5 / 255 + 1e-6, "sample \(i)")
        }
        // Exactly the 8-bit quantisation: writing the decoded image again reproduces it.
        XCTAssertEqual(decoded.image.interleavedRGB8(), image.interleavedRGB8())
        XCTAssertEqual(try directory.contents(), ["out.png"], "no temporary file left behind")
    }

    func testClampsAndRoundsSamples() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("clamp.png")
        let values: [Float] = [-0.5, 1.7, .nan, 0.5 / 255, 1.49 / 255, 128.5 / 255]
        let image = Image(width: 2, height: 1, pixels: values)
        try PNGFile.write(image, to: path)
        let decoded = try PNGFile.read(path)
        let bytes: [Float] = [0, 255, 0, 1, 1, 129]
        XCTAssertEqual(decoded.image.pixels, bytes.map { $0 / 255 })
    }

    func testOverwritesExistingFileAtomically() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("same.png")
        try PNGFile.write(Image(width: 4, height: 4, fill: 0.2), to: path, text: ["v": "1"])
        try PNGFile.write(Image(width: 3, height: 2, fill: 0.8), to: path, text: ["v": "2"])
        let decoded = try PNGFile.read(path)
        XCTAssertEqual(decoded.image.width, 3)
        XCTAssertEqual(decoded.text, ["v": "2"])
        XCTAssertEqual(try directory.contents(), ["same.png"])
    }

    func testRejectsInvalidKeys() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("bad.png")
        let image = Image(width: 1, height: 1)
        for key in ["", String(repeating: "k", count: 80), "π key", " lead", "trail ", "two  spaces", "tab\tkey"] {
            XCTAssertThrowsError(try PNGFile.write(image, to: path, text: [key: "v"])) { error in
                guard case ImageIOError.invalidTextKey(let bad, _) = error else {
                    return XCTFail("expected invalidTextKey for '\(key)', got \(error)")
                }
                XCTAssertEqual(bad, key)
            }
        }
        // 79 Latin-1 characters is the longest legal key.
        let longest = String(repeating: "é", count: 79)
        try PNGFile.write(image, to: path, text: [longest: "ok"])
        XCTAssertEqual(try PNGFile.read(path).text, [longest: "ok"])
    }

    func testRejectsNULInValue() throws {
        let directory = try TemporaryDirectory()
        XCTAssertThrowsError(try PNGFile.write(Image(width: 1, height: 1), to: directory.file("nul.png"),
                                               text: ["k": "a\u{0}b"])) { error in
            XCTAssertEqual(error as? ImageIOError, .invalidTextValue(key: "k", reason: "it contains a NUL character"))
        }
        XCTAssertEqual(try directory.contents(), [])
    }

    func testWriteIntoMissingDirectoryFails() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("no/such/dir/out.png")
        XCTAssertThrowsError(try PNGFile.write(Image(width: 2, height: 2), to: path)) { error in
            guard case ImageIOError.writeFailed(let bad, _) = error else { return XCTFail("got \(error)") }
            XCTAssertEqual(bad, path)
            XCTAssertTrue(String(describing: error).contains(path))
        }
    }
}
