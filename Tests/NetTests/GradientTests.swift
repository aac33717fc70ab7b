import Foundation
import Net
import XCTest

/// Every layer's backward against central finite differences of its forward, then the whole
/// network's input gradient along random directions.
final class GradientTests: XCTestCase {
    private var rng = SeededGenerator(21)

    /// Checks `⟨u, (f(x + εv) − f(x − εv)) / 2ε⟩ ≈ ⟨backward(u), v⟩` for random `u`, `v`.
    private func checkAdjoint(_ what: String, inputs: Int, outputs: Int, epsilon: Float = 1e-2, tolerance: Double = 1e-2,
                              x: [Float]? = nil, v direction: [Float]? = nil,
                              forward: ([Float]) -> [Float], backward: ([Float], [Float]) -> [Float]) {
        let x = x ?? randomFloats(inputs, -1...1, &rng)
        let v = direction ?? randomFloats(inputs, -1...1, &rng)
        let u = randomFloats(outputs, -1...1, &rng)
        let plus: [Float] = forward(zip(x, v).map { (a: Float, b: Float) -> Float in a + epsilon * b })
        let minus: [Float] = forward(zip(x, v).map { (a: Float, b: Float) -> Float in a - epsilon * b })
        var difference: Double = 0
        for k in 0..<outputs { difference += Double(u[k]) * Double(plus[k] - minus[k]) }
        let numeric: Double = difference / Double(2 * epsilon)
        let g: [Float] = backward(x, u)
        var analytic: Double = 0
        for k in 0..<inputs { analytic += Double(g[k]) * Double(v[k]) }
        let rel = abs(numeric - analytic) / max(abs(numeric), abs(analytic), 1e-6)
        XCTAssertLessThanOrEqual(rel, tolerance, "\(what): finite differences \(numeric), backward \(analytic)")
    }

    func testPointwiseBackward() {
        let (rows, cin, cout) = (23, 19, 37)
        let w = randomFloats(cout * cin, -1...1, &rng), b = randomFloats(cout, -1...1, &rng)
        checkAdjoint("pointwise", inputs: rows * cin, outputs: rows * cout, forward: { x in
            var y = [Float](repeating: 0, count: rows * cout)
            Pointwise.forward(input: x, rows: rows, inChannels: cin, weights: w, bias: b, outChannels: cout, relu6: false,
                              accumulate: false, output: &y)
            return y
        }, backward: { _, u in
            var g = [Float](repeating: .nan, count: rows * cin)
            Pointwise.backwardInput(gradOutput: u, rows: rows, outChannels: cout, weights: w, inChannels: cin, accumulate: false, gradInput: &g)
            return g
        })
    }

    func testDepthwiseBackward() {
        for (side, c, k, s) in [(9, 20, 3, 1), (10, 37, 5, 1), (11, 16, 3, 2), (12, 24, 5, 2), (40, 16, 3, 1), (7, 64, 5, 1)] {
            let g = ConvGeometry(inHeight: side, inWidth: side, kernel: k, stride: s)
            let w = randomFloats(k * k * c, -1...1, &rng), b = randomFloats(c, -1...1, &rng)
            let flipped = Depthwise.flipped(w, kernel: k, channels: c), zeros = [Float](repeating: 0, count: c)
            var scratch = [Float](repeating: .nan, count: max(1, Depthwise.scratchFloats(geometry: g, channels: c, inputRows: side)))
            checkAdjoint("depthwise \(side) c\(c) k\(k) s\(s)", inputs: 2 * g.inPixels * c, outputs: 2 * g.outPixels * c, forward: { x in
                var y = [Float](repeating: 0, count: 2 * g.outPixels * c)
                Depthwise.forward(input: x, images: 2, channels: c, geometry: g, weights: w, bias: b, relu6: false, output: &y)
                return y
            }, backward: { _, u in
                var gin = [Float](repeating: .nan, count: 2 * g.inPixels * c)
                scratch.withUnsafeMutableBufferPointer { sp in
                    Depthwise.backwardInput(gradOutput: u, images: 2, channels: c, geometry: g, weights: w, flippedWeights: flipped,
                                            zeros: zeros, scratch: sp.baseAddress, gradInput: &gin)
                }
                return gin
            })
        }
    }

