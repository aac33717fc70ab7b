import Foundation
import Imaging
import Net
import Scoring
import XCTest

/// Each objective kind's pixel gradient on the real networks (Lite0 at 64 px, Lite1 at 72 px)
/// against central differences of the Double reference network (ε = 1e-6, as in
/// EnsembleGradientTests), with the objective recomputed in Double from the reference's block
/// outputs, pooled features and logits: a channel, a neuron, DeepDream, a logit, a photo match,
/// a style and a class, each resolved from its written form.
final class FeatureGradientTests: XCTestCase {
    struct Network {
        let model: EfficientNetLite
        let reference: ReferenceNet
        var side: Int { model.resolution }
    }

    static let networks: [Network] = {
        [(ModelVariant.lite0, 64), (.lite1, 72)].map { variant, side in
            let checkpoint = try! TorchCheckpoint(contentsOf: try! ModelLocator.locate(variant))
            return Network(model: try! EfficientNetLite(checkpoint: checkpoint, resolution: side),
                           reference: ReferenceNet(checkpoint: checkpoint))
        }
    }()

    /// The photo at `side`², squeezed into [0.05, 0.95] so that preprocessing never clamps.
    static func photo(side: Int) throws -> Image {
        let rgb = Fixture.resize(try Fixture.chelseaRGB(), from: 224, to: side)
        var x = Image(width: side, height: side)
        for c in 0..<3 {
            for p in 0..<(side * side) { x.pixels[c * side * side + p] = 0.05 + 0.9 * Float(rgb[p * 3 + c]) / 255 }
        }
        return x
    }

    /// A second picture for match and style: the photo mirrored with its colours rotated.
    static func otherPicture(side: Int) throws -> Image {
        let p = try photo(side: side), plane = side * side
        var out = Image(width: side, height: side)
        for c in 0..<3 {
            for y in 0..<side {
                for x in 0..<side { out.pixels[c * plane + y * side + x] = p.pixels[((c + 1) % 3) * plane + y * side + (side - 1 - x)] }
            }
        }
        return out
    }

    func check(_ text: String, network k: Int = 0, reference objective: (ReferenceNet.Tensor3Features, Objective) -> Double,
               file: StaticString = #filePath, line: UInt = #line) throws {
        let scorer = Scorer(sessions: try Self.networks.map { try InferenceSession(model: $0.model) })
        let resolved = try ObjectiveText(parsing: text).resolve(names: try ImageNetClasses.bundled(), scorer: scorer) { _ in
            try Self.otherPicture(side: 96)
        }
        let net = Self.networks[k], side = net.side
        let x = try Self.photo(side: side)
        let (values, gradients) = try scorer.gradient([x], objective: resolved, network: k)
        var rng = SeededGenerator(41)
        let d = (0..<x.pixels.count).map { _ in Double.random(in: -1...1, using: &rng) }
        let analytic = zip(gradients[0].pixels, d).reduce(0.0) { $0 + Double($1.0) * $1.1 }
        func g(_ y: [Double]) -> Double {
            let f = net.reference.features(y.map { $0 * Double(Preprocess.scale) + Double(Preprocess.offset) }, side: side)
            return objective(f, resolved)
        }
        let x0 = x.pixels.map(Double.init), eps = 1e-6
        let numeric = (g(zip(x0, d).map { $0 + eps * $1 }) - g(zip(x0, d).map { $0 - eps * $1 })) / (2 * eps)
        let value = g(x0)
        print("\(text): value \(values[0]) (reference \(value)), derivative \(analytic) (numeric \(numeric))")
        XCTAssertEqual(Double(values[0]), value, accuracy: 1e-3 * max(1, abs(value)), "\(text): value", file: file, line: line)
        XCTAssertEqual(analytic, numeric, accuracy: 1e-2 * max(1e-3, abs(numeric)), "\(text): directional derivative",
                       file: file, line: line)
        XCTAssertNotEqual(numeric, 0, "\(text): the objective moves", file: file, line: line)
        // Evaluation (forward only) agrees with the gradient pass's value.
        let evaluated = try scorer.evaluate([x], objective: resolved, network: k)[0].value
        XCTAssertEqual(evaluated, values[0], accuracy: 1e-4 * max(1, abs(values[0])), file: file, line: line)
    }

