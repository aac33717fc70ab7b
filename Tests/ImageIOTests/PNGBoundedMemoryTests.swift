import ImageIO
import Imaging
import XCTest

/// Hostile files are refused before anything big is allocated, and text is read without
/// decoding pixels. The bombs are built here, valid to the last byte: with a large enough
/// budget they would decode.
final class PNGBoundedMemoryTests: XCTestCase {
    func testBuilderMakesValidZeroImages() throws {
        XCTAssertEqual(CRC32.of(Array("IEND".utf8)), crc32(Array("IEND".utf8)[...]))
        let directory = try TemporaryDirectory()
        for (colorType, bitDepth) in [(UInt8(0), UInt8(8)), (6, 16), (2, 8)] {
            let path = try directory.write(PNGBuilder.zeros(width: 300, height: 7, bitDepth: bitDepth,
                                                            colorType: colorType,
                                                            textBefore: [("a", "1")], textAfter: [("b", "2")]),
                                           to: "zeros-\(colorType)-\(bitDepth).png")
            let decoded = try PNGFile.read(path, alpha: .ignore)
            XCTAssertEqual(decoded.image.width, 300)
            XCTAssertEqual(decoded.image.height, 7)
            XCTAssertEqual(decoded.bitDepth, Int(bitDepth))
            XCTAssertTrue(decoded.image.pixels.allSatisfy { $0 == 0 })
            XCTAssertEqual(decoded.text, ["a": "1", "b": "2"])
        }
    }