    func testStemBackward() {
        for (side, k, s, cin, cout) in [(16, 3, 2, 3, 32), (13, 5, 1, 2, 20), (15, 3, 2, 3, 16)] {
            let g = ConvGeometry(inHeight: side, inWidth: side, kernel: k, stride: s)
            let w = randomFloats(cin * k * k * cout, -1...1, &rng), b = randomFloats(cout, -1...1, &rng)
            var columns = [Float](repeating: .nan, count: g.outPixels * cin * k * k)
            checkAdjoint("stem \(side) k\(k) s\(s)", inputs: 2 * cin * g.inPixels, outputs: 2 * g.outPixels * cout, forward: { x in
                var y = [Float](repeating: 0, count: 2 * g.outPixels * cout)
                StemConv.forward(input: x, images: 2, channels: cin, geometry: g, weights: w, bias: b, outChannels: cout,
                                 relu6: false, output: &y)
                return y
            }, backward: { _, u in
                var gin = [Float](repeating: .nan, count: 2 * cin * g.inPixels)
                StemConv.backwardInput(gradOutput: u, images: 2, channels: cin, geometry: g, weights: w, outChannels: cout,
                                       columns: &columns, gradInput: &gin)
                return gin
            })
        }
    }

    func testReLU6AndPoolingBackward() {
        // values kept ≥ 0.1 away from the kinks at 0 and 6 so ε = 0.01 never crosses one
        let n = 200
        let x = (0..<n).map { _ -> Float in
            var v: Float
            repeat { v = Float.random(in: -2...8, using: &rng) } while abs(v) < 0.1 || abs(v - 6) < 0.1
            return v
        }
        checkAdjoint("relu6", inputs: n, outputs: n, x: x, forward: { x in x.map { min(max($0, 0), 6) } }, backward: { x, u in
            var g = u
            let y = x.map { min(max($0, 0), 6) }
            Epilogue.relu6Backward(&g, output: y, count: n)
            return g
        })
        let (pixels, cols) = (10, 20)
        let bias = [Float](repeating: 0, count: cols)
        checkAdjoint("relu6 + mean pool", inputs: pixels * cols, outputs: cols, x: x, forward: { x in
            var data = x, pooled = [Float](repeating: 0, count: cols)
            Epilogue.biasReLU6Mean(&data, rows: 1, width: pixels, rowStride: pixels * cols, columns: cols, bias: bias, pooled: &pooled)
            return pooled
        }, backward: { x, u in
            var data = x, pooled = [Float](repeating: 0, count: cols), g = [Float](repeating: .nan, count: pixels * cols)
            Epilogue.biasReLU6Mean(&data, rows: 1, width: pixels, rowStride: pixels * cols, columns: cols, bias: bias, pooled: &pooled, keep: true)
            Epilogue.meanPoolReLU6Backward(pooledGrad: u, output: data, pixels: pixels, columns: cols, grad: &g)
            return g
        })
    }

    func testLogSoftmaxBackward() {
        let n = 30
        checkAdjoint("log-softmax", inputs: n, outputs: n, epsilon: 1e-2, forward: { z in
            var out = [Float](repeating: 0, count: n)
            LogSoftmax.forward(z.map { $0 * 4 }, count: n, output: &out)
            return out
        }, backward: { z, u in
            var ls = [Float](repeating: 0, count: n), g = [Float](repeating: 0, count: n)
            LogSoftmax.forward(z.map { $0 * 4 }, count: n, output: &ls)
            LogSoftmax.backward(output: ls, grad: u, count: n, gradLogits: &g)
            return g.map { $0 * 4 }
        })
    }

