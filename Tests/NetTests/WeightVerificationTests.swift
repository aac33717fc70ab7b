import Foundation
import Net
import XCTest

/// Weight files are checked against the SHA-256 prefix in their names, once, then by stamp.
final class WeightVerificationTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "weights-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(atPath: directory) }

    func testSHA256MatchesStandardVectors() {
        XCTAssertEqual(WeightVerifier.sha256Hex((Array("".utf8))),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(WeightVerifier.sha256Hex((Array("abc".utf8))),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(WeightVerifier.sha256Hex((Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        // One million 'a', fed in uneven pieces (streaming across block boundaries).
        var pieces: [[UInt8]] = []
        var left = 1_000_000, piece = 1
        while left > 0 {
            let n = min(piece, left)
            pieces.append([UInt8](repeating: 0x61, count: n))
            left -= n
            piece = piece * 3 % 997 + 1
        }
        XCTAssertEqual(WeightVerifier.sha256Hex(pieces: pieces),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testSHA256AgreesWithSha256sumAroundBlockBoundaries() throws {
        let tool = "/usr/bin/sha256sum"
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: tool), "no sha256sum")
        var rng = SeededGenerator(77)
        for length in [1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 4097] {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let path = directory + "/blob-\(length)"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let process = Process()
            let pipe = Pipe()
            process.executableURL = URL(fileURLWithPath: tool)
            process.arguments = [path]
            process.standardOutput = pipe
            try process.run()
            process.waitUntilExit()
            let oracle = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64)
            let digest = try WeightVerifier.sha256(ofFileAt: path).map { String(format: "%02x", $0) }.joined()
            XCTAssertEqual(digest, String(oracle), "length \(length)")
        }
    }

    func testPrefixIsReadFromTheName() {
        XCTAssertEqual(WeightVerifier.expectedPrefix(ofFileNamed: "efficientnet-lite0-57934424.pth"), "57934424")
        XCTAssertEqual(WeightVerifier.expectedPrefix(ofFileNamed: "efficientnet-lite2-9656183E.pth"), "9656183e")
        XCTAssertNil(WeightVerifier.expectedPrefix(ofFileNamed: "efficientnet-lite0-custom.pth"))
        XCTAssertNil(WeightVerifier.expectedPrefix(ofFileNamed: "efficientnet-lite0-1234.pth"))
        XCTAssertNil(WeightVerifier.expectedPrefix(ofFileNamed: "weights.bin"))
    }

    /// A small checkpoint, written under its true prefix and under a wrong one.
    func testRightPrefixIsAcceptedWrongPrefixRefused() throws {
        let bytes = try tinyCheckpoint()
        let digest = WeightVerifier.sha256Hex((bytes))
        let good = try write(bytes, as: "efficientnet-lite0-\(digest.prefix(8)).pth")
        XCTAssertNoThrow(try WeightVerifier.verify(good))
        let wrong = digest.first == "0" ? "1" + digest.dropFirst().prefix(7) : "0" + digest.dropFirst().prefix(7)
        let bad = try write(bytes, as: "efficientnet-lite0-\(wrong).pth")
        XCTAssertThrowsError(try WeightVerifier.verify(bad)) { error in
            XCTAssertEqual(error as? NetError, .weightsCorrupted(path: bad, expected: String(wrong),
                                                                 found: String(digest.prefix(8))))
            XCTAssertTrue("\(error)".contains("scripts/setup") && "\(error)".contains(bad), "\(error)")
        }
        let unnamed = try write(bytes, as: "efficientnet-lite0-mine.pth")
        XCTAssertThrowsError(try WeightVerifier.verify(unnamed)) { error in
            guard case NetError.weightsUnverifiable(unnamed, _) = error else { return XCTFail("\(error)") }
        }
        // The loader checks before it parses: a damaged file never reaches the network builder.
        XCTAssertThrowsError(try EfficientNetLite.load(contentsOf: bad, variant: .lite0)) { error in
            guard case NetError.weightsCorrupted = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try EfficientNetLite.load(contentsOf: good, variant: .lite0)) { error in
            guard case NetError.missingTensor("_conv_stem.weight", good) = error else {
                return XCTFail("expected to pass verification and fail on the tiny file's tensors: \(error)")
            }
        }
    }

    func testVerdictIsCachedAndAFlippedByteInvalidatesIt() throws {
        var bytes = try tinyCheckpoint()
        let digest = WeightVerifier.sha256Hex((bytes))
        let path = try write(bytes, as: "efficientnet-lite0-\(digest.prefix(8)).pth")
        try WeightVerifier.verify(path)
        let cache = try String(contentsOfFile: directory + "/" + WeightVerifier.cacheFileName, encoding: .utf8)
        XCTAssertTrue(cache.contains(digest) && cache.contains("efficientnet-lite0-\(digest.prefix(8)).pth"), cache)

        // The cached verdict is what is used: a copy under a wrong prefix whose cache line
        // (matching its size and mtime) claims that prefix passes without being hashed.
        let copy = try write(bytes, as: "efficientnet-lite0-00000000.pth")
        XCTAssertThrowsError(try WeightVerifier.verify(copy, useCache: false))
        var info = stat()
        XCTAssertEqual(stat(copy, &info), 0)
        #if os(Linux)
        let mtime = info.st_mtim
        #else
        let mtime = info.st_mtimespec
        #endif
        let claim = "\(info.st_size) \(mtime.tv_sec) \(mtime.tv_nsec) "
            + String(repeating: "0", count: 64) + " efficientnet-lite0-00000000.pth\n"
        try (cache + claim).write(toFile: directory + "/.verified", atomically: true, encoding: .utf8)
        XCTAssertNoThrow(try WeightVerifier.verify(copy))

        let size = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        let modified = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date)

        // Flip one byte in the tensor data (same size; the write moves the modification time).
        Thread.sleep(forTimeInterval: 0.05)
        bytes[bytes.count - 3] ^= 0x01
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: UInt64(bytes.count - 3))
        try handle.write(contentsOf: [bytes[bytes.count - 3]])
        try handle.close()
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual(attributes[.size] as? Int, size)
        XCTAssertNotEqual(attributes[.modificationDate] as? Date, modified)
        XCTAssertThrowsError(try WeightVerifier.verify(path)) { error in
            guard case NetError.weightsCorrupted = error else { return XCTFail("\(error)") }
        }
    }

    func testRealWeightsVerify() throws {
        let path = try ModelLocator.locate(.lite0)
        let start = Date()
        try WeightVerifier.verify(path, useCache: false)
        let hashSeconds = Date().timeIntervalSince(start)
        try WeightVerifier.verify(path)          // writes the cache (if the directory allows)
        let cachedStart = Date()
        try WeightVerifier.verify(path)
        print("SHA-256 of \(path): \(String(format: "%.3f", hashSeconds)) s uncached, "
              + "\(String(format: "%.4f", Date().timeIntervalSince(cachedStart))) s cached")
    }

    // MARK: Helpers

    private func tinyCheckpoint() throws -> [UInt8] {
        var w = LegacyTorchWriter()
        w.add("a.weight", [2, 3], [1, 2, 3, 4, 5, 6])
        w.add("b.bias", [64], (0..<64).map { Float($0) / 7 })
        return w.bytes()
    }

    private func write(_ bytes: [UInt8], as name: String) throws -> String {
        let path = directory + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
