import Foundation
import Net
import XCTest

/// The feature-statistics prior (`StatisticsPrior`): its value and terms against the Double
/// reference's slow batch statistics, its input gradient (alone and added to an objective's)
/// against central differences of the Double reference, on TinyNet and on Lite0, for batches
/// split over workers and groups in every way; and a weight of 0 leaves the objective's
/// gradient bit for bit as without the prior.
final class StatisticsPriorTests: XCTestCase {
    private var rng = SeededGenerator(61)

    /// (threads, gradient group): one worker and one group; two workers whose groups are
    /// recomputed in the second round; a group holding the whole batch.
    private static let tunings = [(1, 1), (2, 1), (2, 2), (1, 3)]

    private func images(_ input: [Float], batch: Int) -> [[Double]] {
        let size = input.count / batch
        return (0..<batch).map { n in input[(n * size)..<((n + 1) * size)].map(Double.init) }
    }

    /// `⟨v, ∂J/∂x⟩` by central differences of `J` along `v` (all images at once).
    private func directional(_ x: [[Double]], _ v: [[Double]], eps: Double, _ j: ([[Double]]) -> Double) -> Double {
        let plus = zip(x, v).map { zip($0, $1).map { $0 + eps * $1 } }, minus = zip(x, v).map { zip($0, $1).map { $0 - eps * $1 } }
        return (j(plus) - j(minus)) / (2 * eps)
    }

    private func dot(_ gradient: [Float], _ v: [[Double]]) -> Double {
        let flat = v.flatMap { $0 }
        return zip(gradient, flat).reduce(0.0) { $0 + Double($1.0) * $1.1 }
    }

    private func assertTerms(_ value: PriorValue?, _ reference: [ReferenceNet.PriorTermReference], accuracy: Double,
                             _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let value else { return XCTFail("\(what): no prior value", file: file, line: line) }
        XCTAssertEqual(value.terms.map(\.layer.description), reference.map(\.name), what, file: file, line: line)
        for (t, r) in zip(value.terms, reference) {
            XCTAssertEqual(t.factor, r.factor, "\(what) \(r.name) factor", file: file, line: line)
            XCTAssertEqual(t.meanDistance, r.meanDistance, accuracy: accuracy * max(1, r.meanDistance), "\(what) \(r.name) mean", file: file, line: line)
            XCTAssertEqual(t.deviationDistance, r.deviationDistance, accuracy: accuracy * max(1, r.deviationDistance),
                           "\(what) \(r.name) std", file: file, line: line)
        }
        let total = reference.reduce(0) { $0 + $1.value }
        XCTAssertEqual(value.value, total, accuracy: accuracy * max(1, total), "\(what) value", file: file, line: line)
    }

    // MARK: - TinyNet

    func testTinyNetPriorValueMatchesReference() throws {
        let tiny = TinyNet(seed: 62)
        let side = 33, batch = 3
        let model = try EfficientNetLite(checkpoint: tiny.checkpoint(), resolution: side)
        let reference = ReferenceNet(tensors: tiny.tensors)
        let input = randomFloats(batch * model.inputSize, -1...1, &rng)
        let x = images(input, batch: batch)
        let all = reference.statisticsPrior(x, side: side)
        XCTAssertEqual(all.count, 1 + 14 + 1, "stem, 5 blocks (one without expansion), head")
        for (threads, group) in Self.tunings {
            let session = try InferenceSession(model: model, threads: threads, tuning: ExecutionTuning(gradientGroup: group))
            assertTerms(try session.statisticsPrior(input, batch: batch), all, accuracy: 1e-5, "threads \(threads) group \(group)")
        }
        // a selection: blocks 1..<3 only, without stem and head
        let session = try InferenceSession(model: model, threads: 2, tuning: ExecutionTuning(gradientGroup: 1))
        let some = StatisticsPrior(blocks: 1..<3, stem: false, head: false)
        XCTAssertEqual(some.layers(of: model.architecture).map(\.description),
                       ["block_01.expand", "block_01.depthwise", "block_01.project", "block_02.expand", "block_02.depthwise", "block_02.project"])
        assertTerms(try session.statisticsPrior(input, batch: batch, prior: some),
                    reference.statisticsPrior(x, side: side) { $0.hasPrefix("block_01") || $0.hasPrefix("block_02") },
                    accuracy: 1e-5, "blocks 1..<3")
        // a single image is its own batch
        assertTerms(try session.statisticsPrior(Array(input.prefix(model.inputSize)), batch: 1),
                    reference.statisticsPrior([x[0]], side: side), accuracy: 1e-5, "one image")
        XCTAssertThrowsError(try session.statisticsPrior(input, batch: batch, prior: StatisticsPrior(blocks: 2..<9))) { error in
            XCTAssertEqual(error as? NetError, .invalidArgument(name: "prior blocks upper bound", value: 9, reason: "the block range must lie in 0...5"))
        }
    }