    /// 16000 × 16000 grey zeros: 1.6 MB on disk, 256 MB inflated, 3 GB as floats.
    func testGreyBombIsRefusedByTheHeaderAndItsTextStillReads() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(PNGBuilder.zeros(width: 16000, height: 16000,
                                                        textBefore: [("genome", "(rgb x y r)")],
                                                        textAfter: [("Software", "bomb")]),
                                       to: "bomb.png")
        let before = peakResidentBytes()
        XCTAssertThrowsError(try PNGFile.read(path)) { error in
            XCTAssertEqual(error as? ImageIOError,
                           .tooLarge(path: path, width: 16000, height: 16000, limit: 8192 * 8192))
            XCTAssertTrue("\(error)".contains(path), "\(error)")
            XCTAssertTrue("\(error)".contains("16000×16000"), "\(error)")
        }
        XCTAssertEqual(try PNGFile.readText(path), ["genome": "(rgb x y r)", "Software": "bomb"])
        XCTAssertLessThan(peakResidentBytes() - before, 64 << 20, "reading the bomb raised the peak memory")
    }

    /// 11500 × 11500 16-bit RGBA zeros: 1 GB inflated.
    func testSixteenBitBombIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(PNGBuilder.zeros(width: 11500, height: 11500, bitDepth: 16, colorType: 6),
                                       to: "bomb16.png")
        XCTAssertThrowsError(try PNGFile.read(path)) { error in
            XCTAssertEqual(error as? ImageIOError,
                           .tooLarge(path: path, width: 11500, height: 11500, limit: PNGLimits.defaultMaxPixels))
        }
        XCTAssertEqual(try PNGFile.readText(path), [:])
    }

    /// 448 bytes whose iTXt chunk claims 0x7fffffff bytes: libpng alone allocates 2 GB.
    func testLyingTextChunkFailsWithoutAllocating() throws {
        var png = PNGBuilder()
        png.header(width: 8, height: 8)
        let body = Array("genome".utf8) + [0, 0, 0, 0, 0] + [UInt8](repeating: 0x78, count: 396)
        png.chunk("iTXt", body, declaredLength: 0x7FFF_FFFF)
        let bytes = Array(png.bytes.dropLast(4))   // the file ends inside the chunk: no CRC
        XCTAssertEqual(bytes.count, 448)
        let directory = try TemporaryDirectory()
        let path = try directory.write(bytes, to: "lying.png")
        let expected = ImageIOError.chunkTooLong(path: path, chunk: "iTXt", offset: 33,
                                                 declared: 0x7FFF_FFFF, available: 407)
        let before = peakResidentBytes()
        XCTAssertThrowsError(try PNGFile.read(path)) { XCTAssertEqual($0 as? ImageIOError, expected) }
        XCTAssertThrowsError(try PNGFile.readText(path)) { XCTAssertEqual($0 as? ImageIOError, expected) }
        XCTAssertLessThan(peakResidentBytes() - before, 64 << 20)
        XCTAssertTrue(expected.description.contains("'iTXt' chunk at byte 33"), expected.description)
    }

    func testPixelBudgetIsAParameter() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(PNGBuilder.zeros(width: 40, height: 25), to: "small.png")
        XCTAssertEqual(try PNGFile.read(path, limits: PNGLimits(maxPixels: 1000)).image.width, 40)
        XCTAssertThrowsError(try PNGFile.read(path, limits: PNGLimits(maxPixels: 999))) { error in
            XCTAssertEqual(error as? ImageIOError, .tooLarge(path: path, width: 40, height: 25, limit: 999))
        }
        XCTAssertEqual(try PNGFile.readText(path, limits: PNGLimits(maxPixels: 1)), [:])
    }

    func testReadTextAgreesWithRead() throws {
        for name in ["text.png", "chelsea-224.png", "interlaced.png", "palette8trns.png"] {
            let path = try Fixture.path(name)
            XCTAssertEqual(try PNGFile.readText(path), try PNGFile.read(path).text, name)
        }
        let directory = try TemporaryDirectory()
        let path = directory.file("written.png")
        try PNGFile.write(Image(width: 3, height: 2), to: path, text: ["genome": "(rgb x y r)", "k": "v"])
        XCTAssertEqual(try PNGFile.readText(path), ["genome": "(rgb x y r)", "k": "v"])
    }

    func testReadTextErrorsNameTheFile() throws {
        let directory = try TemporaryDirectory()
        let missing = directory.file("absent.png")
        XCTAssertThrowsError(try PNGFile.readText(missing)) {
            XCTAssertEqual($0 as? ImageIOError, .fileNotFound(path: missing))
        }
        let text = try directory.write(Array("hello".utf8), to: "hello.png")
        XCTAssertThrowsError(try PNGFile.readText(text)) { XCTAssertEqual($0 as? ImageIOError, .notPNG(path: text)) }
        // A bad CRC in a text chunk after the image data: the chunk is named.
        var bytes = PNGBuilder.zeros(width: 4, height: 4, textAfter: [("genome", "junk")])
        bytes[bytes.count - 12 - 5] ^= 0x20
        let damaged = try directory.write(bytes, to: "crc.png")
        XCTAssertThrowsError(try PNGFile.readText(damaged)) { error in
            guard case .corrupt(damaged, let detail) = error as? ImageIOError else { return XCTFail("\(error)") }
            XCTAssertTrue(detail.contains("iTXt"), detail)
        }
    }

    /// Adam7 rows arrive pass by pass and are placed by the reader: every size where some
    /// passes are empty, and ones where all seven have pixels.
    func testInterlacedImagesOfEverySmallShapeArePlacedExactly() throws {
        let directory = try TemporaryDirectory()
        for (width, height) in [(1, 1), (2, 1), (1, 2), (3, 2), (5, 1), (1, 5), (4, 4), (9, 2), (8, 8), (17, 13), (33, 3)] {
            let path = try directory.write(PNGBuilder.interlacedRGB(width: width, height: height) { x, y, c in
                UInt8(Formula.s8(x, y, c))
            }, to: "adam7-\(width)x\(height).png")
            let decoded = try PNGFile.read(path)
            XCTAssertEqual(decoded.image.width, width)
            XCTAssertEqual(decoded.image.height, height)
            var wrong = 0
            for c in 0..<3 {
                for y in 0..<height {
                    for x in 0..<width where abs(decoded.image[c, x, y] - Float(Formula.s8(x, y, c)) / 255) > 1e-6 { wrong += 1 }
                }
            }
            XCTAssertEqual(wrong, 0, "\(width)×\(height): misplaced samples")
        }
    }
}
