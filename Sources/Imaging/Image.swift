/// A planar RGB image with `Float` samples, nominally in [0, 1].
///
/// Layout: `pixels[c * width * height + y * width + x]` for channel `c` in 0..<3 (R, G, B),
/// row `y` growing downward. Planar (channel-major) so each channel is one contiguous buffer,
/// which is what the renderer writes and what the classifier's NCHW input wants.
public struct Image: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `3 * width * height` samples, channel-major.
    public var pixels: [Float]

    /// Number of pixels in one channel plane.
    @inlinable public var planeSize: Int { width * height }

    /// An image filled with one value in every channel.
    public init(width: Int, height: Int, fill: Float = 0) {
        precondition(width > 0 && height > 0, "image size must be positive, got \(width)×\(height)")
        self.width = width
        self.height = height
        self.pixels = [Float](repeating: fill, count: 3 * width * height)
    }

    /// Wraps existing planar samples; `pixels.count` must be `3 * width * height`.
    public init(width: Int, height: Int, pixels: [Float]) {
        precondition(width > 0 && height > 0, "image size must be positive, got \(width)×\(height)")
        precondition(pixels.count == 3 * width * height,
                     "expected \(3 * width * height) samples for \(width)×\(height) RGB, got \(pixels.count)")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The sample at channel `c`, column `x`, row `y`.
    @inlinable public subscript(c: Int, x: Int, y: Int) -> Float {
        get { pixels[c * planeSize + y * width + x] }
        set { pixels[c * planeSize + y * width + x] = newValue }
    }
}