    /// `Σ_n objective_n − w · P` on TinyNet against central differences of the Double reference.
    func testTinyNetGradientWithPriorMatchesFiniteDifferences() throws {
        let tiny = TinyNet(seed: 63)
        let side = 33, batch = 3, classes = TinyNet.classes
        let model = try EfficientNetLite(checkpoint: tiny.checkpoint(), resolution: side)
        let reference = ReferenceNet(tensors: tiny.tensors)
        let input = randomFloats(batch * model.inputSize, -1...1, &rng)
        let weights = randomFloats(batch * classes, -1...1, &rng)
        let x = images(input, batch: batch)
        let w: Float = 0.7
        func j(_ y: [[Double]]) -> Double {
            var total = 0.0
            for (n, image) in y.enumerated() {
                let z = reference.logits(image, side: side)
                let m = z.max() ?? 0
                let lse = m + Foundation.log(z.reduce(0.0) { $0 + Foundation.exp($1 - m) })
                total += (0..<classes).reduce(0.0) { $0 + Double(weights[n * classes + $1]) * (z[$1] - lse) }
            }
            return total - Double(w) * reference.statisticsPriorValue(y, side: side)
        }
        let v = (0..<batch).map { _ in (0..<model.inputSize).map { _ in Double.random(in: -1...1, using: &rng) } }
        let numeric = directional(x, v, eps: 1e-6, j)
        let priorOnly = directional(x, v, eps: 1e-6) { -Double(w) * reference.statisticsPriorValue($0, side: side) }
        XCTAssertGreaterThan(abs(priorOnly), 1e-2, "the prior moves along v")
        for (threads, group) in Self.tunings {
            let session = try InferenceSession(model: model, threads: threads, tuning: ExecutionTuning(gradientGroup: group))
            let result = try session.inputGradient(input, batch: batch, logSoftmaxWeights: weights, prior: StatisticsPrior(weight: w))
            XCTAssertEqual(dot(result.gradient, v), numeric, accuracy: 1e-3 * max(1, abs(numeric)), "threads \(threads) group \(group)")
            let alone = try session.inputGradient(input, batch: batch, logSoftmaxWeights: [Float](repeating: 0, count: batch * classes),
                                                  prior: StatisticsPrior(weight: w))
            XCTAssertEqual(dot(alone.gradient, v), priorOnly, accuracy: 1e-3 * max(1, abs(priorOnly)), "prior alone, threads \(threads) group \(group)")
            assertClose(result.logits, try session.logits(input, batch: batch), 1e-5, "logits")
        }
    }

    /// A feature objective that stops at block 1 with a prior on blocks 2..<4 and the head: the
    /// pass runs as deep as the prior needs, and the head's term flows back without the FC.
    func testTinyNetPriorBeyondTheTappedBlocks() throws {
        let tiny = TinyNet(seed: 64)
        let side = 33, batch = 2
        let model = try EfficientNetLite(checkpoint: tiny.checkpoint(), resolution: side)
        let reference = ReferenceNet(tensors: tiny.tensors)
        let input = randomFloats(batch * model.inputSize, -1...1, &rng)
        let x = images(input, batch: batch)
        let prior = StatisticsPrior(weight: 2, blocks: 2..<4, stem: false, head: true)
        let counted: (String) -> Bool = { $0.hasPrefix("block_02") || $0.hasPrefix("block_03") || $0 == "head" }
        // block 1's output: HWC in the engine, CHW in the reference
        let probe = model.architecture.blocks[1].outputChannels
        let blockSize = try InferenceSession(model: model).features(input, batch: batch, taps: FeatureTaps(blocks: [1], output: false))[0].blocks[0].count
        let u = randomFloats(blockSize, -1...1, &rng)
        func j(_ y: [[Double]]) -> Double {
            var total = 0.0
            for image in y {
                let b = reference.features(image, side: side).blocks[1]
                let pixels = b.h * b.w
                for p in 0..<pixels { for c in 0..<probe { total += Double(u[p * probe + c]) * b.data[c * pixels + p] } }
            }
            return total - Double(prior.weight) * reference.statisticsPriorValue(y, side: side, counted: counted)
        }
        let v = (0..<batch).map { _ in (0..<model.inputSize).map { _ in Double.random(in: -1...1, using: &rng) } }
        let numeric = directional(x, v, eps: 1e-6, j)
        for (threads, group) in Self.tunings {
            let session = try InferenceSession(model: model, threads: threads, tuning: ExecutionTuning(gradientGroup: group))
            let result = try session.featureGradient(input, batch: batch, taps: FeatureTaps(blocks: [1], output: false), prior: prior) { _, f in
                FeatureDerivative(value: zip(f.blocks[0], u).reduce(0) { $0 + $1.0 * $1.1 }, blocks: [u])
            }
            XCTAssertEqual(dot(result.gradient, v), numeric, accuracy: 1e-3 * max(1, abs(numeric)), "threads \(threads) group \(group)")
            assertTerms(result.prior, reference.statisticsPrior(x, side: side, counted: counted), accuracy: 1e-5, "terms")
        }
    }

