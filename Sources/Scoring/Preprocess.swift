import Imaging

/// The classifier's input convention: 8-bit RGB `u` maps to `(u − 127) / 128`.
///
/// Images here hold `v = u / 255` in [0, 1], so the network input is `v · 255/128 − 127/128`.
/// Rendered images are not quantised to 8 bits first: the network sees the exact formula values.
public enum Preprocess {
    public static let scale: Float = 255.0 / 128.0
    public static let offset: Float = -127.0 / 128.0

    /// `images` (each `resolution`×`resolution`) as one NCHW planar network input batch.
    public static func batch(_ images: [Image], resolution r: Int) throws -> [Float] {
        for image in images where image.width != r || image.height != r {
            throw ScoringError.imageSize(width: image.width, height: image.height, expected: r)
        }
        let n = 3 * r * r
        var input = [Float](repeating: 0, count: images.count * n)
        input.withUnsafeMutableBufferPointer { batch in
            for (slot, image) in images.enumerated() {
                image.pixels.withUnsafeBufferPointer { src in
                    let base = slot * n
                    for i in 0..<n { batch[base + i] = min(max(src[i], 0), 1) * scale + offset }
                }
            }
        }
        return input
    }

    /// ∂input/∂pixel: the chain-rule factor from network-input gradients back to [0, 1] pixels.
    public static let pixelGradientScale: Float = scale
}
