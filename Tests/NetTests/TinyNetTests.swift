import Foundation
import Net
import XCTest

/// A random small network built from a checkpoint the test writes: the block table, key and
/// shape validation, and the optimised forward pass against a plain reference.
final class TinyNetTests: XCTestCase {
    func testBlockTableFromShapes() throws {
        let arch = try Architecture(checkpoint: TinyNet(seed: 1).checkpoint())
        XCTAssertEqual(arch.stemChannels, 8)
        XCTAssertEqual(arch.blocks.map(\.stride), [1, 2, 1, 2, 1])
        XCTAssertEqual(arch.blocks.map(\.kernel), [3, 5, 3, 5, 3])
        XCTAssertEqual(arch.blocks.map(\.residual), [false, false, true, false, true])
        XCTAssertEqual(arch.blocks.map(\.hasExpansion), [false, true, true, true, true])
        XCTAssertEqual(arch.headChannels, 16)
        XCTAssertEqual(arch.classCount, 5)
        XCTAssertNil(arch.variant)
    }

    func testForwardMatchesReference() throws {
        let tiny = TinyNet(seed: 2)
        let checkpoint = try tiny.checkpoint()
        var rng = SeededGenerator(3)
        // 33 px keeps every depthwise input narrow (padded path); 70 px makes the early ones wide
        for side in [33, 70] {
            let model = try EfficientNetLite(checkpoint: checkpoint, resolution: side)
            let batch = 3
            let input = randomFloats(batch * 3 * side * side, -1...1, &rng)
            let size = 3 * side * side
            var reference: [Double] = []
            for n in 0..<batch {
                let image = Array(input[(n * size)..<((n + 1) * size)])
                reference += tiny.referenceLogits(image, side: side)
            }
            let tunings = [
                ExecutionTuning(),
                ExecutionTuning(group: 1, lateSide: 0),
                ExecutionTuning(group: 2, lateSide: 1000),
                // tiny budgets: one-row strips, windows that slide
                ExecutionTuning(group: 2, lateSide: 9, windowBudget: 64, lateWindowBudget: 64),
            ]
            for tuning in tunings {
                for threads in [1, 2] {
                    let session = try InferenceSession(model: model, threads: threads, tuning: tuning)
                    let logits = try session.logits(input, batch: batch)
                    let err = zip(logits, reference).map { abs(Double($0) - $1) }.max() ?? .infinity
                    XCTAssertLessThan(err, 1e-4, "side \(side) threads \(threads) \(tuning)")
                }
            }
        }
    }

    func testMissingTensorIsNamed() throws {
        var tiny = TinyNet(seed: 4)
        tiny.writer.entries.removeAll { $0.name == "_blocks.2._bn1.running_var" }
        XCTAssertThrowsError(try EfficientNetLite(checkpoint: tiny.checkpoint(), resolution: 33)) { error in
            XCTAssertEqual(error as? NetError, .missingTensor(key: "_blocks.2._bn1.running_var", path: "tiny.pth"))
            XCTAssertTrue("\(error)".contains("scripts/setup"))
        }
    }

    func testWrongShapeIsNamed() throws {
        var tiny = TinyNet(seed: 5)
        let i = try XCTUnwrap(tiny.writer.entries.firstIndex { $0.name == "_blocks.1._project_conv.weight" })
        tiny.writer.entries[i].shape = [6, 20, 1, 1]   // input channels should be 24
        tiny.writer.entries[i].values = Array(repeating: 0.1, count: 120)
        tiny.writer.entries[i].permutation = nil
        XCTAssertThrowsError(try EfficientNetLite(checkpoint: tiny.checkpoint(), resolution: 33)) { error in
            XCTAssertEqual(error as? NetError, .shapeMismatch(key: "_blocks.1._project_conv.weight", expected: [6, 24, 1, 1], found: [6, 20, 1, 1]))
        }
        var bn = TinyNet(seed: 6)
        let j = try XCTUnwrap(bn.writer.entries.firstIndex { $0.name == "_bn1.bias" })
        bn.writer.entries[j].shape = [15]
        bn.writer.entries[j].values.removeLast()
        XCTAssertThrowsError(try EfficientNetLite(checkpoint: bn.checkpoint(), resolution: 33)) { error in
            XCTAssertEqual(error as? NetError, .shapeMismatch(key: "_bn1.bias", expected: [16], found: [15]))
        }
    }

    func testVariantMismatchAndBadArguments() throws {
        let checkpoint = try TinyNet(seed: 7).checkpoint()
        XCTAssertThrowsError(try EfficientNetLite(checkpoint: checkpoint, resolution: 224, variant: .lite0)) { error in
            guard case NetError.unsupportedArchitecture = error else { return XCTFail("\(error)") }
        }
        let model = try EfficientNetLite(checkpoint: checkpoint, resolution: 33)
        XCTAssertThrowsError(try InferenceSession(model: model, threads: 0))
        let session = try InferenceSession(model: model)
        XCTAssertThrowsError(try session.logits([Float](repeating: 0, count: 5), batch: 1)) { error in
            XCTAssertEqual(error as? NetError, .inputSizeMismatch(expected: 3 * 33 * 33, found: 5))
        }
        XCTAssertThrowsError(try session.logits([], batch: 0))
    }
}