    /// Weight 0: the prior is computed, and the objective's values, logits and gradient are bit
    /// for bit those of the pass without it (TinyNet and Lite0, groups recomputed or kept).
    func testZeroWeightLeavesTheObjectiveGradientBitIdentical() throws {
        let tiny = TinyNet(seed: 65)
        let lite0 = try EfficientNetLite(checkpoint: TorchCheckpoint(contentsOf: try ModelLocator.locate(.lite0)), resolution: 72)
        for (model, batch) in [(try EfficientNetLite(checkpoint: tiny.checkpoint(), resolution: 33), 3), (lite0, 3)] {
            let classes = model.classCount
            let input = randomFloats(batch * model.inputSize, -1...1, &rng)
            let weights = randomFloats(batch * classes, -1...1, &rng)
            for (threads, group) in Self.tunings {
                let session = try InferenceSession(model: model, threads: threads, tuning: ExecutionTuning(gradientGroup: group))
                let plain = try session.inputGradient(input, batch: batch, logSoftmaxWeights: weights)
                let zero = try session.inputGradient(input, batch: batch, logSoftmaxWeights: weights, prior: StatisticsPrior(weight: 0))
                let what = "\(model.architecture.blocks.count) blocks, threads \(threads) group \(group)"
                XCTAssertNil(plain.prior)
                XCTAssertGreaterThan(zero.prior?.value ?? 0, 0, what)
                XCTAssertEqual(zero.gradient.map(\.bitPattern), plain.gradient.map(\.bitPattern), what)
                XCTAssertEqual(zero.logits.map(\.bitPattern), plain.logits.map(\.bitPattern), what)
                XCTAssertEqual(zero.objective.map(\.bitPattern), plain.objective.map(\.bitPattern), what)
                let weighted = try session.inputGradient(input, batch: batch, logSoftmaxWeights: weights, prior: StatisticsPrior(weight: 1))
                XCTAssertNotEqual(weighted.gradient, plain.gradient, "a weight of 1 does move the gradient")
            }
        }
    }

    // MARK: - Lite0

    /// Lite0 (real weights) at 72 px on a batch of two pictures: every term against the Double
    /// reference, and the gradient of `log P(tiger cat) − P` (and of `−P` alone) against central
    /// differences of the Double reference (ε = 1e-6, as in GradientTests).
    func testLite0PriorValueAndGradientAgainstDoubleReference() throws {
        let checkpoint = try TorchCheckpoint(contentsOf: try ModelLocator.locate(.lite0))
        let side = 72, size = 3 * side * side, batch = 2
        let model = try EfficientNetLite(checkpoint: checkpoint, resolution: side)
        let reference = ReferenceNet(checkpoint: checkpoint)
        let photo = Fixture.preprocess(Fixture.resize(try Fixture.chelseaRGB(), from: 224, to: side), side: side)
        // the second picture: the photo mirrored with its colour planes rotated
        var other = [Float](repeating: 0, count: size)
        for c in 0..<3 {
            for y in 0..<side { for x in 0..<side { other[((c + 1) % 3) * side * side + y * side + x] = photo[c * side * side + y * side + side - 1 - x] } }
        }
        let input = photo + other
        let x = images(input, batch: batch)
        var weights = [Float](repeating: 0, count: batch * 1000)
        weights[282] = 1
        weights[1000 + 285] = 1
        let session = try InferenceSession(model: model, threads: 2, tuning: ExecutionTuning(gradientGroup: 1))
        let result = try session.inputGradient(input, batch: batch, logSoftmaxWeights: weights, prior: StatisticsPrior(weight: 1))
        let terms = reference.statisticsPrior(x, side: side)
        XCTAssertEqual(terms.count, 1 + 16 * 2 + 15 + 1, "stem, depthwise and project of 16 blocks, 15 expands, head")
        assertTerms(result.prior, terms, accuracy: 1e-4, "Lite0")
        func objective(_ y: [[Double]]) -> Double {
            zip(y, [282, 285]).reduce(0.0) { total, pair in
                let z = reference.logits(pair.0, side: side)
                let m = z.max() ?? 0
                return total + z[pair.1] - m - Foundation.log(z.reduce(0.0) { $0 + Foundation.exp($1 - m) })
            }
        }
        let v = (0..<batch).map { _ in (0..<size).map { _ in Double.random(in: -1...1, using: &rng) } }
        let prior = directional(x, v, eps: 1e-6) { -reference.statisticsPriorValue($0, side: side) }
        let numeric = directional(x, v, eps: 1e-6, objective) + prior
        XCTAssertEqual(dot(result.gradient, v), numeric, accuracy: 1e-3 * max(1, abs(numeric)), "objective − prior")
        let alone = try session.inputGradient(input, batch: batch, logSoftmaxWeights: [Float](repeating: 0, count: batch * 1000),
                                              prior: StatisticsPrior(weight: 1))
        XCTAssertEqual(dot(alone.gradient, v), prior, accuracy: 1e-3 * max(1, abs(prior)), "prior alone")
    }
}