    /// The tiny random network's input gradient against central differences of the Double
    /// reference forward, along random directions, for a linear and a nonlinear objective.
    func testTinyNetInputGradient() throws {
        let tiny = TinyNet(seed: 22)
        let side = 33, size = 3 * side * side, batch = 3, classes = TinyNet.classes
        let model = try EfficientNetLite(checkpoint: tiny.checkpoint(), resolution: side)
        let input = randomFloats(batch * size, -1...1, &rng)
        let weights = randomFloats(batch * classes, -1...1, &rng)
        func referenceObjective(_ image: [Float], _ n: Int) -> Double {
            let z = tiny.referenceLogits(image, side: side)
            let m = z.max() ?? 0
            let lse = m + Foundation.log(z.reduce(0.0) { $0 + Foundation.exp($1 - m) })
            return (0..<classes).reduce(0.0) { $0 + Double(weights[n * classes + $1]) * (z[$1] - lse) }
        }
        for (threads, group) in [(1, 1), (2, 2), (1, 3)] {
            let session = try InferenceSession(model: model, threads: threads, tuning: ExecutionTuning(gradientGroup: group))
            let result = try session.inputGradient(input, batch: batch, logSoftmaxWeights: weights)
            assertClose(result.logits, try session.logits(input, batch: batch), 1e-5, "gradient pass logits")
            for n in 0..<batch {
                let x = input[(n * size)..<((n + 1) * size)].map(Double.init)
                let v = (0..<size).map { _ in Double.random(in: -1...1, using: &rng) }
                let eps = 1e-3
                let numeric = (referenceObjective(zip(x, v).map { Float($0 + eps * $1) }, n)
                    - referenceObjective(zip(x, v).map { Float($0 - eps * $1) }, n)) / (2 * eps)
                let analytic = (0..<size).reduce(0.0) { $0 + Double(result.gradient[n * size + $1]) * v[$1] }
                XCTAssertEqual(analytic, numeric, accuracy: 2e-3 * max(1, abs(numeric)), "image \(n) threads \(threads) group \(group)")
                XCTAssertEqual(Double(result.objective[n]), referenceObjective(Array(input[(n * size)..<((n + 1) * size)]), n), accuracy: 1e-4)
            }
        }
        // a nonlinear objective: log P(class 1 or class 3) = log(e^ls1 + e^ls3)
        let session = try InferenceSession(model: model, threads: 2)
        let merged = try session.inputGradient(input, batch: batch) { _, ls in
            let (a, b) = (Foundation.exp(Double(ls[1])), Foundation.exp(Double(ls[3])))
            var d = [Float](repeating: 0, count: ls.count)
            d[1] = Float(a / (a + b)); d[3] = Float(b / (a + b))
            return (Float(Foundation.log(a + b)), d)
        }
        let eps: Float = 1e-2
        let v = randomFloats(size, -1...1, &rng)
        let image = Array(input[0..<size])
        func objective(_ x: [Float]) throws -> Double {
            let ls = Probabilities.logSoftmax(try session.logits(x, batch: 1))
            return Foundation.log(Foundation.exp(Double(ls[1])) + Foundation.exp(Double(ls[3])))
        }
        let numeric = (try objective(zip(image, v).map { $0 + eps * $1 }) - objective(zip(image, v).map { $0 - eps * $1 })) / Double(2 * eps)
        let analytic = (0..<size).reduce(0.0) { $0 + Double(merged.gradient[$1]) * Double(v[$1]) }
        XCTAssertEqual(analytic, numeric, accuracy: 1e-2 * max(1, abs(numeric)))
        XCTAssertThrowsError(try session.inputGradient(input, batch: batch) { _, _ in (0, [1, 2]) }) { error in
            XCTAssertEqual(error as? NetError, .objectiveDerivativeCount(expected: classes, found: 2))
        }
    }

    /// Lite0 (real weights) at 72 px: the input gradient of log P(tiger cat) against central
    /// differences of the Double reference (ε = 1e-6, far below ReLU6's kink spacing, which at
    /// float precision makes finite differences of the deep net unreliable).
    func testLite0InputGradientAgainstDoubleReference() throws {
        let checkpoint = try TorchCheckpoint(contentsOf: try ModelLocator.locate(.lite0))
        let side = 72, size = 3 * side * side
        let model = try EfficientNetLite(checkpoint: checkpoint, resolution: side)
        let reference = ReferenceNet(checkpoint: checkpoint)
        let image = Fixture.preprocess(Fixture.resize(try Fixture.chelseaRGB(), from: 224, to: side), side: side)
        var weights = [Float](repeating: 0, count: 1000)
        weights[282] = 1
        let result = try InferenceSession(model: model, threads: 2).inputGradient(image, batch: 1, logSoftmaxWeights: weights)
        func objective(_ x: [Double]) -> Double {
            let z = reference.logits(x, side: side)
            let m = z.max() ?? 0
            return z[282] - m - Foundation.log(z.reduce(0.0) { $0 + Foundation.exp($1 - m) })
        }
        let x = image.map(Double.init)
        XCTAssertEqual(Double(result.objective[0]), objective(x), accuracy: 1e-4)
        for _ in 0..<2 {
            let v = (0..<size).map { _ in Double.random(in: -1...1, using: &rng) }
            let eps = 1e-6
            let numeric = (objective(zip(x, v).map { $0 + eps * $1 }) - objective(zip(x, v).map { $0 - eps * $1 })) / (2 * eps)
            let analytic = (0..<size).reduce(0.0) { $0 + Double(result.gradient[$1]) * v[$1] }
            XCTAssertEqual(analytic, numeric, accuracy: 1e-3 * max(1, abs(numeric)), "directional derivative")
        }
    }

    /// At full size the gradient pass's logits and objective agree with the forward pass.
    func testLite0GradientPassForwardAgrees() throws {
        let session = try InferenceSession(model: try Fixture.model(.lite0), threads: 2)
        let photo = Fixture.preprocess(try Fixture.chelseaRGB(), side: 224)
        var weights = [Float](repeating: 0, count: 2000)
        weights[282] = 1
        weights[1000 + 285] = -1
        let result = try session.inputGradient(photo + photo, batch: 2, logSoftmaxWeights: weights)
        let logits = try session.logits(photo, batch: 1)
        assertClose(result.logits, logits + logits, 1e-4, "logits")
        let ls = Probabilities.logSoftmax(logits)
        XCTAssertEqual(result.objective[0], ls[282], accuracy: 1e-4)
        XCTAssertEqual(result.objective[1], -ls[285], accuracy: 1e-4)
        XCTAssertGreaterThan(result.gradient.prefix(photo.count).map { abs($0) }.max() ?? 0, 0)
    }
}
