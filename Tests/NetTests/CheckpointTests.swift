import Foundation
import Net
import XCTest

/// The legacy `torch.save` reader on files the test writes itself, valid and damaged.
final class CheckpointTests: XCTestCase {
    private func sample() -> LegacyTorchWriter {
        var w = LegacyTorchWriter()
        w.add("a.weight", [2, 3], [1, 2, 3, 4, 5, 6])
        w.add("b.weight", [2, 3, 2, 2], (0..<24).map { Float($0) * 0.5 - 3 }, permutation: [2, 3, 1, 0])
        w.add("c.bias", [4], [-1, 0.25, 1e-7, 3e8], offset: 3)
        w.addCounter("bn.num_batches_tracked", 12345)
        return w
    }

    func testReadsTensorsShapesAndOrder() throws {
        let ck = try TorchCheckpoint(bytes: sample().bytes(), path: "sample.pth")
        XCTAssertEqual(ck.names, ["a.weight", "b.weight", "c.bias", "bn.num_batches_tracked"])
        XCTAssertEqual(try ck.tensor("a.weight"), TorchTensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]))
        // a permuted (channels-last) view comes back in row-major order
        XCTAssertEqual(try ck.tensor("b.weight").values, (0..<24).map { Float($0) * 0.5 - 3 })
        XCTAssertEqual(try ck.tensor("c.bias").values, [-1, 0.25, 1e-7, 3e8])
        let counter = try ck.tensor("bn.num_batches_tracked")
        XCTAssertEqual(counter.shape, [])
        XCTAssertEqual(counter.element, .int64)
        XCTAssertEqual(counter.values, [12345])
    }

    func testReadsWithoutMetadataBuild() throws {
        var w = sample()
        w.withMetadata = false
        XCTAssertEqual(try TorchCheckpoint(bytes: w.bytes(), path: "x").names.count, 4)
    }

    func testEveryTruncationIsAnErrorNamingTheFile() throws {
        let bytes = sample().bytes()
        for length in Array(0..<200) + Array(stride(from: 200, to: bytes.count, by: 7)) {
            XCTAssertThrowsError(try TorchCheckpoint(bytes: Array(bytes.prefix(length)), path: "cut.pth"), "length \(length)") { error in
                guard case let NetError.checkpointInvalid(path, _, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(path, "cut.pth")
                XCTAssertTrue("\(error)".contains("scripts/setup"), "\(error)")
            }
        }
    }

    func testDamagedFilesAreErrors() throws {
        let good = sample().bytes()
        func reason(_ bytes: [UInt8]) -> String {
            do {
                _ = try TorchCheckpoint(bytes: bytes, path: "bad.pth")
                return "no error"
            } catch { return "\(error)" }
        }
        var wrongMagic = good
        wrongMagic[5] ^= 0xFF
        XCTAssertTrue(reason(wrongMagic).contains("magic"), reason(wrongMagic))
        XCTAssertTrue(reason(Array("PK\u{3}\u{4}rest of a zip".utf8)).contains("zip"))
        XCTAssertTrue(reason(Array("hello, not a checkpoint".utf8)).contains("pickle"))
        XCTAssertTrue(reason(good + [0, 0, 0]).contains("unexpected bytes"))
        // an opcode the reader does not know (BINFLOAT) in place of the first tensor's name
        var opcode = good
        let at = try XCTUnwrap(firstIndex(of: Array("a.weight".utf8), in: opcode)) - 5
        opcode[at] = 0x47
        XCTAssertTrue(reason(opcode).contains("opcode 0x47"), reason(opcode))
        // a storage whose element count disagrees with its header
        var count = good
        let storageSection = (8 + 6 * 4) + (8 + 24 * 4) + (8 + 7 * 4) + (8 + 8)
        count[good.count - storageSection] = 5
        XCTAssertTrue(reason(count).contains("elements"), reason(count))
        // a global outside the state-dict vocabulary
        var global = good
        let g = try XCTUnwrap(firstIndex(of: Array("_rebuild_tensor_v2".utf8), in: global))
        global.replaceSubrange(g..<(g + 6), with: Array("system".utf8))
        XCTAssertTrue(reason(global).contains("refusing global"), reason(global))
    }

    func testViewOutsideItsStorageIsAnError() throws {
        var w = LegacyTorchWriter()
        w.add("t", [3], [1, 2, 3])
        var bytes = w.bytes()
        // the pickled offset (BININT1 0 after BINPERSID) → 2: elements 2..4 of a 3-element storage
        let persid = try XCTUnwrap(bytes.firstIndex(of: 0x51))
        XCTAssertEqual(bytes[persid + 1], 0x4B)
        bytes[persid + 2] = 2
        XCTAssertThrowsError(try TorchCheckpoint(bytes: bytes, path: "v.pth")) { error in
            XCTAssertTrue("\(error)".contains("storage"), "\(error)")
        }
    }

    func testMissingFileIsUnreadable() {
        XCTAssertThrowsError(try TorchCheckpoint(contentsOf: "/nonexistent/weights.pth")) { error in
            XCTAssertEqual(error as? NetError, .checkpointUnreadable(path: "/nonexistent/weights.pth", reason: "no such file"))
        }
    }

    func testRealLite0Checkpoint() throws {
        let path = try ModelLocator.locate(.lite0)
        let ck = try TorchCheckpoint(contentsOf: path)
        XCTAssertEqual(ck.names.count, 296)
        XCTAssertEqual(ck.tensors.values.reduce(0) { $0 + $1.values.count }, 4_694_073)
        XCTAssertEqual(ck.tensors.values.filter { $0.element == .int64 }.count, 49)  // num_batches_tracked
        XCTAssertEqual(try ck.tensor("_conv_stem.weight").shape, [32, 3, 3, 3])
        XCTAssertEqual(try ck.tensor("_bn0.num_batches_tracked").element, .int64)
    }

    private func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        return (0...(haystack.count - needle.count)).first { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }
}
