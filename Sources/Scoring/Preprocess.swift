import Imaging

/// The classifier's input convention: 8-bit RGB `u` maps to `(u − 127) / 128`.
///
/// Images here hold `v = u / 255` in [0, 1], so the network input is `v · 255/128 − 127/128`.
/// Rendered images are not quantised to 8 bits first: the network sees the exact formula values.
public enum Preprocess {
    public static let scale: Float = 255.0 / 128.0
    public static let offset: Float = -127.0 / 128.0

    /// Writes `image` (which must be `size`×`size`) into `batch` at slot `index`,
    /// NCHW planar: slot stride `3 · size · size`.
    public static func write(_ image: Image, into batch: UnsafeMutableBufferPointer<Float>, index: Int) {
        let n = image.pixels.count
        let base = index * n
        image.pixels.withUnsafeBufferPointer { src in
            for i in 0..<n { batch[base + i] = min(max(src[i], 0), 1) * scale + offset }
        }
    }

    /// ∂input/∂pixel: the chain-rule factor from network-input gradients back to [0, 1] pixels.
    public static let pixelGradientScale: Float = scale
}
