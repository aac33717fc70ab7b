import ImageIO
import Imaging
import XCTest

/// Decoding: the photo against an independent raw dump, and every PNG colour type.
final class PNGDecodeTests: XCTestCase {
    func testChelseaMatchesIndependentDecode() throws {
        let decoded = try PNGFile.read(try Fixture.path("chelsea-224.png"))
        XCTAssertEqual(decoded.image.width, 224)
        XCTAssertEqual(decoded.image.height, 224)
        XCTAssertEqual(decoded.bitDepth, 8)
        XCTAssertFalse(decoded.hadAlpha)
        XCTAssertEqual(decoded.text, [:])
        // Pixels decoded independently with Python's zlib (x, y, R, G, B).
        let known: [(Int, Int, Int, Int, Int)] = [
            (0, 0, 169, 129, 107), (223, 0, 153, 110, 103), (0, 223, 186, 152, 140),
            (223, 223, 193, 168, 148), (112, 100, 193, 156, 138), (50, 170, 173, 127, 83),
        ]
        for (x, y, r, g, b) in known {
            XCTAssertEqual(decoded.image[0, x, y], Float(r) / 255, accuracy: 1e-7)
            XCTAssertEqual(decoded.image[1, x, y], Float(g) / 255, accuracy: 1e-7)
            XCTAssertEqual(decoded.image[2, x, y], Float(b) / 255, accuracy: 1e-7)
        }
        // The whole image against the raw RGB dump from the same independent decoder.
        XCTAssertEqual(decoded.image.interleavedRGB8(), try Fixture.data("chelsea-224.rgb"))
    }

    func testGrey8() throws {
        try assertDecodes("grey8.png", width: 5, height: 4, bitDepth: 8) { x, y, _ in
            Float(Formula.s8(x, y, 0)) / 255
        }
    }

    func testGrey1BitUnpacksToBlackAndWhite() throws {
        try assertDecodes("grey1.png", width: 10, height: 3, bitDepth: 8) { x, y, _ in
            Float((x + y) % 2)
        }
    }

    func testGrey16() throws {
        try assertDecodes("grey16.png", width: 5, height: 4, bitDepth: 16) { x, y, _ in
            Float(Formula.s16(x, y, 0)) / 65535
        }
    }

    func testRGB16() throws {
        try assertDecodes("rgb16.png", width: 3, height: 3, bitDepth: 16) { x, y, c in
            Float(Formula.s16(x, y, c)) / 65535
        }
    }

    func testGreyAlphaCompositesOverWhite() throws {
        try assertDecodes("greyalpha8.png", width: 4, height: 3, bitDepth: 8, alpha: true) { x, y, _ in
            let a = Float(Formula.a8(x, y)) / 255
            return a * Float(Formula.s8(x, y, 0)) / 255 + (1 - a)
        }
    }

    func testRGBAIgnoringAlphaKeepsColour() throws {
        try assertDecodes("rgba8.png", width: 4, height: 3, bitDepth: 8, alpha: true, handling: .ignore) { x, y, c in
            Float(Formula.s8(x, y, c)) / 255
        }
    }

    func testRGBACompositesOverWhite() throws {
        try assertDecodes("rgba8.png", width: 4, height: 3, bitDepth: 8, alpha: true) { x, y, c in
            let a = Float(Formula.a8(x, y)) / 255
            return a * Float(Formula.s8(x, y, c)) / 255 + (1 - a)
        }
    }

    static let palette: [[Float]] = [[255, 0, 0], [0, 128, 255], [10, 20, 30], [200, 200, 100]]

    func testPalette2Bit() throws {
        try assertDecodes("palette2.png", width: 6, height: 3, bitDepth: 8) { x, y, c in
            Self.palette[(x + 2 * y) % 4][c] / 255
        }
    }

    func testPaletteWithTransparency() throws {
        // tRNS gives index 0 alpha 0 and index 1 alpha 128; others are opaque.
        let alphas: [Float] = [0, 128, 255, 255]
        try assertDecodes("palette8trns.png", width: 4, height: 2, bitDepth: 8, alpha: true) { x, y, c in
            let i = (x + y) % 4, a = alphas[i] / 255
            return a * Self.palette[i][c] / 255 + (1 - a)
        }
    }

    func testAdam7Interlaced() throws {
        try assertDecodes("interlaced.png", width: 11, height: 9, bitDepth: 8) { x, y, c in
            Float(Formula.s8(x, y, c)) / 255
        }
    }

    func testReadsTEXtZTXtAndITXt() throws {
        let decoded = try PNGFile.read(try Fixture.path("text.png"))
        XCTAssertEqual(decoded.text, [
            "Title": "café (latin-1)",
            "Comment": "line one\nline \"two\"",
            "Genome": "(rgb (sin x) \"π\" ≤ 2)",
            "Packed": "日本語 text",
        ])
    }

    /// Decodes `name` and compares every sample with `expected(x, y, c)`.
    private func assertDecodes(_ name: String, width: Int, height: Int, bitDepth: Int, alpha: Bool = false,
                               handling: AlphaHandling = .compositeOverWhite,
                               expected: (Int, Int, Int) -> Float, line: UInt = #line) throws {
        let decoded = try PNGFile.read(try Fixture.path(name), alpha: handling)
        XCTAssertEqual(decoded.image.width, width, line: line)
        XCTAssertEqual(decoded.image.height, height, line: line)
        XCTAssertEqual(decoded.bitDepth, bitDepth, line: line)
        XCTAssertEqual(decoded.hadAlpha, alpha, line: line)
        var worst: Float = 0
        for c in 0..<3 {
            for y in 0..<height {
                for x in 0..<width { worst = max(worst, abs(decoded.image[c, x, y] - expected(x, y, c))) }
            }
        }
        XCTAssertLessThan(worst, 1e-6, "\(name): largest sample error", line: line)
    }
}