    func testChannelNeuronAndDream() throws {
        try check("channel(block12, 57)") { f, _ in
            let t = f.blocks[12], hw = t.h * t.w
            return (0..<hw).reduce(0.0) { $0 + t.data[57 * hw + $1] } / Double(hw)
        }
        try check("neuron(block12, 57)") { f, _ in
            let t = f.blocks[12]
            return t.data[57 * t.h * t.w + (t.h / 2) * t.w + t.w / 2]
        }
        try check("dream(block10)") { f, _ in
            let t = f.blocks[10]
            return t.data.reduce(0.0) { $0 + $1 * $1 } / Double(t.data.count)
        }
    }

    func testLogitClassAndNetworkPrefix() throws {
        try check("logit(tabby cat) - 0.5 * class(tiger cat | Egyptian cat)") { f, _ in
            let z = f.logits, m = z.max() ?? 0
            let lse = m + log(z.reduce(0.0) { $0 + exp($1 - m) })
            return z[281] - 0.5 * log(exp(z[282] - lse) + exp(z[285] - lse))
        }
        // A term for another network contributes nothing here and everything there.
        try check("dream(block10) + lite1:logit(goldfish)", network: 1) { f, _ in
            let t = f.blocks[10]
            return t.data.reduce(0.0) { $0 + $1 * $1 } / Double(t.data.count) + f.logits[1]
        }
    }

    func testMatchAndStyle() throws {
        try check("match(other.png)") { f, objective in
            guard case .match(let reference) = objective else { return .nan }
            let r = reference.pooled["lite0"]!.values.map(Double.init), p = f.pooled
            let dot = zip(p, r).reduce(0.0) { $0 + $1.0 * $1.1 }
            return dot / (sqrt(p.reduce(0.0) { $0 + $1 * $1 }) * sqrt(r.reduce(0.0) { $0 + $1 * $1 }))
        }
        try check("style(other.png)") { f, objective in
            guard case .style(let reference) = objective else { return .nan }
            var total = 0.0
            for (block, gram) in zip(reference.blocks["lite0"]!, reference.grams["lite0"]!) {
                let t = f.blocks[block], hw = t.h * t.w, c = t.c
                var loss = 0.0
                for a in 0..<c {
                    for b in 0..<c {
                        let g = (0..<hw).reduce(0.0) { $0 + t.data[a * hw + $1] * t.data[b * hw + $1] } / Double(hw)
                        loss += (g - Double(gram.values[a * c + b])) * (g - Double(gram.values[a * c + b]))
                    }
                }
                total -= loss / Double(c * c)
            }
            return total
        }
    }

    /// Feature inversion at a layer: the mean squared difference of block 6's activations from
    /// the picture's, position by position (the reference is HWC, the Double network's CHW).
    func testContentAtALayer() throws {
        try check("content(other.png, block6)") { f, objective in
            guard case .content(let reference) = objective, reference.block == 6 else { return .nan }
            let t = f.blocks[6], hw = t.h * t.w, c = t.c, r = reference.activations["lite0"]!.values
            var loss = 0.0
            for p in 0..<hw {
                for k in 0..<c {
                    let e = t.data[k * hw + p] - Double(r[p * c + k])
                    loss += e * e
                }
            }
            return -loss / Double(hw * c)
        }
        // The picture itself is at distance 0 (the same preparation, the same network), and a
        // different picture is not.
        let scorer = Scorer(sessions: [try InferenceSession(model: Self.networks[0].model)])
        let photo = try Self.photo(side: 64)
        let own = try ObjectiveText(parsing: "match(photo.png, block6)")
            .resolve(names: try ImageNetClasses.bundled(), scorer: scorer) { _ in photo }
        let values = try scorer.evaluate([photo, try Self.otherPicture(side: 64)], objective: own, network: 0).map(\.value)
        XCTAssertEqual(values[0], 0, accuracy: 1e-9)
        XCTAssertLessThan(values[1], -1e-3)
        XCTAssertEqual(try JSONDecoder().decode(Objective.self, from: JSONEncoder().encode(own)), own)
    }

