import Foundation
import Imaging
import Net
import Scoring

/// Lite0 at 64 px and Lite1 at 72 px with their real weights, each beside its Double reference
/// network, and the photo as a 90² source squeezed into [0.05, 0.95] (so that preprocessing
/// never clamps): the set-up of the framed ensemble gradient checks.
struct SmallEnsemble {
    var models: [EfficientNetLite] = []
    var references: [ReferenceNet] = []
    let scorer: Scorer
    /// Side of the source picture.
    static let source = 90
    /// The photo at `source`², planar.
    let photo: Image

    init() throws {
        for (variant, side) in [(ModelVariant.lite0, 64), (.lite1, 72)] {
            let checkpoint = try TorchCheckpoint(contentsOf: try ModelLocator.locate(variant))
            models.append(try EfficientNetLite(checkpoint: checkpoint, resolution: side))
            references.append(ReferenceNet(checkpoint: checkpoint))
        }
        scorer = Scorer(sessions: try models.map { try InferenceSession(model: $0) })
        let n = Self.source, rgb = Fixture.resize(try Fixture.chelseaRGB(), from: 224, to: n)
        var x = Image(width: n, height: n)
        for c in 0..<3 {
            for p in 0..<(n * n) { x.pixels[c * n * n + p] = 0.05 + 0.9 * Float(rgb[p * 3 + c]) / 255 }
        }
        photo = x
    }

    /// Network `k`'s Double logits of pixels `y` (planar, [0, 1]) at its own side.
    func referenceLogits(_ k: Int, _ y: [Double]) -> [Double] {
        references[k].logits(y.map { $0 * Double(Preprocess.scale) + Double(Preprocess.offset) }, side: models[k].resolution)
    }
}
