import Net
import XCTest

/// The real networks on the reference photo: Lite0 against reference logits and per-layer
/// activations; Lite1 and Lite2 must see a cat.
final class GoldenPhotoTests: XCTestCase {
    func testLite0LogitsMatchReference() throws {
        let model = try Fixture.model(.lite0)
        XCTAssertEqual(model.resolution, 224)
        XCTAssertEqual(model.multiplyAdds, 385_187_552)  // effnet_lite_np.py count_macs
        let session = try InferenceSession(model: model, threads: 2)
        let logits = try session.logits(Fixture.preprocess(try Fixture.chelseaRGB(), side: 224), batch: 1)
        let reference = try Fixture.referenceLogits()
        XCTAssertEqual(reference.count, 1000)
        let maxDelta = zip(logits, reference).map { abs($0 - $1) }.max() ?? .infinity
        print("lite0 chelsea max |Δlogit| = \(maxDelta)")
        XCTAssertLessThanOrEqual(maxDelta, 1e-3)
        XCTAssertEqual(Probabilities.topK(logits, k: 3).map(\.index), [282, 285, 281])
        let p = Probabilities.softmax(logits)
        XCTAssertEqual(p[282], 0.408, accuracy: 0.001)
        XCTAssertEqual(p[285], 0.340, accuracy: 0.001)
    }

    /// Localises a mismatch: every layer's mean, std and sampled values against the reference.
    func testLite0ActivationsMatchReference() throws {
        let session = try InferenceSession(model: try Fixture.model(.lite0), threads: 1)
        let layers = try session.activations(Fixture.preprocess(try Fixture.chelseaRGB(), side: 224))
        let byName = Dictionary(uniqueKeysWithValues: layers.map { ($0.name, $0) })
        let reference = try Fixture.referenceActivations()
        XCTAssertEqual(reference.count, 19)
        for (name, ref) in reference {
            let layer = try XCTUnwrap(byName[name], "no layer \(name)")
            XCTAssertEqual(layer.shape, ref.shape, name)
            let n = Double(layer.values.count)
            let mean = layer.values.reduce(0.0) { $0 + Double($1) } / n
            let std = (layer.values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n).squareRoot()
            XCTAssertEqual(mean, ref.mean, accuracy: 1e-4 + 1e-4 * abs(ref.mean), "\(name) mean")
            XCTAssertEqual(std, ref.std, accuracy: 1e-4 * ref.std, "\(name) std")
            let channels = ref.shape.last ?? 1
            let centre = ref.shape.count == 3 ? ((ref.shape[0] / 2) * ref.shape[1] + ref.shape[1] / 2) * channels : 0
            for c in 0..<6 {
                XCTAssertEqual(layer.values[c], ref.corner[c], accuracy: 1e-3, "\(name) (0,0) channel \(c)")
                XCTAssertEqual(layer.values[centre + c], ref.centre[c], accuracy: 1e-3, "\(name) centre channel \(c)")
            }
        }
    }

    /// A batch gives each image the logits it gets alone, on one or two threads.
    func testBatchesAgreeWithSingleImages() throws {
        let model = try Fixture.model(.lite0)
        let photo = Fixture.preprocess(try Fixture.chelseaRGB(), side: 224)
        var mirrored = photo
        for i in 0..<photo.count {
            let x = i % 224
            mirrored[i] = photo[i - x + 223 - x]
        }
        let dark = photo.map { $0 * 0.5 - 0.3 }
        let single = try InferenceSession(model: model, threads: 1)
        let alone = try [photo, mirrored, dark].flatMap { try single.logits($0, batch: 1) }
        for threads in [1, 2] {
            let batched = try InferenceSession(model: model, threads: threads).logits(photo + mirrored + dark + photo, batch: 4)
            assertClose(batched, alone + alone.prefix(1000), 1e-4, "batch of 4 on \(threads) threads")
        }
    }

    func testLite1AndLite2SeeACat() throws {
        let photo = try Fixture.chelseaRGB()
        for variant in [ModelVariant.lite1, .lite2] {
            let model = try Fixture.model(variant)
            XCTAssertEqual(model.resolution, variant.resolution)
            XCTAssertEqual(model.variant, variant)
            let input = Fixture.preprocess(Fixture.resize(photo, from: 224, to: variant.resolution), side: variant.resolution)
            let logits = try InferenceSession(model: model, threads: 2).logits(input, batch: 1)
            let top5 = Probabilities.topK(logits, k: 5).map(\.index)
            XCTAssertTrue(top5.contains { (281...285).contains($0) }, "\(variant) top-5 \(top5)")
        }
    }
}