    /// A derivative of the wrong size is an error naming both sizes, not a crash.
    func testWrongDerivativeSizeIsAnError() throws {
        let session = try InferenceSession(model: Self.networks[0].model)
        let input = [Float](repeating: 0, count: Self.networks[0].model.inputSize)
        XCTAssertThrowsError(try session.featureGradient(input, batch: 1, taps: FeatureTaps(blocks: [3], output: false)) { _, f in
            FeatureDerivative(value: 0, blocks: [[Float](repeating: 1, count: f.blocks[0].count + 1)])
        }) { error in
            guard case .objectiveDerivativeCount = error as? NetError else { return XCTFail("\(error)") }
        }
    }

    /// Names that do not resolve give one line each that names the input and the fix.
    func testResolutionMistakesNameTheInputAndTheFix() throws {
        let scorer = Scorer(sessions: try Self.networks.map { try InferenceSession(model: $0.model) })
        let names = try ImageNetClasses.bundled()
        func message(_ text: String) -> String {
            do {
                _ = try ObjectiveText(parsing: text).resolve(names: names, scorer: scorer) { path in
                    throw NSError(domain: "test", code: 1, userInfo: [NSLocalizedDescriptionKey: "no such file \(path)"])
                }
                return "resolved"
            } catch { return "\(error)" }
        }
        let cases: [(String, [String])] = [
            ("class(rock crb)", ["rock crb", "rock crab"]),
            ("channel(block40, 1)", ["block40", "block0", "block15", "lite0"]),
            ("channel(layer3, 1)", ["layer3"]),
            ("neuron(block12, 999)", ["999", "191"]),
            ("lite2:class(goldfish)", ["lite2", "--model lite2"]),
            ("lite9:class(goldfish)", ["lite9", "lite0, lite1 or lite2"]),
            ("match(missing.png)", ["missing.png", "no such file"]),
            ("content(missing.png, block4)", ["missing.png", "no such file"]),
            ("content(photo.png, block99)", ["block99", "block15", "lite0"]),
        ]
        for (text, fragments) in cases {
            let m = message(text)
            for fragment in fragments { XCTAssertTrue(m.contains(fragment), "\(text): \(m)") }
            XCTAssertFalse(m.contains("\n"), "\(text): one line")
        }
    }

    /// A resolved objective with picture references survives the run's JSON unchanged.
    func testResolvedObjectiveRoundTripsThroughJSON() throws {
        let scorer = Scorer(sessions: try Self.networks.map { try InferenceSession(model: $0.model) })
        let objective = try ObjectiveText(parsing: "style(a.png) + 0.5 * lite1:match(a.png) - channel(block3, 2)")
            .resolve(names: try ImageNetClasses.bundled(), scorer: scorer) { _ in try Self.otherPicture(side: 80) }
        let data = try JSONEncoder().encode(objective)
        XCTAssertEqual(try JSONDecoder().decode(Objective.self, from: data), objective)
        XCTAssertEqual(objective.networks, ["lite1"])
        guard case .sum(.sum(.style(let style), _), _) = objective else { return XCTFail("\(objective)") }
        XCTAssertEqual(style.blocks["lite0"], [2, 4, 7, 10])
        XCTAssertEqual(style.grams["lite0"]?.map(\.values.count), [24 * 24, 40 * 40, 80 * 80, 112 * 112])
    }
}

extension ReferenceNet {
    typealias Tensor3Features = (blocks: [Tensor3], pooled: [Double], logits: [Double])
}
