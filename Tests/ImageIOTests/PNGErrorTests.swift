import ImageIO
import Imaging
import XCTest

/// Reading bad input gives the right `ImageIOError`, naming the file, and never crashes.
final class PNGErrorTests: XCTestCase {
    private func assertReadFails(_ path: String, line: UInt = #line,
                                 _ check: (ImageIOError) -> Bool) {
        XCTAssertThrowsError(try PNGFile.read(path), line: line) { error in
            guard let error = error as? ImageIOError else { return XCTFail("not an ImageIOError: \(error)", line: line) }
            XCTAssertTrue(check(error), "unexpected error: \(error)", line: line)
            XCTAssertTrue(error.description.contains(path), "description must name the file: \(error)", line: line)
        }
    }

    func testMissingFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("absent.png")
        assertReadFails(path) { $0 == .fileNotFound(path: path) }
    }

    func testDirectory() throws {
        let directory = try TemporaryDirectory()
        assertReadFails(directory.path) { $0 == .notAFile(path: directory.path) }
    }

    func testTextFileIsNotPNG() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array("just some text\n".utf8), to: "notes.png")
        assertReadFails(path) { $0 == .notPNG(path: path) }
        XCTAssertTrue(ImageIOError.notPNG(path: path).description.contains("Convert it to PNG"))
    }

    func testEmptyFileIsNotPNG() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write([], to: "empty.png")
        assertReadFails(path) { $0 == .notPNG(path: path) }
    }

    func testTruncatedHalfOfChelsea() throws {
        let bytes = try Fixture.data("chelsea-224.png")
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array(bytes[..<(bytes.count / 2)]), to: "half.png")
        assertReadFails(path) { $0 == .truncated(path: path) }
        let signatureOnly = try directory.write(Array(bytes[..<5]), to: "sig.png")
        assertReadFails(signatureOnly) { $0 == .truncated(path: signatureOnly) }
    }

    // chelsea-224.png layout: signature (8), IHDR chunk at 8 (25 bytes), first IDAT at 33 with
    // 65536 data bytes starting at 41 and its CRC at 41 + 65536.

    func testBadCRCIsCorrupt() throws {
        var bytes = try Fixture.data("chelsea-224.png")
        bytes[41 + 1000] ^= 0x55
        let directory = try TemporaryDirectory()
        let path = try directory.write(bytes, to: "crc.png")
        assertReadFails(path) {
            if case .corrupt(path, let detail) = $0 { return detail.contains("CRC") }
            return false
        }
    }

    func testBrokenCompressedStreamWithValidCRCIsCorrupt() throws {
        var bytes = try Fixture.data("chelsea-224.png")
        bytes[41] = 0xFF // zlib header byte: invalid compression method
        bytes[42] = 0xFF
        fixCRC(&bytes, chunkAt: 33)
        let directory = try TemporaryDirectory()
        let path = try directory.write(bytes, to: "zlib.png")
        assertReadFails(path) { if case .corrupt(path, _) = $0 { return true } else { return false } }
    }

    func testInvalidHeaderWithValidCRCIsCorrupt() throws {
        var bytes = try Fixture.data("chelsea-224.png")
        bytes[16 + 8] = 7 // bit depth 7 does not exist
        fixCRC(&bytes, chunkAt: 8)
        let directory = try TemporaryDirectory()
        let path = try directory.write(bytes, to: "ihdr.png")
        assertReadFails(path) { if case .corrupt(path, _) = $0 { return true } else { return false } }
    }

    func testMissingImageDataIsCorrupt() throws {
        // Signature + IHDR + IEND: a complete file with no IDAT.
        let bytes = try Fixture.data("chelsea-224.png")
        let iend: [UInt8] = [0, 0, 0, 0] + Array("IEND".utf8)
        var file = Array(bytes[..<33]) + iend
        let crc = crc32(file[(file.count - 4)...])
        file += [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
        let directory = try TemporaryDirectory()
        let path = try directory.write(file, to: "noidat.png")
        assertReadFails(path) { if case .corrupt(path, _) = $0 { return true } else { return false } }
    }

    /// Recomputes the CRC of the chunk whose length field starts at `offset`.
    private func fixCRC(_ bytes: inout [UInt8], chunkAt offset: Int) {
        let length = bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
        let crc = crc32(bytes[(offset + 4)..<(offset + 8 + length)])
        for k in 0..<4 { bytes[offset + 8 + length + k] = UInt8(crc >> (24 - 8 * k) & 0xFF) }
    }
}
